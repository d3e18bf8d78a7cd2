package aplab.transcript;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The README's transcript excerpt is a real transcript: it runs and prints what it shows. */
class ReadmeTranscriptTest {
    @Test
    void readmeExcerptMatchesTheModel() throws Exception {
        Path readme = GoldenTranscriptsTest.root().resolve("README.md");
        Transcript t = Transcript.read(readme);
        assertThat(t.commands()).hasSizeGreaterThan(5);
        TranscriptRunner.Result r = TranscriptRunner.run(t);
        assertThat(r.passed()).as(String.join("\n", r.diff())).isTrue();
    }
}
