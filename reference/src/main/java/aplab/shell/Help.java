package aplab.shell;

import aplab.kernel.Commit;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;

/**
 * {@code help} and {@code help COMMAND} in a session (transcripts and {@code aplab shell}): the
 * commands with their syntax and where the sysfs paths are. The {@code aplab} commands are listed
 * from their picocli model, so a new one shows up here without an edit; {@code help aplab
 * COMMAND} prints that command's {@code --help}.
 */
public final class Help {
    /** One shell command: its name, its synopsis, one sentence, and the text of {@code help NAME}. */
    record Builtin(String name, String synopsis, String summary, String details) {
    }

    /** The commands other than {@code aplab}, in the order {@code help} lists them. */
    static final List<Builtin> BUILTINS = List.of(
            new Builtin("echo", "echo [-n] [-e] VALUE > PATH", "Write VALUE to a sysfs attribute (or print it, without '>').", """
                    With '> PATH' the attribute's store function gets VALUE and a newline (no newline
                    with -n); sysfs takes at most a page per write, so a longer value arrives in
                    page-sized pieces. -e expands backslash escapes as bash's echo does. Quotes '..'
                    and ".." are stripped as a shell strips them; '>>' is the same write as '>'.
                    Errors as bash prints them: a write the kernel refuses is
                    'bash: echo: write error: STRERROR' (e.g. Device or resource busy); a path that does
                    not exist is 'bash: PATH: No such file or directory'; a new name in a sysfs directory
                    or a read-only attribute is 'bash: PATH: Permission denied'.
                    Example: echo 0x47 > /sys/devices/vfio_ap/matrix/UUID/assign_domain"""),
            new Builtin("cat", "cat PATH...", "Print attributes exactly as the kernel formats them.", """
                    Each PATH is read with the attribute's show function. Errors as coreutils prints them:
                    'cat: PATH: No such file or directory', 'cat: PATH: Permission denied' for a
                    write-only attribute, 'cat: PATH: Is a directory'.
                    Example: cat /sys/devices/vfio_ap/matrix/UUID/guest_matrix"""),
            new Builtin("ls", "ls [-l] [PATH...]", "List a directory's entries, sorted, one a line.", """
                    Without PATH, the current directory. A file argument is printed as its name; with
                    several arguments each directory gets a 'PATH:' header, as ls does. -l prints what
                    coreutils prints for sysfs: mode, links, owner, size, date and, for a link, its target.
                    Example: ls /sys/bus/ap/drivers/vfio_ap"""),
            new Builtin("cd", "cd [PATH]", "Change the current directory (the session starts in /).", """
                    Relative paths in every command resolve against it; 'cd' alone goes back to /.
                    Example: cd /sys/devices/vfio_ap/matrix/UUID, then 'echo 5 > assign_adapter'"""),
            new Builtin("lszcrypt", "lszcrypt [-V] [-d] [-c CARD] [ID...]", "List the host's crypto cards and queues as s390-tools does.", """
                    The listing the selected s390-tools release prints for the sysfs the model shows:
                    -V adds columns, -d shows the domain usage of each adapter, -c CARD the card's
                    capabilities; ID limits the list to cards (05) or queues (05.0004). Options the
                    model does not cover say so in one line."""),
            new Builtin("ap-check", "ap-check -e EVENT -a ACTION -u UUID [OPTIONS]",
                    "Run s390-tools' vfio_ap-passthrough callout as mdevctl runs it.", """
                    mdevctl calls it with -t vfio_ap-passthrough -e EVENT (pre, get, live) -a ACTION
                    (define, modify, start, attributes) -s STATE -u UUID -p matrix, and the device's JSON
                    on stdin. Three options stand in for what this shell has not: --config JSON (stdin),
                    --defined UUID=JSON (a file of /etc/mdevctl.d/matrix, repeatable) and
                    --udev-masks APMASK,AQMASK (the masks of /etc/udev/rules.d/41-ap.rules). It prints the
                    script's messages and, for a status other than 0, 'aplab: ap-check exit status N'.
                    'aplab s390-tools RELEASE' picks the release it behaves as."""),
            new Builtin("help", "help [COMMAND]", "Show the commands, or one command in full.", """
                    'help' lists every command and where the sysfs paths are; 'help COMMAND' explains one;
                    'help aplab COMMAND' prints an aplab command's options (as 'aplab COMMAND --help').
                    Example: help aplab guest start"""),
            new Builtin("history", "history", "List the lines typed in aplab shell, earlier sessions' too.", """
                    Numbered as bash numbers them; Up and Down recall a line, Ctrl-R searches. The lines are
                    kept in $XDG_CACHE_HOME/aplab/history (~/.cache/aplab/history without XDG_CACHE_HOME).
                    Not a transcript command."""),
            new Builtin("exit", "exit", "Leave aplab shell (Ctrl-D does too); not a transcript command.", """
                    In aplab shell Tab completes commands, options, and sysfs paths as ls lists them at
                    that moment; 'history' lists the lines typed, kept across sessions."""));

    /** Where things are in the kernel's sysfs: the path and what it holds. */
    static final List<String[]> PATHS = List.of(
            new String[] {"/sys/bus/ap/apmask, aqmask", "Adapters and domains the host drivers keep; write 0x..., +N or -N."},
            new String[] {"/sys/bus/ap/ap_*_mask", "The host's AP configuration (adapters, domains), read-only."},
            new String[] {"/sys/bus/ap/devices/", "Links to the cards (cardXX; config: write 0 or 1) and queues (XX.YYYY)"
                    + " in /sys/devices/ap/."},
            new String[] {"/sys/bus/ap/drivers/DRIVER/", "Queues bound to vfio_ap or cex4queue; bind and unbind take XX.YYYY."},
            new String[] {"/sys/devices/vfio_ap/matrix/", "The matrix device: its mdevs (UUID/), features (Linux "
                    + Commit.FEATURES_ATTR.release() + " on)."},
            new String[] {"  mdev_supported_types/vfio_ap-passthrough/create", "Write a UUID to it to create an mdev."},
            new String[] {"  UUID/", "An mdev: assign_adapter, assign_domain, assign_control_domain and their unassign_"
                    + " files; matrix, guest_matrix (what the guest gets), control_domains, ap_config (Linux "
                    + Commit.AP_CONFIG_ATTR.release() + " on);"
                    + " remove (write 1)."});

    private static final int COLUMN = 30;
    private static final int WIDTH = 100;

    private Help() {
    }

    /** The names {@code help} documents and a line may start with (the completer offers them). */
    public static List<String> commandNames() {
        List<String> names = new ArrayList<>();
        for (Builtin b : BUILTINS) {
            names.add(b.name());
        }
        names.add(names.indexOf("help"), "aplab");
        return names;
    }

    /** The one-sentence summary of a command name, or null. */
    public static String summary(String name) {
        if (name.equals("aplab")) {
            return "Do what firmware or a hypervisor does: the host's AP configuration, guests, the kernel.";
        }
        for (Builtin b : BUILTINS) {
            if (b.name().equals(name)) {
                return b.summary();
            }
        }
        return null;
    }

    /** What {@code help ARGS} prints in {@code session}. */
    static List<String> lines(Session session, List<String> args) {
        if (args.isEmpty()) {
            return overview(session);
        }
        if (args.get(0).equals("aplab")) {
            return aplab(session, args.subList(1, args.size()));
        }
        if (args.size() == 1) {
            for (Builtin b : BUILTINS) {
                if (b.name().equals(args.get(0))) {
                    List<String> out = new ArrayList<>();
                    out.add("Usage: " + b.synopsis());
                    out.add(b.summary());
                    out.addAll(b.details().lines().toList());
                    return out;
                }
            }
        }
        return List.of("aplab: help: no such command: " + String.join(" ", args) + " ('help' lists them)");
    }

    private static List<String> overview(Session session) {
        List<String> out = new ArrayList<>();
        out.add("Commands ('help COMMAND' for one in full; Tab completes in aplab shell):");
        for (Builtin b : BUILTINS) {
            if (b.name().equals("help")) {
                for (CommandSpec leaf : leaves(spec(session, new ArrayList<>()))) {
                    row(out, synopsis(leaf), firstSentence(leaf));
                }
            }
            row(out, b.synopsis(), b.summary());
        }
        out.add("");
        out.add("Redirections as in bash: > and >> (the same write to a sysfs file), 1>, 2>, 2>&1 and /dev/null;");
        out.add("pipes, ';', '&&' and '<' are not part of this shell.");
        out.add("");
        out.add("Where things are (ls and cd to look around, cat to read, echo to write):");
        for (String[] p : PATHS) {
            row(out, p[0], p[1]);
        }
        out.add("");
        out.add("Kernels modelled: " + KernelNames.phrase() + ".");
        out.add("This host runs " + session.host().version().release() + "; 'aplab kernel NAME' starts over on another.");
        return out;
    }

    /** {@code left} in a column, {@code right} beside it wrapped at {@link #WIDTH}; a long left gets its own line. */
    private static void row(List<String> out, String left, String right) {
        List<String> text = wrap(right, WIDTH - COLUMN - 2);
        String indent = " ".repeat(COLUMN + 2);
        if (left.length() + 2 > COLUMN) {
            out.add("  " + left);
        } else {
            out.add("  " + left + " ".repeat(COLUMN - left.length()) + text.remove(0));
        }
        for (String t : text) {
            out.add(indent + t);
        }
    }

    private static List<String> wrap(String text, int width) {
        List<String> lines = new ArrayList<>();
        StringBuilder line = new StringBuilder();
        for (String word : text.split(" ")) {
            if (line.length() > 0 && line.length() + 1 + word.length() > width) {
                lines.add(line.toString());
                line.setLength(0);
            }
            line.append(line.length() > 0 ? " " : "").append(word);
        }
        lines.add(line.toString());
        return lines;
    }

    private static List<String> aplab(Session session, List<String> path) {
        List<String> sink = new ArrayList<>();
        CommandLine cl = HostCommands.commandLine(new HostCommands(session, sink), sink);
        CommandLine at = cl;
        for (String word : path) {
            Map<String, CommandLine> subs = at.getSubcommands();
            if (!subs.containsKey(word)) {
                return List.of("aplab: help: no such command: aplab " + String.join(" ", path) + " ('help aplab' lists them)");
            }
            at = subs.get(word);
        }
        if (path.isEmpty()) {
            List<String> out = new ArrayList<>();
            out.add("Usage: aplab COMMAND [OPTIONS]");
            out.add(summary("aplab"));
            for (CommandSpec leaf : leaves(cl.getCommandSpec())) {
                row(out, synopsis(leaf), firstSentence(leaf));
            }
            out.add("'help aplab COMMAND' (or 'aplab COMMAND --help') prints a command's options.");
            return out;
        }
        at.setUsageHelpAutoWidth(false);
        at.setUsageHelpWidth(80);
        StringWriter text = new StringWriter();
        at.usage(new PrintWriter(text, true));
        List<String> out = new ArrayList<>();
        for (String l : text.toString().split("\n", -1)) {
            out.add(l.replaceAll("\\s+$", ""));
        }
        while (!out.isEmpty() && out.get(out.size() - 1).isEmpty()) {
            out.remove(out.size() - 1);
        }
        return out;
    }

    /** The picocli model of the {@code aplab} commands of a session (their options, their help). */
    public static CommandSpec aplabCommands(Session session) {
        return spec(session, new ArrayList<>());
    }

    static CommandSpec spec(Session session, List<String> sink) {
        return HostCommands.commandLine(new HostCommands(session, sink), sink).getCommandSpec();
    }

    /** The commands that do something (no subcommands of their own), in declaration order. */
    static List<CommandSpec> leaves(CommandSpec spec) {
        List<CommandSpec> out = new ArrayList<>();
        for (CommandLine sub : spec.subcommands().values()) {
            CommandSpec s = sub.getCommandSpec();
            if (!s.name().equals(sub.getCommandName()) || out.contains(s)) {
                continue; // an alias
            }
            if (s.subcommands().isEmpty()) {
                out.add(s);
            } else {
                out.addAll(leaves(s));
            }
        }
        return out;
    }

    /** {@code aplab guest start NAME --mdev UUID}: the positionals, the required options, [OPTIONS]. */
    static String synopsis(CommandSpec s) {
        StringBuilder b = new StringBuilder(s.qualifiedName(" "));
        for (PositionalParamSpec p : s.positionalParameters()) {
            boolean optional = p.arity().min() == 0;
            b.append(' ').append(optional ? "[" : "").append(p.paramLabel()).append(p.arity().max() > 1 ? "..." : "")
                    .append(optional ? "]" : "");
        }
        boolean more = false;
        for (OptionSpec o : s.options()) {
            if (o.usageHelp() || o.versionHelp()) {
                continue;
            }
            if (o.required()) {
                b.append(' ').append(o.longestName()).append(o.arity().max() > 0 ? " " + o.paramLabel() : "");
            } else {
                more = true;
            }
        }
        return more ? b.append(" [OPTIONS]").toString() : b.toString();
    }

    private static String firstSentence(CommandSpec s) {
        String[] d = s.usageMessage().description();
        return d.length == 0 ? "" : d[0].replace("%n", "").strip();
    }
}
