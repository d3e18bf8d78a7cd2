package aplab.notebook;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * jbang-catalog.json lists every notebook, by its title; every alias points at a file; a notebook's
 * alias runs the notebook's class from the corpus script, whose jar holds every notebook (so that a
 * second notebook's first run compiles nothing).
 */
class CatalogTest {
    static final String CORPUS_SCRIPT = "reference/jbang/CorpusMain.java";

    @Test
    void everyNotebookHasAnAliasWithItsTitle() throws Exception {
        Path root = NotebookCorpusTest.root();
        JsonNode aliases = new ObjectMapper().readTree(root.resolve("jbang-catalog.json").toFile()).get("aliases");
        Map<String, String> byMain = new HashMap<>();
        aliases.fields().forEachRemaining(e -> {
            String ref = e.getValue().get("script-ref").asText();
            assertThat(Files.exists(root.resolve(ref))).as("alias %s -> %s", e.getKey(), ref).isTrue();
            if (e.getValue().has("main")) {
                assertThat(ref).as("alias %s runs a notebook from the corpus script", e.getKey()).isEqualTo(CORPUS_SCRIPT);
                byMain.put(e.getValue().get("main").asText(), e.getValue().get("description").asText());
            }
        });
        assertThat(Corpus.notebooks(root)).hasSize(19);
        for (Path nb : Corpus.notebooks(root)) {
            String cls = nb.getFileName().toString().replaceFirst("\\.java$", "");
            String title = NotebookSource.read(nb).body().get(0).text().lines().findFirst().orElse("").replaceFirst("^#+\\s*", "");
            assertThat(byMain).as("an alias for %s", nb.getFileName()).containsEntry(cls, title);
        }
        assertThat(byMain).hasSize(19);
        assertThat(aliases.has("aplab")).isTrue();
        assertThat(aliases.has("corpus")).isTrue();
    }

    /** The corpus script compiles every notebook and its support class (the aliases above rely on it). */
    @Test
    void theCorpusScriptCompilesEveryNotebook() throws Exception {
        Path root = NotebookCorpusTest.root();
        String header = Files.readString(root.resolve(CORPUS_SCRIPT));
        assertThat(header).containsPattern("(?m)^//SOURCES \\.\\./\\.\\./notebooks/\\*\\.java$");
        assertThat(header).containsPattern("(?m)^//SOURCES \\.\\./\\.\\./notebooks/support/\\*\\.java$");
        for (Path nb : Corpus.notebooks(root)) {
            assertThat(nb.getParent()).isEqualTo(root.resolve("notebooks"));
            for (String line : Files.readAllLines(nb)) {
                var m = Pattern.compile("^//SOURCES (\\S+)$").matcher(line);
                if (m.matches()) {
                    assertThat(m.group(1)).as("%s: %s", nb.getFileName(), line).startsWith("support/").doesNotContain("/..");
                }
            }
        }
    }
}
