package aplab.shell;

import aplab.ap.CardType;
import aplab.sysfs.Sysfs;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import org.jline.reader.Candidate;
import org.jline.reader.Completer;
import org.jline.reader.LineReader;
import org.jline.reader.ParsedLine;
import picocli.CommandLine;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;

/**
 * Tab completion for {@code aplab shell}: the first word from the commands {@code help} lists;
 * {@code aplab} subcommands and their options from the picocli model (with values where the host
 * knows them: mdev UUIDs, guest names, kernel names); sysfs paths as {@code ls} lists them at
 * that moment for {@code cat}, {@code ls}, {@code cd} (directories only) and the target of a
 * {@code >}; lszcrypt's options and the host's cards and queues.
 */
public final class ShellCompleter implements Completer {
    private static final Pattern UUID = Pattern.compile("[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");
    private static final Pattern QUEUE = Pattern.compile("[0-9a-f]{2}\\.[0-9a-f]{4}");
    /** A redirection operator as a word of its own ({@code >}, {@code >>}, {@code 2>}), or glued to its target. */
    private static final Pattern REDIRECT = Pattern.compile("[12]?>>?");
    private static final Pattern GLUED_REDIRECT = Pattern.compile("([12]?>>?)(.*)");
    private static final String MATRIX = "/sys/devices/vfio_ap/matrix";
    private static final String DEVICES = "/sys/bus/ap/devices";
    private static final List<String> LSZCRYPT_OPTIONS = List.of("-V", "-d", "-c", "-s", "--verbose", "--domains",
            "--capability", "--serial", "--accelonly", "--ccaonly", "--ep11only", "--cardonly", "--queueonly");

    /** One completion: the text that replaces the word, what the menu shows, and whether a space follows. */
    public record Choice(String value, String display, String description, boolean complete) {
    }

    private final Session session;

    public ShellCompleter(Session session) {
        this.session = session;
    }

    @Override
    public void complete(LineReader reader, ParsedLine line, List<Candidate> candidates) {
        String prefix = line.word().substring(0, Math.min(line.wordCursor(), line.word().length()));
        List<Choice> choices;
        try {
            choices = choices(line.words(), line.wordIndex(), prefix);
        } catch (RuntimeException e) {
            return; // a model defect offers nothing rather than end the shell; running the line reports it
        }
        for (Choice c : choices) {
            candidates.add(new Candidate(c.value(), c.display(), null, c.description(), null, null, c.complete()));
        }
    }

    /**
     * The completions of word {@code index} of {@code words}, typed up to {@code prefix}; words
     * before it are complete. The reader keeps those that start with the prefix.
     */
    public List<Choice> choices(List<String> words, int index, String prefix) {
        List<Choice> out = new ArrayList<>();
        if (index == 0) {
            for (String name : Help.commandNames()) {
                out.add(new Choice(name, name, Help.summary(name), true));
            }
            return out;
        }
        String previous = words.get(index - 1);
        if (REDIRECT.matcher(previous).matches()) {
            return paths("", prefix, false, true);
        }
        java.util.regex.Matcher glued = GLUED_REDIRECT.matcher(prefix);
        if (glued.matches() && !prefix.startsWith("2>&")) {
            return paths(glued.group(1), glued.group(2), false, true);
        }
        switch (words.get(0)) {
            case "cat", "ls" -> out.addAll(paths("", prefix, false));
            case "cd" -> out.addAll(paths("", prefix, true));
            case "help" -> {
                if (index == 1) {
                    for (String name : Help.commandNames()) {
                        out.add(new Choice(name, name, Help.summary(name), true));
                    }
                } else if (words.get(1).equals("aplab")) {
                    out.addAll(aplab(words.subList(1, index), prefix, true));
                }
            }
            case "aplab" -> out.addAll(aplab(words.subList(0, index), prefix, false));
            case "lszcrypt" -> out.addAll(lszcrypt(previous, prefix));
            case "ap-check" -> out.addAll(apCheck(previous));
            default -> {
            }
        }
        return out;
    }

    // ---------------------------------------------------------------- sysfs paths

    /**
     * The entries of the directory {@code typed} is in, as {@code ls} lists them now, each as
     * {@code typed}'s directory part plus the name; directories end in {@code /} and take no space.
     */
    List<Choice> paths(String op, String typed, boolean directoriesOnly) {
        return paths(op, typed, directoriesOnly, false);
    }

    private List<Choice> paths(String op, String typed, boolean directoriesOnly, boolean redirect) {
        List<Choice> out = new ArrayList<>();
        int slash = typed.lastIndexOf('/');
        String dirPart = typed.substring(0, slash + 1);
        String namePart = typed.substring(slash + 1);
        Sysfs sysfs = session.sysfs();
        String dir = Sysfs.normalize(session.cwd(), dirPart.isEmpty() ? "." : dirPart);
        if (redirect && dir.equals("/dev") && "null".startsWith(namePart)) {
            out.add(new Choice(op + dirPart + "null", "null", null, true)); // the one target outside sysfs
        }
        if (!sysfs.isDirectory(dir)) {
            return out;
        }
        for (String name : sysfs.list(dir)) {
            if (!name.startsWith(namePart)) {
                continue;
            }
            boolean isDir = sysfs.isDirectory(Sysfs.normalize(dir, name));
            if (directoriesOnly && !isDir) {
                continue;
            }
            String shown = isDir ? name + "/" : name;
            out.add(new Choice(op + dirPart + shown, shown, null, !isDir));
        }
        return out;
    }

    // ---------------------------------------------------------------- aplab

    /** {@code words} starts with "aplab"; subcommands, options and option values from the picocli model. */
    private List<Choice> aplab(List<String> words, String prefix, boolean helpOnly) {
        List<Choice> out = new ArrayList<>();
        CommandSpec spec = Help.spec(session, new ArrayList<>());
        for (String w : words.subList(1, words.size())) {
            CommandLine sub = spec.subcommands().get(w);
            if (sub != null) {
                spec = sub.getCommandSpec();
            }
        }
        String previous = words.get(words.size() - 1);
        OptionSpec valued = spec.findOption(previous);
        if (!helpOnly && valued != null && valued.arity().max() > 0) {
            return optionValues(valued);
        }
        for (CommandLine sub : spec.subcommands().values()) {
            CommandSpec s = sub.getCommandSpec();
            if (s.name().equals(sub.getCommandName())) {
                out.add(new Choice(s.name(), s.name(), description(s.usageMessage().description()), true));
            }
        }
        if (helpOnly) {
            return out;
        }
        if (spec.subcommands().isEmpty() && !prefix.startsWith("-")) {
            out.addAll(positionalValues(spec));
        }
        if (prefix.startsWith("-") || spec.subcommands().isEmpty()) {
            for (OptionSpec o : spec.options()) {
                if (o.usageHelp() || o.versionHelp()) {
                    if (!prefix.startsWith("-")) {
                        continue;
                    }
                }
                boolean used = !o.isMultiValue() && words.contains(o.longestName());
                if (!used) {
                    out.add(new Choice(o.longestName(), o.longestName(), description(o.description()), true));
                }
            }
        }
        return out;
    }

    private List<Choice> optionValues(OptionSpec option) {
        return switch (option.longestName()) {
            case "--mdev" -> plain(mdevs());
            case "--type" -> plain(cardTypes());
            case "--with", "--without" -> plain(java.util.Arrays.stream(aplab.kernel.Commit.values()).map(c -> c.id()).toList());
            default -> candidates(option);
        };
    }

    /** What picocli's completionCandidates of a parameter offer (the kernel names, for one). */
    private static List<Choice> candidates(ArgSpec arg) {
        List<String> values = new ArrayList<>();
        if (arg.completionCandidates() != null) {
            arg.completionCandidates().forEach(values::add);
        }
        return plain(values);
    }

    /** Values of the positional parameters: guest names for stop and show, else their completionCandidates. */
    private List<Choice> positionalValues(CommandSpec spec) {
        String name = spec.qualifiedName(" ");
        if (name.equals("aplab guest stop") || name.equals("aplab guest show")) {
            return plain(session.host().guests().stream().map(g -> g.name()).toList());
        }
        if (name.equals("aplab s390-tools")) {
            return plain(java.util.Arrays.stream(aplab.lszcrypt.S390Tools.values()).map(t -> t.release()).toList());
        }
        List<Choice> out = new ArrayList<>();
        for (PositionalParamSpec p : spec.positionalParameters()) {
            out.addAll(candidates(p));
        }
        return out;
    }

    /** CEX8C ... CEX4P: every type and mode {@link CardType} accepts, newest first. */
    private static List<String> cardTypes() {
        List<String> out = new ArrayList<>();
        for (int g = 8; g >= 4; g--) {
            for (char mode : "CAP".toCharArray()) {
                out.add(new CardType(g, mode).toString());
            }
        }
        return out;
    }

    /** The mdevs as {@code ls /sys/devices/vfio_ap/matrix} shows them now. */
    private List<String> mdevs() {
        Sysfs sysfs = session.sysfs();
        if (!sysfs.isDirectory(MATRIX)) {
            return List.of();
        }
        return sysfs.list(MATRIX).stream().filter(n -> UUID.matcher(n).matches()).toList();
    }

    // ---------------------------------------------------------------- lszcrypt

    private List<Choice> lszcrypt(String previous, String prefix) {
        Sysfs sysfs = session.sysfs();
        List<String> cards = new ArrayList<>();
        List<String> queues = new ArrayList<>();
        if (sysfs.isDirectory(DEVICES)) {
            for (String n : sysfs.list(DEVICES)) {
                if (n.startsWith("card")) {
                    cards.add(n.substring(4));
                } else if (QUEUE.matcher(n).matches()) {
                    queues.add(n);
                }
            }
        }
        if (previous.equals("-c") || previous.equals("--capability")) {
            return plain(cards);
        }
        if (prefix.startsWith("-")) {
            return plain(LSZCRYPT_OPTIONS);
        }
        List<String> ids = new ArrayList<>(cards);
        ids.addAll(queues);
        return plain(ids);
    }

    // ---------------------------------------------------------------- ap-check

    /** The callout's options as mdevctl passes them, the values mdevctl gives, and the mdevs for -u. */
    private List<Choice> apCheck(String previous) {
        return switch (previous) {
            case "-t" -> plain(List.of("vfio_ap-passthrough"));
            case "-e" -> plain(List.of("pre", "get", "live")); // the events ApCheck acts on
            case "-a" -> plain(List.of("define", "modify", "start", "attributes"));
            case "-p" -> plain(List.of("matrix"));
            case "-u", "--defined" -> plain(mdevs());
            case "-s", "--config", "--udev-masks" -> List.of();
            default -> plain(List.of("-t", "-e", "-a", "-s", "-u", "-p", "--config", "--defined", "--udev-masks"));
        };
    }

    private static List<Choice> plain(List<String> values) {
        List<Choice> out = new ArrayList<>();
        for (String v : values) {
            out.add(new Choice(v, v, null, true));
        }
        return out;
    }

    private static String description(String[] lines) {
        return lines.length == 0 ? null : lines[0].replace("%n", "").strip();
    }
}
