package aplab.shell;

import aplab.host.Host;
import aplab.kernel.Kernel;
import aplab.kernel.PlantedBug;
import aplab.sysfs.Sysfs;
import aplab.sysfs.SysfsException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * One root shell on one modelled host: runs a command line the way bash, coreutils and the
 * {@code aplab} host commands would, and returns what it printed (stdout and stderr in order).
 * This is the interpreter behind transcripts and {@code aplab shell}.
 */
public final class Session {
    private Host host;
    private Sysfs sysfs;
    private String cwd = "/";
    private final Set<PlantedBug> planted;
    /** Which s390-tools release lszcrypt and ap-check behave as ({@code aplab s390-tools}). */
    private aplab.lszcrypt.S390Tools s390Tools = aplab.lszcrypt.S390Tools.NEWEST;

    public Session() {
        this(Kernel.MAINLINE);
    }

    public Session(Kernel version) {
        this(version, PlantedBug.fromSystemProperty());
    }

    /** A session whose hosts (this one and those after {@code aplab kernel}) have these defects planted. */
    public Session(Kernel version, Set<PlantedBug> planted) {
        this.planted = Set.copyOf(planted);
        reset(version);
    }

    /** A fresh host running the given kernel. */
    void reset(Kernel version) {
        host = new Host(version, planted);
        sysfs = new Sysfs(host);
        cwd = "/";
    }

    public Host host() {
        return host;
    }

    public Sysfs sysfs() {
        return sysfs;
    }

    public String cwd() {
        return cwd;
    }

    public aplab.lszcrypt.S390Tools s390Tools() {
        return s390Tools;
    }

    void s390Tools(aplab.lszcrypt.S390Tools release) {
        this.s390Tools = release;
    }

    /** Whether the first word of a command line is one this shell knows. */
    public static boolean knownCommand(String word) {
        return switch (word) {
            case "echo", "cat", "ls", "cd", "lszcrypt", "ap-check", "aplab", "help" -> true;
            default -> false;
        };
    }

    /**
     * Runs one command line; never throws for bad input. Redirections are opened first, as bash
     * does ({@link Redirections}): a target that cannot be opened runs nothing.
     */
    public List<String> execute(String line) {
        List<String> terminal = new ArrayList<>();
        ShellWords.Parsed p = ShellWords.parse(line);
        if (p.unsupported() != null) {
            terminal.add("aplab: unsupported shell syntax: " + p.unsupported());
            return terminal;
        }
        Redirections io = Redirections.open(sysfs, cwd, p.redirects(), terminal);
        if (io == null) {
            return terminal;
        }
        List<String> w = p.words();
        if (w.isEmpty()) {
            // "> file" alone opens (truncates) the file and writes nothing
            return terminal;
        }
        run(io, w.get(0), w.subList(1, w.size()));
        return terminal;
    }

    /** One simple command with its standard output and error already set up. */
    private void run(Redirections io, String cmd, List<String> args) {
        List<String> out = Redirections.scratch();
        try {
            switch (cmd) {
                case "echo" -> echo(io, args);
                case "cat" -> cat(io, args);
                case "ls" -> ls(out, args);
                case "cd" -> cd(out, args);
                case "lszcrypt" -> out.addAll(aplab.lszcrypt.Lszcrypt.run(host, args, s390Tools));
                case "ap-check" -> ApCheckCommand.run(this, args, io::out, io::err);
                case "aplab" -> aplab(out, args);
                case "help" -> out.addAll(Help.lines(this, args));
                default -> io.err("aplab: unknown command: " + cmd);
            }
        } catch (aplab.vfioap.BlockedWrite e) {
            io.err("aplab: " + cmd + ": " + e.getMessage());
        } catch (RuntimeException e) {
            // a model defect must not end the run; say it in one line
            io.err("aplab: internal error in '" + cmd + "': " + e);
        }
        // cd's messages are bash's own; the others are each program's, prefixed with its name
        io.route(cmd.equals("cd") ? "bash" : cmd, out);
        io.finish(cmd.equals("echo") ? "bash: echo" : cmd);
    }

    // ---------------------------------------------------------------- echo

    private void echo(Redirections io, List<String> args) {
        boolean newline = true;
        boolean escapes = false;
        int i = 0;
        while (i < args.size() && args.get(i).matches("-[neE]+")) {
            for (char c : args.get(i).substring(1).toCharArray()) {
                if (c == 'n') {
                    newline = false;
                } else {
                    escapes = c == 'e';
                }
            }
            i++;
        }
        String text = String.join(" ", args.subList(i, args.size()));
        if (escapes) {
            String[] r = bashEscapes(text);
            text = r[0];
            if (r[1] != null) {
                newline = false; // \c: no further output
            }
        }
        io.write("bash: echo", text + (newline ? "\n" : ""));
    }

    /** bash's echo -e: \\n \\t \\\\ \\a \\b \\e \\f \\r \\v \\0nnn \\xHH, and \\c ends the output. */
    static String[] bashEscapes(String s) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c != '\\' || i + 1 >= s.length()) {
                b.append(c);
                continue;
            }
            char n = s.charAt(++i);
            switch (n) {
                case 'n' -> b.append('\n');
                case 't' -> b.append('\t');
                case 'r' -> b.append('\r');
                case 'a' -> b.append('\u0007');
                case 'b' -> b.append('\b');
                case 'e', 'E' -> b.append('\u001b');
                case 'f' -> b.append('\f');
                case 'v' -> b.append('\u000b');
                case '\\' -> b.append('\\');
                case 'c' -> {
                    return new String[] {b.toString(), "stop"};
                }
                case '0' -> {
                    int v = 0;
                    int k = 0;
                    while (k < 3 && i + 1 < s.length() && s.charAt(i + 1) >= '0' && s.charAt(i + 1) <= '7') {
                        v = v * 8 + (s.charAt(++i) - '0');
                        k++;
                    }
                    b.append((char) (v & 0xff));
                }
                case 'x' -> {
                    int v = 0;
                    int k = 0;
                    while (k < 2 && i + 1 < s.length() && Character.digit(s.charAt(i + 1), 16) >= 0) {
                        v = v * 16 + Character.digit(s.charAt(++i), 16);
                        k++;
                    }
                    if (k == 0) {
                        b.append("\\x");
                    } else {
                        b.append((char) v);
                    }
                }
                default -> b.append('\\').append(n);
            }
        }
        return new String[] {b.toString(), null};
    }

    // ---------------------------------------------------------------- cat, ls, cd

    /** cat: each file is read and written on at once; a write error stops it (coreutils). */
    private void cat(Redirections io, List<String> args) {
        if (args.isEmpty()) {
            io.err("cat: reading standard input is not supported here");
            return;
        }
        for (String a : args) {
            String content;
            try {
                content = sysfs.read(Sysfs.normalize(cwd, a));
            } catch (SysfsException e) {
                io.err("cat: " + a + ": " + e.errno().strerror());
                continue;
            }
            if (!io.write("cat", content)) {
                return;
            }
        }
    }

    private void ls(List<String> out, List<String> args) {
        boolean longFormat = false;
        List<String> targets = new ArrayList<>();
        for (String a : args) {
            if (a.matches("-[l1]+")) {
                longFormat |= a.contains("l");
            } else {
                targets.add(a);
            }
        }
        if (targets.isEmpty()) {
            targets.add(".");
        }
        List<String> files = new ArrayList<>();
        List<String> dirs = new ArrayList<>();
        for (String a : targets) {
            String path = Sysfs.normalize(cwd, a);
            if (!sysfs.exists(path)) {
                out.add("ls: cannot access '" + a + "': No such file or directory");
            } else if (sysfs.isDirectory(path) && !(longFormat && !a.endsWith("/") && sysfs.readlink(path) != null)) {
                dirs.add(a);
            } else {
                files.add(a);
            }
        }
        if (longFormat) {
            List<String[]> rows = new ArrayList<>();
            for (String f : files) {
                rows.add(LsLong.row(sysfs, Sysfs.normalize(cwd, f), f));
            }
            out.addAll(LsLong.format(rows));
        } else {
            out.addAll(files);
        }
        boolean headers = targets.size() > 1;
        boolean first = files.isEmpty();
        for (String d : dirs) {
            if (headers) {
                if (!first) {
                    out.add("");
                }
                out.add(d + ":");
            }
            first = false;
            String dir = Sysfs.normalize(cwd, d);
            if (longFormat) {
                out.add("total 0");
                List<String[]> rows = new ArrayList<>();
                for (String name : sysfs.list(dir)) {
                    rows.add(LsLong.row(sysfs, dir + "/" + name, name));
                }
                out.addAll(LsLong.format(rows));
            } else {
                out.addAll(sysfs.list(dir));
            }
        }
    }

    private void cd(List<String> out, List<String> args) {
        if (args.size() > 1) {
            out.add("bash: cd: too many arguments");
            return;
        }
        String target = args.isEmpty() ? "/" : args.get(0);
        String path = Sysfs.normalize(cwd, target);
        if (!sysfs.exists(path)) {
            out.add("bash: cd: " + target + ": No such file or directory");
        } else if (!sysfs.isDirectory(path)) {
            out.add("bash: cd: " + target + ": Not a directory");
        } else {
            cwd = path;
        }
    }

    // ---------------------------------------------------------------- aplab

    private void aplab(List<String> out, List<String> args) {
        HostCommands.execute(this, out, args.toArray(String[]::new));
    }
}
