package aplab.notebook;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** jbang-catalog.json lists every notebook, by its title, and every alias points at a file. */
class CatalogTest {
    @Test
    void everyNotebookHasAnAliasWithItsTitle() throws Exception {
        Path root = NotebookCorpusTest.root();
        JsonNode aliases = new ObjectMapper().readTree(root.resolve("jbang-catalog.json").toFile()).get("aliases");
        Map<String, String> byScript = new HashMap<>();
        aliases.fields().forEachRemaining(e -> {
            String ref = e.getValue().get("script-ref").asText();
            assertThat(Files.exists(root.resolve(ref))).as("alias %s -> %s", e.getKey(), ref).isTrue();
            byScript.put(ref, e.getValue().get("description").asText());
        });
        assertThat(Corpus.notebooks(root)).hasSize(19);
        for (Path nb : Corpus.notebooks(root)) {
            String ref = "notebooks/" + nb.getFileName();
            String title = NotebookSource.read(nb).body().get(0).text().lines().findFirst().orElse("").replaceFirst("^#+\\s*", "");
            assertThat(byScript).as("an alias for %s", ref).containsEntry(ref, title);
        }
        assertThat(aliases.has("aplab")).isTrue();
        assertThat(aliases.has("corpus")).isTrue();
    }
}
