package aplab.cli;

import static org.assertj.core.api.Assertions.assertThat;

import aplab.shell.Help;
import aplab.shell.Session;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * Every {@code --help} reads as sentences: each description of a command, option or parameter
 * (the {@code aplab} CLI and the {@code aplab} commands inside a session) starts a sentence on its
 * first line and ends that line with a full stop, and no description holds a line break inside a
 * sentence: picocli reflows each description line, so a break belongs only after a sentence.
 */
class DescriptionsTest {
    /** A line that ends a sentence (or leads into what follows with a colon). */
    private static final Pattern ENDS_SENTENCE = Pattern.compile(".*[.!?:]([)'\"])?$", Pattern.DOTALL);
    private static final Pattern STARTS_SENTENCE = Pattern.compile("^['\"(]?[A-Z0-9$].*", Pattern.DOTALL);

    /** What is wrong with one description (the lines picocli shows), or nothing. */
    static List<String> problems(String where, String[] description) {
        List<String> out = new ArrayList<>();
        List<String> pieces = new ArrayList<>();
        for (String element : description) {
            for (String piece : element.split("%n|\\R", -1)) {
                if (!piece.isBlank()) {
                    pieces.add(piece.strip());
                }
            }
        }
        if (pieces.isEmpty()) {
            out.add(where + ": no description");
            return out;
        }
        String first = pieces.get(0);
        if (!first.endsWith(".")) {
            out.add(where + ": the first line does not end with a full stop: \"" + first + "\"");
        }
        if (!STARTS_SENTENCE.matcher(first).matches()) {
            out.add(where + ": the first line does not start a sentence: \"" + first + "\"");
        }
        for (int i = 0; i < pieces.size(); i++) {
            String p = pieces.get(i);
            if (ENDS_SENTENCE.matcher(p).matches()) {
                continue;
            }
            if (i + 1 < pieces.size()) {
                out.add(where + ": a line break inside a sentence after \"" + p + "\"");
            } else if (i > 0) {
                out.add(where + ": the last line does not end a sentence: \"" + p + "\"");
            }
        }
        return out;
    }

    static List<String> problems(CommandSpec spec) {
        List<String> out = new ArrayList<>();
        String name = spec.qualifiedName(" ");
        out.addAll(problems(name, spec.usageMessage().description()));
        if (spec.usageMessage().header().length > 0) {
            out.addAll(problems(name + " (header)", spec.usageMessage().header()));
        }
        for (ArgSpec a : spec.args()) {
            if (a.hidden()) {
                continue;
            }
            String label = a instanceof OptionSpec o ? o.longestName() : a.paramLabel();
            out.addAll(problems(name + " " + label, a.description()));
        }
        for (CommandLine sub : spec.subcommands().values()) {
            if (sub.getCommandSpec().name().equals(sub.getCommandName())) {
                out.addAll(problems(sub.getCommandSpec()));
            }
        }
        return out;
    }

    static List<CommandSpec> everyTree() {
        return List.of(Aplab.commandLine().getCommandSpec(), Help.aplabCommands(new Session()));
    }

    @Test
    void everyDescriptionReadsAsSentences() {
        List<String> found = new ArrayList<>();
        for (CommandSpec root : everyTree()) {
            found.addAll(problems(root));
        }
        assertThat(found).as("descriptions that do not read as sentences").isEmpty();
    }

    @Test
    void theCheckFindsWhatTheIssueReported() {
        // the descriptions issue 14 quoted: a sentence broken by a hard line break, a fragment
        assertThat(problems("x", new String[] {"An interactive root shell on a fresh modelled host: echo, cat, ls, cd and the aplab",
            "host commands, as in transcripts."})).hasSize(2).anyMatch(p -> p.contains("inside a sentence"));
        assertThat(problems("x", new String[] {"rewrite differing files with what was printed (never in CI)"})).hasSize(2);
        assertThat(problems("x", new String[] {"Explore every sequence.%nExit status: 0 all hold."})).isEmpty();
        assertThat(problems("x", new String[] {"Explore every interleaving.", "Of two concurrent callers at lock"}))
                .containsExactly("x: the last line does not end a sentence: \"Of two concurrent callers at lock\"");
        assertThat(problems("x", new String[] {"Explore every interleaving of two%nconcurrent callers."})).hasSize(2);
        assertThat(problems("x", new String[0])).containsExactly("x: no description");
    }

    @Test
    void everyUsageRendersAndNamesItsCommand() {
        for (CommandSpec root : everyTree()) {
            for (CommandSpec s : all(root)) {
                String usage = s.commandLine().getUsageMessage();
                assertThat(usage).as(s.qualifiedName(" ")).contains("Usage: " + s.qualifiedName(" "));
                String firstDescriptionLine = Arrays.stream(s.usageMessage().description())
                        .flatMap(d -> Arrays.stream(d.split("%n")))
                        .filter(l -> !l.isBlank()).findFirst().orElseThrow().strip();
                assertThat(usage.replaceAll("\\s+", " ")).as(s.qualifiedName(" "))
                        .contains(firstDescriptionLine.replaceAll("\\s+", " "));
            }
        }
    }

    private static List<CommandSpec> all(CommandSpec s) {
        List<CommandSpec> out = new ArrayList<>(List.of(s));
        for (CommandLine sub : s.subcommands().values()) {
            if (sub.getCommandSpec().name().equals(sub.getCommandName())) {
                out.addAll(all(sub.getCommandSpec()));
            }
        }
        return out;
    }
}
