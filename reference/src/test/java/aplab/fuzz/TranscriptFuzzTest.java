package aplab.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import aplab.transcript.TextFile;
import aplab.transcript.Transcript;
import aplab.transcript.TranscriptException;
import com.code_intelligence.jazzer.junit.DictionaryEntries;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;

/**
 * Any bytes as a transcript file: the reader gives a transcript or one line naming the file; a
 * transcript renders back to exactly the text read (when it has no carriage returns, which are
 * dropped); {@code aplab check} on it (at most 30 commands) exits 0, 1 or 2 with its closing count
 * and no stack trace. Input: the file's bytes. Committed inputs:
 * {@code src/test/resources/aplab/fuzz/TranscriptFuzzTestInputs/anyFile}.
 */
class TranscriptFuzzTest {
    static final Fuzz.Tally TALLY = new Fuzz.Tally("transcripts");

    @FuzzTest(maxDuration = "10m")
    @DictionaryEntries({"```console\\x0A", "```\\x0A", "~~~\\x0A", "$ ", "# ", "\\x0D\\x0A", "echo ", "cat /sys/bus/ap/apmask",
        "aplab host --adapters 5 --domains 4", "```console extra\\x0A", "    ```", "\\x00"})
    void anyFile(byte[] input) {
        Path f = Fuzz.file(".md", input);
        try {
            check(f);
        } finally {
            Fuzz.delete(f);
        }
    }

    private static void check(Path f) {
        String what = "transcript file " + Fuzz.printable(Fuzz.latin1(readBack(f)));
        Transcript t;
        try {
            t = Transcript.read(f);
        } catch (TranscriptException e) {
            TALLY.add("unreadable");
            assertThat(e.oneLine()).as("error for %s", what).doesNotContain("\n").startsWith(f.toString());
            Cli r = Cli.run("check", f.toString()).wellBehaved("aplab check " + what, Fuzz.latin1(readBack(f)));
            assertThat(r.status()).as("aplab check %s", what).isEqualTo(2);
            return;
        }
        TALLY.add("parsed");
        TALLY.add(t.commands().isEmpty() ? "without-commands" : "with-commands");
        String text;
        try {
            text = TextFile.read(f, (n, why) -> new TranscriptException(n, 0, why));
        } catch (TranscriptException e) {
            throw new AssertionError("read once, not twice: " + e.oneLine());
        }
        if (text.indexOf('\r') < 0) {
            assertThat(t.expectedText()).as("rendering of %s", what).isEqualTo(text);
        }
        if (t.commands().size() <= 30) {
            Cli r = Cli.run("check", f.toString()).wellBehaved("aplab check " + what, Fuzz.latin1(readBack(f)));
            assertThat(r.status()).as("aplab check %s", what).isIn(0, 1);
            assertThat(r.out()).as("aplab check %s", what).endsWith(r.status() == 0 ? "1 passed, 0 failed\n" : "0 passed, 1 failed\n");
            TALLY.add(r.status() == 0 ? "check-passed" : "check-differed");
        }
    }

    private static byte[] readBack(Path f) {
        try {
            return java.nio.file.Files.readAllBytes(f);
        } catch (java.io.IOException e) {
            return new byte[0];
        }
    }

    @AfterAll
    static void report() {
        System.out.println(TALLY.summary());
    }
}
