package aplab.notebook;

import java.io.IOException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * The walkthrough corpus: every notebook under {@code notebooks/}, run in this JVM, rendered to
 * Markdown and .ipynb under {@code out/notebooks/} and to a site under {@code out/site/}, and compared with its approved golden
 * ({@code golden/NAME.approved.md}). The notebook classes must be on the class path (the test
 * sources in Maven, or the render script's sources in JBang).
 */
public final class Corpus {
    /** One notebook's run and how it compares with its golden. */
    public record Entry(Path file, Notebook.Result result, String markdown, String verdict, boolean ok) {
    }

    private Corpus() {
    }

    /** The notebook source files, sorted by name. */
    public static List<Path> notebooks(Path root) throws IOException {
        try (Stream<Path> s = Files.list(root.resolve("notebooks"))) {
            return s.filter(p -> p.toString().endsWith(".java")).sorted().toList();
        }
    }

    /** Runs one notebook: its class's {@code static void cells()} with output captured per cell. */
    public static Notebook.Result run(Path file) throws IOException {
        String name = file.getFileName().toString().replaceFirst("\\.java$", "");
        Method cells;
        Class<?> cls;
        try {
            cls = Class.forName(name);
            cells = cls.getDeclaredMethod("cells");
            cells.setAccessible(true);
        } catch (ReflectiveOperationException e) {
            throw new IOException("notebook class " + name + " with a static cells() is not on the class path", e);
        }
        return Notebook.run(cls, file, () -> {
            try {
                cells.invoke(null);
            } catch (InvocationTargetException e) {
                throw e.getCause() instanceof Exception ex ? ex : new RuntimeException(e.getCause());
            }
        });
    }

    /** The golden a notebook's Markdown is approved into. */
    public static Path golden(Path root, String name) {
        return root.resolve("golden").resolve(name + ".approved.md");
    }

    /** Runs everything, writes the renderings, and returns a verdict per notebook. */
    public static List<Entry> runAll(Path root, Path outDir) throws IOException {
        Files.createDirectories(outDir);
        List<Entry> entries = new ArrayList<>();
        for (Path f : notebooks(root)) {
            Notebook.Result r = run(f);
            String md = NotebookRender.markdown(r);
            String name = r.source().name();
            Files.writeString(outDir.resolve(name + ".md"), md, StandardCharsets.UTF_8);
            Files.writeString(outDir.resolve(name + ".ipynb"), NotebookRender.ipynb(r), StandardCharsets.UTF_8);
            Path g = golden(root, name);
            String verdict;
            boolean ok = false;
            if (r.failure().isPresent()) {
                verdict = "FAILED: " + r.failure().get();
            } else if (!Files.exists(g)) {
                verdict = "ran; no approved golden yet";
            } else if (Files.readString(g, StandardCharsets.UTF_8).equals(md)) {
                verdict = "ok, matches its golden";
                ok = true;
            } else {
                verdict = "DIFFERS from golden/" + g.getFileName();
            }
            entries.add(new Entry(f, r, md, verdict, ok));
        }
        return entries;
    }

    /** The main job: run the corpus, print title and verdict per notebook, then where the files are. */
    public static void main(String[] args) throws IOException {
        Path root = Path.of(System.getProperty("aplab.root", ".")).toAbsolutePath().normalize();
        Path out = root.resolve("out/notebooks");
        List<Entry> entries = runAll(root, out);
        Site.write(root.resolve("out/site"), entries);
        int ok = 0;
        for (Entry e : entries) {
            System.out.printf("%-28s %s%n    %s%n", e.result().source().name(), e.result().title(), e.verdict());
            ok += e.ok() ? 1 : 0;
        }
        System.out.printf("%d notebooks: %d match their goldens, %d do not%n", entries.size(), ok, entries.size() - ok);
        System.out.println("rendered Markdown and Jupyter notebooks (outputs filled in): " + root.relativize(out) + "/");
        System.out.println("the site: out/site/index.html");
        System.exit(ok == entries.size() ? 0 : 1);
    }
}
