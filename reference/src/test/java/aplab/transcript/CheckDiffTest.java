package aplab.transcript;

import static org.assertj.core.api.Assertions.assertThat;

import com.github.difflib.DiffUtils;
import com.github.difflib.UnifiedDiffUtils;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * {@code aplab check}'s diff is computed command by command (linear in the file, however many
 * outputs differ) and prints the hunks {@code diff -u} would print.
 */
class CheckDiffTest {
    private static List<Path> goldens() throws IOException {
        Path dir = Path.of(System.getProperty("aplab.root", ".."), "golden", "transcripts");
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> p.toString().endsWith(".md")).sorted().toList();
        }
    }

    /** The whole-file diff the command-by-command one replaces. */
    private static List<String> wholeFileDiff(String name, String expected, String actual) {
        List<String> a = Arrays.asList(expected.split("\n", -1));
        List<String> b = Arrays.asList(actual.split("\n", -1));
        return UnifiedDiffUtils.generateUnifiedDiff(name, name + " (actual)", a, DiffUtils.diff(a, b), 3);
    }

    private static long edits(List<String> diff) {
        return diff.stream().skip(2).filter(l -> l.startsWith("-") || l.startsWith("+")).count();
    }

    /**
     * Every golden with its outputs damaged at random: the diff turns the expected text into the
     * actual one, never marks a command line or prose as changed (outputs are diffed apart), and
     * is as short as the whole-file diff or within a line per differing command of it (a whole-file
     * diff may pair lines across commands).
     */
    @Test
    void theDiffOfEveryGoldenWithDamagedOutputsTurnsExpectedIntoActual() throws Exception {
        Random rnd = new Random(12);
        int compared = 0;
        int hunks = 0;
        int sameAsWholeFile = 0;
        for (Path p : goldens()) {
            Transcript t = Transcript.read(p);
            // the file's own outputs, each changed, dropped, extended or kept at random
            List<List<String>> outputs = new ArrayList<>();
            int differing = 0;
            for (Transcript.Command c : t.commands()) {
                List<String> o = new ArrayList<>(c.expected());
                switch (rnd.nextInt(6)) {
                    case 0 -> o.add(rnd.nextInt(o.size() + 1), "inserted " + rnd.nextInt(5));
                    case 1 -> {
                        if (!o.isEmpty()) {
                            o.remove(rnd.nextInt(o.size()));
                        }
                    }
                    case 2 -> {
                        if (!o.isEmpty()) {
                            o.set(rnd.nextInt(o.size()), "changed");
                        }
                    }
                    default -> {
                    }
                }
                differing += o.equals(c.expected()) ? 0 : 1;
                outputs.add(o);
            }
            String expected = t.expectedText();
            String actual = t.render(outputs);
            if (expected.equals(actual)) {
                continue;
            }
            List<String> ours = TranscriptRunner.diff(t, outputs, expected, actual);
            List<String> a = Arrays.asList(expected.split("\n", -1));
            List<String> patched = UnifiedDiffUtils.parseUnifiedDiff(ours).applyTo(a);
            assertThat(String.join("\n", patched)).as("%s patched with its diff", p.getFileName()).isEqualTo(actual);
            assertThat(ours.stream().skip(2).filter(l -> l.startsWith("-$ ") || l.startsWith("+$ ") || l.startsWith("-```")
                    || l.startsWith("+```"))).as("command lines marked changed in %s", p.getFileName()).isEmpty();
            List<String> whole = wholeFileDiff(t.name(), expected, actual);
            assertThat(edits(ours)).as("edits in %s", p.getFileName()).isLessThanOrEqualTo(edits(whole) + differing);
            sameAsWholeFile += ours.equals(whole) ? 1 : 0;
            compared++;
            hunks += (int) ours.stream().filter(l -> l.startsWith("@@")).count();
        }
        System.out.printf("check diff: %d damaged goldens, %d hunks; %d diffs identical to the whole-file diff%n", compared,
                hunks, sameAsWholeFile);
        assertThat(compared).isGreaterThan(40);
        assertThat(sameAsWholeFile).isGreaterThan(compared / 2);
    }

    @Test
    void oneDifferingOutputGivesTheHunkDiffWouldPrint() throws TranscriptException {
        String md = "# t\n\n```console\n$ echo a\na\n$ echo b\nwrong\n$ echo c\nc\n```\n";
        TranscriptRunner.Result r = TranscriptRunner.run(Transcript.parse("t.md", md));
        assertThat(r.diff()).containsExactly("--- t.md", "+++ t.md (actual)", "@@ -4,7 +4,7 @@", " $ echo a", " a",
                " $ echo b", "-wrong", "+b", " $ echo c", " c", " ```");
    }

    @Test
    void tenThousandDifferingCommandsGiveOneHunkEachAroundTheirOutput() throws TranscriptException {
        int n = 10_000;
        StringBuilder md = new StringBuilder("# many\n\n```console\n");
        for (int i = 0; i < n; i++) {
            md.append("$ echo ").append(i).append('\n').append("wrong ").append(i).append('\n')
                    .append("# a\n# b\n# c\n# d\n# e\n# f\n");
        }
        md.append("```\n");
        Transcript t = Transcript.parse("many.md", md.toString());
        TranscriptRunner.Result r = TranscriptRunner.run(t);
        long hunks = r.diff().stream().filter(l -> l.startsWith("@@")).count();
        long removed = r.diff().stream().filter(l -> l.startsWith("-wrong ")).count();
        long added = r.diff().stream().filter(l -> l.matches("\\+\\d+")).count();
        System.out.printf("check diff: %d differing commands, %d hunks, %d lines%n", n, hunks, r.diff().size());
        // six comment lines between outputs: contexts of 3 do not touch, so one hunk per command
        assertThat(hunks).isEqualTo(n);
        assertThat(removed).isEqualTo(n);
        assertThat(added).isEqualTo(n);
    }

    @Test
    void aHugeOutputAgainstAnEmptyOneIsOneHunkAndIsNotDiffedLineByLine() throws TranscriptException {
        StringBuilder md = new StringBuilder("```console\n$ echo x\n");
        for (int i = 0; i < 50_000; i++) {
            md.append("line ").append(i).append('\n');
        }
        md.append("```\n");
        Transcript t = Transcript.parse("huge.md", md.toString());
        TranscriptRunner.Result r = TranscriptRunner.run(t);
        assertThat(r.diff().stream().filter(l -> l.startsWith("@@"))).containsExactly("@@ -1,50004 +1,5 @@");
    }
}
