package aplab.notebook;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Runs a literate notebook and ties what it printed to the code cell that printed it. A notebook
 * is a class with a {@code main}; while it runs, {@code System.out} is captured and every write is
 * charged to the notebook source line it came from (the outermost stack frame of the notebook's
 * class inside a cell after the header, so helpers, which live in the notebook's support class,
 * charge the cell that called them; writes from other threads go to the cell that ran last).
 */
public final class Notebook {
    /** A run: the source, each code cell's output (by cell index), and a failure if any. */
    public record Result(NotebookSource source, Map<Integer, String> outputs, Optional<Throwable> failure) {
        public String output(int cellIndex) {
            return outputs.getOrDefault(cellIndex, "");
        }

        /** The notebook's title: the first Markdown heading. */
        public String title() {
            for (NotebookSource.Cell c : source.cells()) {
                if (c.kind() == NotebookSource.Kind.MARKDOWN) {
                    for (String l : c.text().split("\n")) {
                        if (l.startsWith("#")) {
                            return l.replaceFirst("^#+\\s*", "");
                        }
                    }
                }
            }
            return source.name();
        }
    }

    /** The body of a notebook: its main. */
    @FunctionalInterface
    public interface Body {
        void run() throws Exception;
    }

    private Notebook() {
    }

    /**
     * Runs {@code body} (the notebook class's code) with System.out captured per cell. Not
     * reentrant: one notebook at a time per JVM.
     */
    public static synchronized Result run(Class<?> notebookClass, Path sourceFile, Body body) throws IOException {
        NotebookSource src = NotebookSource.read(sourceFile);
        Capture capture = new Capture(notebookClass.getName(), src);
        PrintStream saved = System.out;
        Throwable failure = null;
        System.setOut(new PrintStream(capture, true, StandardCharsets.UTF_8));
        try {
            body.run();
        } catch (Throwable t) {
            failure = t;
        } finally {
            System.out.flush();
            System.setOut(saved);
        }
        if (failure != null) {
            capture.append("!! the notebook stopped: " + failure + "\n");
        }
        return new Result(src, capture.outputs(), Optional.ofNullable(failure));
    }

    /**
     * The {@code main} of a notebook run on its own (by JBang): run it, then print the walkthrough
     * as Markdown. The source is found from JBang's {@code jbang.source} property, or
     * notebooks/NAME.java.
     */
    public static void main(Class<?> notebookClass, Body body) {
        try {
            Path source = locate(notebookClass);
            Result r = run(notebookClass, source, body);
            System.out.print(NotebookRender.markdown(r));
            System.out.flush();
            if (r.failure().isPresent()) {
                System.exit(1);
            }
        } catch (IOException e) {
            System.err.println("notebook: cannot read the source of " + notebookClass.getSimpleName() + ": " + e.getMessage());
            System.exit(2);
        }
    }

    /**
     * Where a notebook's source is: {@code -Djbang.source}, else {@code notebooks/NAME.java} under
     * {@code -Daplab.root}, else under the working directory ({@code tools/jbang NAME@.} runs in the
     * repository root).
     */
    public static Path locate(Class<?> notebookClass) {
        String jbang = System.getProperty("jbang.source");
        if (jbang != null && Files.exists(Path.of(jbang))) {
            return Path.of(jbang);
        }
        String file = notebookClass.getSimpleName() + ".java";
        Path underRoot = Path.of(System.getProperty("aplab.root", "."), "notebooks", file);
        if (Files.exists(underRoot)) {
            return underRoot;
        }
        return Path.of("notebooks", file);
    }

    /** An OutputStream that charges bytes to cells by the writing source line. */
    private static final class Capture extends OutputStream {
        private final String className;
        private final NotebookSource src;
        private final Map<Integer, ByteArrayOutputStream> byCell = new LinkedHashMap<>();
        private int lastCell = -1;

        Capture(String className, NotebookSource src) {
            this.className = className;
            this.src = src;
        }

        private synchronized ByteArrayOutputStream target() {
            int cell = cellOfCaller();
            if (cell >= 0) {
                lastCell = cell;
            }
            int use = cell >= 0 ? cell : Math.max(lastCell, firstCodeCell());
            return byCell.computeIfAbsent(use, k -> new ByteArrayOutputStream());
        }

        private int firstCodeCell() {
            for (int i = 0; i < src.cells().size(); i++) {
                if (src.cells().get(i).kind() == NotebookSource.Kind.CODE && !src.cells().get(i).header()) {
                    return i;
                }
            }
            return 0;
        }

        private int cellOfCaller() {
            List<Integer> lines = StackWalker.getInstance().walk(frames -> frames
                    .filter(f -> f.getClassName().equals(className) || f.getClassName().startsWith(className + "$"))
                    .map(StackWalker.StackFrame::getLineNumber).toList());
            // outermost notebook frame first: a helper method charges its caller's cell
            List<Integer> outerFirst = new ArrayList<>(lines);
            java.util.Collections.reverse(outerFirst);
            for (int line : outerFirst) {
                List<NotebookSource.Cell> cells = src.cells();
                for (int i = 0; i < cells.size(); i++) {
                    NotebookSource.Cell c = cells.get(i);
                    if (c.kind() == NotebookSource.Kind.CODE && !c.header() && line >= c.firstLine() && line <= c.lastLine()) {
                        return i;
                    }
                }
            }
            return -1;
        }

        @Override
        public void write(int b) {
            ByteArrayOutputStream t = target();
            synchronized (this) {
                t.write(b);
            }
        }

        @Override
        public void write(byte[] b, int off, int len) {
            ByteArrayOutputStream t = target();
            synchronized (this) {
                t.write(b, off, len);
            }
        }

        synchronized void append(String s) {
            byCell.computeIfAbsent(Math.max(lastCell, firstCodeCell()), k -> new ByteArrayOutputStream())
                    .writeBytes(s.getBytes(StandardCharsets.UTF_8));
        }

        synchronized Map<Integer, String> outputs() {
            Map<Integer, String> out = new LinkedHashMap<>();
            byCell.forEach((k, v) -> out.put(k, v.toString(StandardCharsets.UTF_8)));
            return out;
        }
    }
}
