package aplab.notebook;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;
import org.junit.jupiter.api.Test;

/**
 * The site as HTML: the index links every notebook's page, every page has its title and its
 * outputs, and every link inside the corpus (not http/https/mailto) resolves to a file that
 * exists, with its anchor where it has one. The pages link the notebooks' .ipynb (out/notebooks,
 * checked by name) and their sources in the repository.
 */
class SiteTest {
    @Test
    void everyNotebookIsLinkedAndEveryLinkInsideTheCorpusResolves() throws Exception {
        Path site = CorpusCache.site();
        Path root = NotebookCorpusTest.root();
        List<Path> notebooks = Corpus.notebooks(root);
        Document index = Jsoup.parse(site.resolve("index.html").toFile(), "UTF-8");
        Set<String> linked = new HashSet<>();
        for (Element a : index.select("a.notebook")) {
            linked.add(a.attr("href"));
        }
        for (Path nb : notebooks) {
            String name = nb.getFileName().toString().replaceFirst("\\.java$", "");
            assertThat(linked).as("index links %s", name).contains(name + ".html");
            Document page = Jsoup.parse(site.resolve(name + ".html").toFile(), "UTF-8");
            String title = NotebookSource.read(nb).body().get(0).text().lines().findFirst().orElse("").replaceFirst("^#+\\s*", "");
            assertThat(page.title()).isEqualTo(title);
            assertThat(page.select("h1").first()).as("%s has its title as h1", name).isNotNull();
            assertThat(page.select("h1").first().text()).isEqualTo(title);
            assertThat(page.select("pre.code")).as("%s shows its code", name).isNotEmpty();
            assertThat(page.select("pre.output")).as("%s shows its outputs", name).isNotEmpty();
            assertThat(page.select("a[href^=https://lore.kernel.org/]")).as("%s links a mail on lore", name).isNotEmpty();
            assertThat(page.select("a[href^=https://git.kernel.org/]")).as("%s links a commit", name).isNotEmpty();
            checkLinks(site, page, root, name + ".html");
        }
        checkLinks(site, index, root, "index.html");
    }

    private static void checkLinks(Path site, Document doc, Path root, String from) {
        List<String> broken = new ArrayList<>();
        for (Element a : doc.select("a[href]")) {
            String href = a.attr("href");
            if (href.matches("^(https?|mailto):.*")) {
                continue;
            }
            String file = href.contains("#") ? href.substring(0, href.indexOf('#')) : href;
            String anchor = href.contains("#") ? href.substring(href.indexOf('#') + 1) : "";
            Path target = file.isEmpty() ? site.resolve(from) : site.resolve(file).normalize();
            // the site is written under out/site; ../notebooks is out/notebooks, ../../ the repository
            Path rel = site.getParent().getParent().relativize(target);
            Path inRepo = rel.startsWith("out") ? null : root.resolve(rel);
            boolean exists;
            if (inRepo != null) {
                exists = Files.exists(inRepo);
            } else if (rel.startsWith(Path.of("out", "notebooks"))) {
                exists = rel.getFileName().toString().endsWith(".ipynb")
                        && Files.exists(root.resolve("notebooks").resolve(rel.getFileName().toString().replace(".ipynb", ".java")));
            } else {
                exists = Files.exists(target);
            }
            if (exists && !anchor.isEmpty() && target.toString().endsWith(".html")) {
                try {
                    exists = !Jsoup.parse(target.toFile(), "UTF-8").select("[id=" + anchor + "]").isEmpty();
                } catch (java.io.IOException e) {
                    exists = false;
                }
            }
            if (!exists) {
                broken.add(from + " -> " + href);
            }
        }
        assertThat(broken).as("links inside the corpus that do not resolve").isEmpty();
    }
}
