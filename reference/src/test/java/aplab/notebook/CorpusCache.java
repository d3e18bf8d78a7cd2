package aplab.notebook;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Each notebook run once per test JVM: the golden test, the site test and the browser test share
 * the runs (a run of the whole corpus takes minutes on a loaded machine).
 */
final class CorpusCache {
    private static final Map<Path, Notebook.Result> RUNS = new ConcurrentHashMap<>();
    private static Path site;

    private CorpusCache() {
    }

    static Notebook.Result run(Path file) throws IOException {
        Notebook.Result r = RUNS.get(file);
        if (r == null) {
            r = Corpus.run(file);
            RUNS.put(file, r);
        }
        return r;
    }

    /** The site of the whole corpus, written once into target/site. */
    static synchronized Path site() throws IOException {
        if (site == null) {
            List<Corpus.Entry> entries = new ArrayList<>();
            for (Path f : Corpus.notebooks(NotebookCorpusTest.root())) {
                Notebook.Result r = run(f);
                entries.add(new Corpus.Entry(f, r, NotebookRender.markdown(r), "", true));
            }
            Path dir = Path.of("target", "site-test", "out", "site").toAbsolutePath();
            Site.write(dir, entries);
            site = dir;
        }
        return site;
    }
}
