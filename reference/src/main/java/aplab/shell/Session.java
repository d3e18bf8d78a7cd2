package aplab.shell;

import aplab.host.Host;
import aplab.kernel.KernelVersion;
import aplab.sysfs.Sysfs;
import aplab.sysfs.SysfsException;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine;

/**
 * One root shell on one modelled host: runs a command line the way bash, coreutils and the
 * {@code aplab} host commands would, and returns what it printed (stdout and stderr in order).
 * This is the interpreter behind transcripts and {@code aplab shell}.
 */
public final class Session {
    private Host host;
    private Sysfs sysfs;
    private String cwd = "/";

    public Session() {
        this(KernelVersion.MAINLINE);
    }

    public Session(KernelVersion version) {
        reset(version);
    }

    /** A fresh host running the given kernel. */
    void reset(KernelVersion version) {
        host = new Host(version);
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

    /** Whether the first word of a command line is one this shell knows. */
    public static boolean knownCommand(String word) {
        return switch (word) {
            case "echo", "cat", "ls", "cd", "lszcrypt", "aplab", "help" -> true;
            default -> false;
        };
    }

    /** Runs one command line; never throws for bad input. */
    public List<String> execute(String line) {
        List<String> out = new ArrayList<>();
        ShellWords.Parsed p = ShellWords.parse(line);
        if (p.unsupported() != null) {
            out.add("aplab: unsupported shell syntax: " + p.unsupported());
            return out;
        }
        List<String> w = p.words();
        if (w.isEmpty()) {
            if (p.redirect() != null) {
                // "> file" truncates; sysfs files cannot be emptied that way
                write(out, p.redirect(), "", null);
            }
            return out;
        }
        String cmd = w.get(0);
        List<String> args = w.subList(1, w.size());
        try {
            switch (cmd) {
                case "echo" -> echo(out, args, p.redirect());
                case "cat" -> withoutRedirect(out, p.redirect(), () -> cat(out, args));
                case "ls" -> withoutRedirect(out, p.redirect(), () -> ls(out, args));
                case "cd" -> cd(out, args);
                case "lszcrypt" -> withoutRedirect(out, p.redirect(),
                        () -> out.addAll(aplab.lszcrypt.Lszcrypt.run(host, args)));
                case "aplab" -> withoutRedirect(out, p.redirect(), () -> aplab(out, args));
                case "help" -> withoutRedirect(out, p.redirect(), () -> out.addAll(Help.lines(this, args)));
                default -> out.add("aplab: unknown command: " + cmd);
            }
        } catch (RuntimeException e) {
            // a model defect must not end the run; say it in one line
            out.add("aplab: internal error in '" + cmd + "': " + e);
        }
        return out;
    }

    private void withoutRedirect(List<String> out, String redirect, Runnable body) {
        if (redirect != null) {
            List<String> captured = new ArrayList<>();
            List<String> saved = new ArrayList<>(out);
            body.run();
            // output goes to the file: only sysfs files exist, so write it there
            captured.addAll(out.subList(saved.size(), out.size()));
            out.subList(saved.size(), out.size()).clear();
            write(out, redirect, captured.isEmpty() ? "" : String.join("\n", captured) + "\n", null);
            return;
        }
        body.run();
    }

    // ---------------------------------------------------------------- echo

    private void echo(List<String> out, List<String> args, String redirect) {
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
        String value = text + (newline ? "\n" : "");
        if (redirect == null) {
            if (!value.isEmpty()) {
                for (String l : value.split("\n", -1)) {
                    out.add(l);
                }
                if (newline) {
                    out.remove(out.size() - 1);
                }
            }
            return;
        }
        write(out, redirect, value, "echo");
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

    private void write(List<String> out, String target, String value, String writer) {
        String path = Sysfs.normalize(cwd, target);
        try {
            sysfs.write(path, value);
        } catch (SysfsException e) {
            if (e.phase() == SysfsException.Phase.OPEN) {
                out.add("bash: " + target + ": " + e.errno().strerror());
            } else {
                out.add("bash: " + (writer == null ? "" : writer + ": ") + "write error: " + e.errno().strerror());
            }
        }
    }

    // ---------------------------------------------------------------- cat, ls, cd

    private void cat(List<String> out, List<String> args) {
        if (args.isEmpty()) {
            out.add("cat: reading standard input is not supported here");
            return;
        }
        for (String a : args) {
            try {
                String content = sysfs.read(Sysfs.normalize(cwd, a));
                if (!content.isEmpty()) {
                    String[] lines = content.split("\n", -1);
                    int n = content.endsWith("\n") ? lines.length - 1 : lines.length;
                    for (int i = 0; i < n; i++) {
                        out.add(lines[i]);
                    }
                }
            } catch (SysfsException e) {
                out.add("cat: " + a + ": " + e.errno().strerror());
            }
        }
    }

    private void ls(List<String> out, List<String> args) {
        List<String> targets = args.isEmpty() ? List.of(".") : args;
        List<String> files = new ArrayList<>();
        List<String> dirs = new ArrayList<>();
        for (String a : targets) {
            String path = Sysfs.normalize(cwd, a);
            if (!sysfs.exists(path)) {
                out.add("ls: cannot access '" + a + "': No such file or directory");
            } else if (sysfs.isDirectory(path)) {
                dirs.add(a);
            } else {
                files.add(a);
            }
        }
        out.addAll(files);
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
            out.addAll(sysfs.list(Sysfs.normalize(cwd, d)));
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
        HostCommands cmds = new HostCommands(this, out);
        CommandLine cl = HostCommands.commandLine(cmds, out);
        cl.execute(args.toArray(String[]::new));
    }
}
