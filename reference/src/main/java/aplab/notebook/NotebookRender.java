package aplab.notebook;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;

/** Turns a notebook run into Markdown (the golden and the reading copy) and into nbformat 4 JSON. */
public final class NotebookRender {
    /**
     * The JSON writer, made on first use: a notebook run prints Markdown only, and building an
     * ObjectMapper loads about 250 classes (a fifth of a notebook's warm run).
     */
    private static final class Json {
        static final ObjectMapper MAPPER = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    }

    private NotebookRender() {
    }

    /**
     * Prose as it is, each code cell in a java block, its output in a text block under it. The
     * header cell (JBang directives, imports, the class line) is left out: it is in the source and
     * in the .ipynb, and says nothing about the kernel.
     */
    public static String markdown(Notebook.Result r) {
        StringBuilder b = new StringBuilder();
        List<NotebookSource.Cell> cells = r.source().cells();
        for (int i = 0; i < cells.size(); i++) {
            NotebookSource.Cell c = cells.get(i);
            if (c.header()) {
                continue;
            }
            if (b.length() > 0) {
                b.append('\n');
            }
            if (c.kind() == NotebookSource.Kind.MARKDOWN) {
                b.append(c.text()).append('\n');
                continue;
            }
            b.append("```java\n").append(c.text()).append("\n```\n");
            String out = wrapLong(r.output(i));
            if (!out.isEmpty()) {
                b.append("\n```text\n").append(out.endsWith("\n") ? out : out + "\n").append("```\n");
            }
        }
        return b.toString();
    }

    /** Output lines wider than {@link Nb#WIDTH} are wrapped at spaces, continued after "  + ". */
    static String wrapLong(String out) {
        StringBuilder b = new StringBuilder();
        for (String l : out.split("\n", -1)) {
            if (b.length() > 0) {
                b.append('\n');
            }
            List<String> parts = Table.wrap(l, Nb.WIDTH);
            for (int i = 0; i < parts.size(); i++) {
                b.append(i == 0 ? "" : "\n  + ").append(parts.get(i));
            }
        }
        return b.toString();
    }

    /** An nbformat 4.5 notebook with one cell per Jupytext cell (the header first) and the outputs filled in. */
    public static String ipynb(Notebook.Result r) {
        ObjectNode nb = Json.MAPPER.createObjectNode();
        nb.put("nbformat", 4);
        nb.put("nbformat_minor", 5);
        // no kernelspec (the cells are not valid cell by cell in a Java kernel: they run as one
        // JBang script) and no jupytext pairing (this file is rendered, not round-tripped)
        ObjectNode meta = nb.putObject("metadata");
        ObjectNode li = meta.putObject("language_info");
        li.put("name", "java");
        li.put("file_extension", ".java");
        ObjectNode ap = meta.putObject("aplab");
        ap.put("source", "notebooks/" + r.source().name() + ".java");
        ap.put("outputs", "filled in by the aplab notebook runtime (tools/jbang render@.), not by a Jupyter kernel");
        ArrayNode cellsJson = nb.putArray("cells");
        List<NotebookSource.Cell> cells = r.source().cells();
        int count = 0;
        for (int i = 0; i < cells.size(); i++) {
            NotebookSource.Cell c = cells.get(i);
            ObjectNode cell = cellsJson.addObject();
            cell.put("id", r.source().name().replaceAll("[^A-Za-z0-9_-]", "-") + "-" + i);
            cell.put("cell_type", c.kind() == NotebookSource.Kind.MARKDOWN ? "markdown" : "code");
            cell.putObject("metadata");
            if (c.kind() == NotebookSource.Kind.CODE) {
                cell.put("execution_count", ++count);
                ArrayNode outputs = cell.putArray("outputs");
                String out = r.output(i);
                if (!out.isEmpty()) {
                    ObjectNode o = outputs.addObject();
                    o.put("output_type", "stream");
                    o.put("name", "stdout");
                    lines(o.putArray("text"), out);
                }
            }
            lines(cell.putArray("source"), c.text());
        }
        try {
            return Json.MAPPER.writeValueAsString(nb) + "\n";
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** nbformat's multiline strings: a list of lines, each but the last ending in a newline. */
    private static void lines(ArrayNode arr, String text) {
        List<String> parts = new ArrayList<>();
        int start = 0;
        for (int i = 0; i < text.length(); i++) {
            if (text.charAt(i) == '\n') {
                parts.add(text.substring(start, i + 1));
                start = i + 1;
            }
        }
        if (start < text.length()) {
            parts.add(text.substring(start));
        }
        parts.forEach(arr::add);
    }
}
