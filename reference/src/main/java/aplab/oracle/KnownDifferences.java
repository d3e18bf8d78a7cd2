package aplab.oracle;

import aplab.transcript.TextFile;
import aplab.transcript.TranscriptException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The transcripts known to differ on the real driver, with why: one {@code FILE REASON} a line
 * (the path as given on the command line, then the kernel function and what it does), {@code #}
 * comments and blank lines ignored. {@code check --known LIST} reports these instead of failing
 * them, and fails a listed file that passes, so the list cannot go stale.
 */
final class KnownDifferences {
    private KnownDifferences() {
    }

    /** File (normalised path) to reason. */
    static Map<String, String> read(Path list) throws TranscriptException {
        String text = TextFile.read(list, (f, why) -> new TranscriptException(f, 0, why));
        Map<String, String> out = new LinkedHashMap<>();
        String[] lines = text.split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
            String l = lines[i].strip();
            if (l.isEmpty() || l.startsWith("#")) {
                continue;
            }
            String[] w = l.split("\\s+", 2);
            if (w.length < 2) {
                throw new TranscriptException(list.toString(), i + 1, "a known difference needs a reason after the file name");
            }
            out.put(Path.of(w[0]).normalize().toString(), w[1]);
        }
        return out;
    }
}
