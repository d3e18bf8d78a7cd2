package aplab.notebook;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.approvaltests.Approvals;
import org.approvaltests.core.Options;
import org.approvaltests.reporters.Junit5Reporter;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * The whole notebook corpus in one JVM: each notebook runs without failing, its Markdown equals
 * its approved golden (a mismatch fails with the diff and leaves golden/NAME.received.md; nothing
 * is approved automatically), and its .ipynb is nbformat 4 with one cell per {@code // %%} cell.
 */
class NotebookCorpusTest {
    static Path root() {
        return Path.of(System.getProperty("aplab.root", "..")).toAbsolutePath().normalize();
    }

    @TestFactory
    Stream<DynamicTest> everyNotebookMatchesItsGolden() throws IOException {
        List<Path> files = Corpus.notebooks(root());
        assertThat(files).as("notebooks").isNotEmpty();
        return files.stream().map(f -> DynamicTest.dynamicTest(f.getFileName().toString(), () -> {
            Notebook.Result r = CorpusCache.run(f);
            assertThat(r.failure()).as("%s threw", f.getFileName()).isEmpty();
            String md = NotebookRender.markdown(r);
            checkIpynb(r);
            Options options = new Options().withReporter(new Junit5Reporter())
                    .forFile().withNamer(new GoldenNamer(root().resolve("golden"), r.source().name()))
                    .forFile().withExtension(".md");
            Approvals.verify(md, options);
        }));
    }

    private static void checkIpynb(Notebook.Result r) throws IOException {
        JsonNode nb = new ObjectMapper().readTree(NotebookRender.ipynb(r));
        assertThat(nb.get("nbformat").asInt()).isEqualTo(4);
        assertThat(nb.get("cells").size()).isEqualTo(r.source().cells().size());
        for (JsonNode c : nb.get("cells")) {
            assertThat(c.get("cell_type").asText()).isIn("markdown", "code");
            assertThat(c.get("source").isArray()).isTrue();
            if (c.get("cell_type").asText().equals("code")) {
                assertThat(c.get("outputs").isArray()).isTrue();
            }
        }
    }
}
