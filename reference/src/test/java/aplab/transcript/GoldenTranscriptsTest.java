package aplab.transcript;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/** Every transcript under golden/transcripts runs and prints exactly what the file says. */
class GoldenTranscriptsTest {
    static Path root() {
        return Path.of(System.getProperty("aplab.root", "..")).toAbsolutePath().normalize();
    }

    static List<Path> goldenFiles() throws IOException {
        Path dir = root().resolve("golden/transcripts");
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> p.toString().endsWith(".md")).sorted().toList();
        }
    }

    @TestFactory
    Stream<DynamicTest> everyGoldenTranscriptMatches() throws IOException {
        List<Path> files = goldenFiles();
        assertThat(files).as("golden transcripts").isNotEmpty();
        return files.stream().map(f -> DynamicTest.dynamicTest(f.getFileName().toString(), () -> {
            Transcript t = Transcript.read(f);
            assertThat(t.commands()).as("a golden transcript runs commands").isNotEmpty();
            TranscriptRunner.Result r = TranscriptRunner.run(t);
            assertThat(r.passed()).as("%s differs:%n%s", f.getFileName(), String.join("\n", r.diff())).isTrue();
        }));
    }
}
