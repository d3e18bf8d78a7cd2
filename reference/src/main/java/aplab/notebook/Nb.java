package aplab.notebook;

import aplab.kernel.Kernel;
import aplab.shell.Session;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * What notebook cells call: a shell on a modelled host that prints each command as a root prompt
 * line and its output under it, and side-by-side runs of one scenario on several kernels.
 */
public final class Nb {
    private Nb() {
    }

    /** A fresh host running mainline. */
    public static Session host() {
        return new Session(Kernel.MAINLINE);
    }

    /** A fresh host running that kernel (a name from aplab kernel --list, e.g. 5.17, 6.0, mainline). */
    public static Session host(String release) {
        return new Session(Kernel.parse(release));
    }

    /** Runs each command line and prints {@code # command} then what it printed. */
    public static void sh(Session s, String... commands) {
        for (String c : commands) {
            System.out.println("# " + c);
            for (String l : s.execute(c)) {
                System.out.println(l);
            }
        }
    }

    /** Runs commands without printing them (set-up the reader does not need to see). */
    public static void quietly(Session s, String... commands) {
        for (String c : commands) {
            List<String> out = s.execute(c);
            if (!out.isEmpty()) {
                throw new IllegalStateException("set-up command '" + c + "' printed: " + out);
            }
        }
    }

    /** What one command prints, as one string (lines joined by newlines). */
    public static String out(Session s, String command) {
        return String.join("\n", s.execute(command));
    }

    /**
     * Runs the same commands on one host per kernel and prints, per command, each kernel's output
     * labelled with its release: the before/after view of a patch.
     */
    public static void sideBySide(List<Session> hosts, String... commands) {
        for (String c : commands) {
            System.out.println("# " + c);
            for (Session s : hosts) {
                List<String> out = s.execute(c);
                String label = String.format("  [%-8s] ", s.host().version().release());
                if (out.isEmpty()) {
                    System.out.println(label + "(no output)");
                }
                for (String l : out) {
                    System.out.println(label + l);
                }
            }
        }
    }

    /** Runs {@code body} with lock tracing on and prints the trace (thread, function, lock). */
    public static void lockTrace(Session s, Runnable body) {
        List<String> trace = Collections.synchronizedList(new ArrayList<>());
        s.host().lockdep().trace(trace::add);
        try {
            body.run();
        } finally {
            s.host().lockdep().trace(null);
        }
        synchronized (trace) {
            trace.forEach(System.out::println);
        }
    }
}
