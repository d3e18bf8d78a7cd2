package aplab.shell;

import aplab.sysfs.Sysfs;
import aplab.sysfs.SysfsException;
import java.util.ArrayList;
import java.util.List;

/**
 * A command's standard output and standard error with its redirections applied, as bash does it:
 * every target is opened, left to right, <em>before</em> the command runs, and the first open that
 * fails ends the line with {@code bash: TARGET: REASON} and runs nothing ({@link #open} returns
 * null). The files are sysfs attributes (opened with O_TRUNC, which stores nothing) and
 * {@code /dev/null}; any other path fails to open as on a host where it does not exist.
 *
 * <p>What a command prints to a redirected standard output is written when it finishes, in one
 * write (page-sized store calls), as a stdio-buffered program does; an empty output writes nothing.
 * {@code echo} and {@code cat} write directly ({@link #write}). Standard error is unbuffered: each
 * message is its own write. Both go, in order, to the terminal lines when not redirected.
 */
final class Redirections {
    /** Where a descriptor points: the terminal (null file, not discarding), /dev/null, or a file. */
    private record Sink(String target, Sysfs.OpenFile file, boolean discard) {
        static final Sink TERMINAL = new Sink(null, null, false);
        static final Sink NULL = new Sink("/dev/null", null, true);

        boolean terminal() {
            return file == null && !discard;
        }
    }

    private final List<String> terminal;
    private Sink out = Sink.TERMINAL;
    private Sink err = Sink.TERMINAL;
    private final StringBuilder buffered = new StringBuilder();

    private Redirections(List<String> terminal) {
        this.terminal = terminal;
    }

    /**
     * Opens the redirections in order; on a refused open, reports it on the terminal (or wherever
     * standard error points by then, as bash does) and returns null: the command must not run.
     */
    static Redirections open(Sysfs sysfs, String cwd, List<ShellWords.Redirect> redirects, List<String> terminal) {
        Redirections io = new Redirections(terminal);
        for (ShellWords.Redirect r : redirects) {
            Sink s;
            if (r.dup()) {
                s = io.out;
            } else if (r.target().equals("/dev/null")) {
                s = Sink.NULL;
            } else {
                try {
                    s = new Sink(r.target(), sysfs.openWrite(Sysfs.normalize(cwd, r.target())), false);
                } catch (SysfsException e) {
                    io.err("bash: " + r.target() + ": " + e.errno().strerror());
                    return null;
                }
            }
            if (r.fd() == 1) {
                io.out = s;
            } else {
                io.err = s;
            }
        }
        return io;
    }

    /** Whether standard output is the terminal (commands may then print lines as before). */
    boolean outToTerminal() {
        return out.terminal();
    }

    /** One line of standard output (buffered until {@link #finish} when redirected). */
    void out(String line) {
        if (out.terminal()) {
            terminal.add(line);
        } else if (!out.discard()) {
            buffered.append(line).append('\n');
        }
    }

    /** One message on standard error, written at once. */
    void err(String line) {
        if (err.terminal()) {
            terminal.add(line);
        } else if (!err.discard()) {
            try {
                err.file().write(line + "\n");
            } catch (SysfsException e) {
                // a program's message that cannot be written is lost, as on a real host
            }
        }
    }

    /**
     * One write(2) of {@code text} to standard output now (echo, cat), after any buffered output.
     * On a refusal, {@code program: write error: REASON} goes to standard error and false comes
     * back (the program stops).
     */
    boolean write(String program, String text) {
        if (out.terminal()) {
            if (!text.isEmpty()) {
                String[] lines = text.split("\n", -1);
                int n = text.endsWith("\n") ? lines.length - 1 : lines.length;
                for (int i = 0; i < n; i++) {
                    terminal.add(lines[i]);
                }
            }
            return true;
        }
        if (out.discard() || text.isEmpty()) {
            return true;
        }
        try {
            out.file().write(text);
            return true;
        } catch (SysfsException e) {
            err(program + ": write error: " + e.errno().strerror());
            return false;
        }
    }

    /**
     * The lines a program printed, routed as it would have: those starting with
     * {@code PROGRAM: } are its diagnostics (standard error), the rest its output.
     */
    void route(String program, List<String> lines) {
        String prefix = program + ": ";
        for (String l : lines) {
            if (l.startsWith(prefix)) {
                err(l);
            } else {
                out(l);
            }
        }
    }

    /** The program exits: its buffered standard output is written (a refusal is reported). */
    void finish(String program) {
        if (buffered.length() > 0) {
            String text = buffered.toString();
            buffered.setLength(0);
            write(program, text);
        }
    }

    /** A scratch list for a program that prints lines; pass it to {@link #route} afterwards. */
    static List<String> scratch() {
        return new ArrayList<>();
    }
}
