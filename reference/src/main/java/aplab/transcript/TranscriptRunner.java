package aplab.transcript;

import aplab.shell.Session;
import com.github.difflib.DiffUtils;
import com.github.difflib.UnifiedDiffUtils;
import com.github.difflib.patch.AbstractDelta;
import com.github.difflib.patch.ChangeDelta;
import com.github.difflib.patch.Chunk;
import com.github.difflib.patch.Patch;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** Runs a transcript on a fresh host and compares what each command printed with the file. */
public final class TranscriptRunner {
    /** The outcome of one run: the actual text and, if it differs, a unified diff. */
    public record Result(Transcript transcript, String actual, List<String> diff) {
        public boolean passed() {
            return diff.isEmpty();
        }
    }

    private TranscriptRunner() {
    }

    /** Runs one command line and returns what it printed (the model's session, or the kernel oracle). */
    @FunctionalInterface
    public interface Shell {
        List<String> execute(String command);
    }

    /** Runs every command in order on one new session (one file is one host). */
    public static Result run(Transcript t) {
        return run(t, new Session()::execute);
    }

    /** The same on a host that starts on {@code kernel} (an {@code aplab kernel} line in the file still switches). */
    public static Result run(Transcript t, aplab.kernel.Kernel kernel) {
        return run(t, new Session(kernel)::execute);
    }

    /** Runs every command in order on {@code shell}, which must start from nothing. */
    public static Result run(Transcript t, Shell shell) {
        List<List<String>> outputs = new ArrayList<>();
        for (Transcript.Command c : t.commands()) {
            // trailing blanks are not significant in a transcript (lszcrypt pads its last column)
            outputs.add(shell.execute(c.command()).stream().map(String::stripTrailing).toList());
        }
        return compare(t, outputs);
    }

    /** Compares each command's output (one list per command, in order) with what the file says. */
    public static Result compare(Transcript t, List<List<String>> outputs) {
        String expected = t.expectedText();
        String actual = t.render(outputs);
        List<String> diff = List.of();
        if (!expected.equals(actual)) {
            diff = diff(t, outputs, expected, actual);
        }
        return new Result(t, actual, diff);
    }

    /** Lines of context around each difference, as {@code diff -u}. */
    private static final int CONTEXT = 3;
    /**
     * Above this many expected plus actual lines (after their common ends are cut) a command's
     * output is shown as replaced whole rather than diffed line by line (Myers' diff takes time up
     * to the square of that).
     */
    private static final int FINE_DIFF_LIMIT = 2000;

    /**
     * The unified diff of the expected text against the actual, computed command by command: the
     * prose, fences and command lines are the same on both sides by construction, so only outputs
     * can differ, and each pair of outputs is diffed on its own. The cost is linear in the file's
     * length plus the (bounded) per-command diffs, however many commands differ; the hunks are
     * those {@code diff -u} would print for the same changes.
     */
    static List<String> diff(Transcript t, List<List<String>> outputs, String expected, String actual) {
        List<String> a = Arrays.asList(expected.split("\n", -1));
        List<String> b = Arrays.asList(actual.split("\n", -1));
        Patch<String> patch = new Patch<>();
        int ia = 0;
        int ib = 0;
        int k = 0;
        for (Transcript.Item it : t.items()) {
            ia++;
            ib++; // a prose line, or a command's '$ ' line
            if (it instanceof Transcript.Command c) {
                List<String> want = c.expected();
                List<String> got = outputs.get(k++);
                if (!want.equals(got)) {
                    addDeltas(patch, want, got, ia, ib);
                }
                ia += want.size();
                ib += got.size();
            }
        }
        List<String> diff = UnifiedDiffUtils.generateUnifiedDiff(t.name(), t.name() + " (actual)", a, patch, CONTEXT);
        if (diff.isEmpty()) {
            diff = List.of("--- " + t.name(), "+++ " + t.name() + " (actual)", "@@ line endings differ @@");
        }
        return diff;
    }

    /** The deltas turning {@code want} (at line index ia) into {@code got} (at ib). */
    private static void addDeltas(Patch<String> patch, List<String> want, List<String> got, int ia, int ib) {
        int pre = 0;
        while (pre < want.size() && pre < got.size() && want.get(pre).equals(got.get(pre))) {
            pre++;
        }
        int suf = 0;
        while (suf < want.size() - pre && suf < got.size() - pre
                && want.get(want.size() - 1 - suf).equals(got.get(got.size() - 1 - suf))) {
            suf++;
        }
        List<String> w = want.subList(pre, want.size() - suf);
        List<String> g = got.subList(pre, got.size() - suf);
        if (w.size() + g.size() > FINE_DIFF_LIMIT) {
            patch.addDelta(new ChangeDelta<>(new Chunk<>(ia + pre, w), new Chunk<>(ib + pre, g)));
            return;
        }
        for (AbstractDelta<String> d : DiffUtils.diff(w, g).getDeltas()) {
            patch.addDelta(new ChangeDelta<>(new Chunk<>(ia + pre + d.getSource().getPosition(), d.getSource().getLines()),
                    new Chunk<>(ib + pre + d.getTarget().getPosition(), d.getTarget().getLines())));
        }
    }
}
