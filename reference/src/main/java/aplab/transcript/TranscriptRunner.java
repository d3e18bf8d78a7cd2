package aplab.transcript;

import aplab.shell.Session;
import com.github.difflib.DiffUtils;
import com.github.difflib.UnifiedDiffUtils;
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

    /** Runs every command in order on one new session (one file is one host) running the default kernel. */
    public static Result run(Transcript t) {
        return run(t, aplab.kernel.Kernel.DEFAULT);
    }

    /** The same on a host that starts on {@code kernel} (an {@code aplab kernel} line in the file still switches). */
    public static Result run(Transcript t, aplab.kernel.Kernel kernel) {
        Session session = new Session(kernel);
        List<List<String>> outputs = new ArrayList<>();
        for (Transcript.Command c : t.commands()) {
            // trailing blanks are not significant in a transcript (lszcrypt pads its last column)
            outputs.add(session.execute(c.command()).stream().map(String::stripTrailing).toList());
        }
        String expected = t.expectedText();
        String actual = t.render(outputs);
        List<String> diff = List.of();
        if (!expected.equals(actual)) {
            List<String> a = Arrays.asList(expected.split("\n", -1));
            List<String> b = Arrays.asList(actual.split("\n", -1));
            Patch<String> patch = DiffUtils.diff(a, b);
            diff = UnifiedDiffUtils.generateUnifiedDiff(t.name(), t.name() + " (actual)", a, patch, 3);
            if (diff.isEmpty()) {
                diff = List.of("--- " + t.name(), "+++ " + t.name() + " (actual)", "@@ line endings differ @@");
            }
        }
        return new Result(t, actual, diff);
    }
}
