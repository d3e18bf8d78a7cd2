package aplab.notebook;

import aplab.kernel.Kernel;
import aplab.lockdep.LockDep;
import aplab.lockdep.TrackedLock;
import aplab.shell.Session;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.WeakHashMap;

/**
 * What notebook cells call: a shell on a modelled host that prints each command as a root prompt
 * line and its output under it, a before/after table of one scenario run on several kernels, and
 * the lock nestings of an operation.
 */
public final class Nb {
    /** The mdev UUIDs the notebooks create, and the sysfs paths they use most. */
    public static final String U1 = "11111111-1111-1111-1111-111111111111";
    public static final String U2 = "22222222-2222-2222-2222-222222222222";
    public static final String MATRIX = "/sys/devices/vfio_ap/matrix/";
    public static final String MDEV = MATRIX + U1;
    public static final String CREATE = MATRIX + "mdev_supported_types/vfio_ap-passthrough/create";

    /** The widest line a table prints (the goldens keep lines under 160 characters). */
    static final int WIDTH = 150;

    private Nb() {
    }

    /** A notebook's {@code main}: runs its cells and prints the walkthrough ({@link Notebook#main}). */
    public static void notebook(Class<?> notebookClass, Notebook.Body cells) {
        Notebook.main(notebookClass, cells);
    }

    /** A fresh host running mainline. */
    public static Session host() {
        return new Session(Kernel.MAINLINE);
    }

    /** A fresh host running that kernel (a name from aplab kernel --list, e.g. 5.17, 6.0, mainline). */
    public static Session host(String release) {
        return new Session(Kernel.parse(release));
    }

    /** The last {@code aplab lockdep} report printed per host, so that a repeat shows what changed. */
    private static final Map<Session, List<String>> LOCKDEP_SHOWN = Collections.synchronizedMap(new WeakHashMap<>());

    /**
     * Runs each command line and prints {@code # command} then what it printed; a short output
     * (up to six lines that fit) goes on the command's line after {@code →}, its lines joined by
     * {@code "; "}. Consecutive
     * commands that print nothing share one {@code #} line, separated by {@code "; "}; an
     * {@code aplab lockdep} report already printed for this host is printed again only as the
     * lines that changed ({@code +} new, {@code -} gone).
     */
    public static void sh(Session s, String... commands) {
        List<String> silent = new ArrayList<>();
        for (String c : commands) {
            List<String> out = s.execute(c);
            if (out.isEmpty()) {
                silent.add(c);
                continue;
            }
            flushSilent(silent);
            if (c.strip().equals("aplab lockdep")) {
                List<String> before = LOCKDEP_SHOWN.put(s, List.copyOf(out));
                if (before != null) {
                    printLockdepChange(before, out);
                    continue;
                }
            }
            String joined = String.join("; ", out);
            if (out.size() <= 6 && c.length() + joined.length() + 5 <= WIDTH) {
                System.out.println("# " + c + "  → " + joined);
                continue;
            }
            System.out.println("# " + c);
            for (String l : out) {
                System.out.println(l);
            }
        }
        flushSilent(silent);
    }

    private static void flushSilent(List<String> silent) {
        if (silent.isEmpty()) {
            return;
        }
        List<String> lines = Table.wrap(String.join("; ", silent), WIDTH - 2);
        for (int i = 0; i < lines.size(); i++) {
            System.out.println((i == 0 ? "# " : "#   ") + lines.get(i));
        }
        silent.clear();
    }

    private static void printLockdepChange(List<String> before, List<String> now) {
        List<String> added = new ArrayList<>(now);
        added.removeAll(before);
        List<String> gone = new ArrayList<>(before);
        gone.removeAll(now);
        if (added.isEmpty() && gone.isEmpty()) {
            System.out.println("# aplab lockdep   (unchanged since it was last shown)");
            return;
        }
        System.out.println("# aplab lockdep   (what changed since it was last shown)");
        gone.forEach(l -> System.out.println("- " + l));
        added.forEach(l -> System.out.println("+ " + l));
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
     * Runs the same commands on one host per kernel and prints one table (see {@link Table}):
     * a row per command, a column per kernel, what the command printed in each (lines joined by
     * {@code "; "}); a row whose outputs are all equal is printed once across the columns,
     * consecutive rows that print nothing anywhere are folded into one, and a row that differs is
     * marked {@code *}.
     */
    public static void sideBySide(List<Session> hosts, String... commands) {
        List<String> labels = new ArrayList<>();
        for (Session s : hosts) {
            labels.add(s.host().version().release());
        }
        Table t = new Table("command", labels);
        for (String c : commands) {
            List<String> row = new ArrayList<>();
            for (Session s : hosts) {
                row.add(String.join("; ", s.execute(c)));
            }
            t.row(c, row);
        }
        System.out.print(t.render());
    }

    /** A before/after table with one column per label (see {@link Table}). */
    public static Table table(String head, List<String> labels) {
        return new Table(head, labels);
    }

    /**
     * Runs {@code body} with lock tracing on and prints its lock nestings: per thread, each
     * stretch from holding no tracked lock to holding none again is one line, listing the
     * deepest chains held at once ({@code a > b} = b taken while a was held), each lock with the
     * function that took it where that changes.
     */
    public static void lockTrace(Session s, Runnable body) {
        for (String l : lockNestings(s, body)) {
            List<String> wrapped = Table.wrap(l, WIDTH);
            for (int i = 0; i < wrapped.size(); i++) {
                System.out.println((i == 0 ? "" : "    ") + wrapped.get(i));
            }
        }
    }

    /** The lines {@link #lockTrace} prints. */
    public static List<String> lockNestings(Session s, Runnable body) {
        List<String> trace = Collections.synchronizedList(new ArrayList<>());
        s.host().lockdep().trace(trace::add);
        try {
            body.run();
        } finally {
            s.host().lockdep().trace(null);
        }
        synchronized (trace) {
            return LockNesting.of(trace);
        }
    }

    /** Starts recording each host's calls of the filter (vfio_ap_mdev_filter_matrix); one list per host. */
    public static List<List<String>> traceFilter(List<Session> hosts) {
        List<List<String>> logs = new ArrayList<>();
        for (Session k : hosts) {
            List<String> log = new ArrayList<>();
            logs.add(log);
            k.host().vfioAp().traceFilter(log::add);
        }
        return logs;
    }

    /** Runs {@code aplab lockdep} and prints its verdict, leaving out the list of dependencies before it. */
    public static void lockdepVerdict(Session s) {
        List<String> out = s.execute("aplab lockdep");
        int from = 0;
        while (from < out.size() && !out.get(from).startsWith("possible circular")
                && !out.get(from).startsWith("no circular")) {
            from++;
        }
        System.out.println("# aplab lockdep   (its " + from + " dependency lines left out)");
        out.subList(from, out.size()).forEach(System.out::println);
    }

    /**
     * In a new thread named {@code thread}, takes {@code locks} in the given order as one lockdep
     * operation, releases them in reverse and waits for the thread (at most a minute): how a
     * notebook shows lockdep what a path that breaks the documented order would do.
     */
    public static void lockInOrder(Session s, String thread, String operation, TrackedLock... locks) {
        LockDep lockdep = s.host().lockdep();
        Thread th = new Thread(() -> {
            try (var op = lockdep.operation(operation)) {
                for (TrackedLock l : locks) {
                    l.lock();
                }
                for (int i = locks.length - 1; i >= 0; i--) {
                    locks[i].unlock();
                }
            }
        }, thread);
        th.start();
        try {
            th.join(60_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
