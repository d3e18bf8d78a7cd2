package aplab.notebook;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A literate notebook's source: a plain {@code .java} file whose cells are marked with
 * {@code // %% [markdown]} (prose, in {@code //} comments) and {@code // %%} (code), the percent
 * format Jupytext reads. Everything before the first marker (JBang directives, imports, the class
 * line) is the preamble, shown to nobody; trailing closing braces of the last cell are dropped.
 */
public final class NotebookSource {
    /** One cell: its kind, its text (comment markers stripped for prose, dedented for code), its lines. */
    public record Cell(Kind kind, String text, int firstLine, int lastLine) {
    }

    public enum Kind { MARKDOWN, CODE }

    private final String name;
    private final List<Cell> cells;

    private NotebookSource(String name, List<Cell> cells) {
        this.name = name;
        this.cells = List.copyOf(cells);
    }

    public String name() {
        return name;
    }

    public List<Cell> cells() {
        return cells;
    }

    public static NotebookSource read(Path file) throws IOException {
        String n = file.getFileName().toString();
        return parse(n.endsWith(".java") ? n.substring(0, n.length() - 5) : n,
                Files.readString(file, StandardCharsets.UTF_8));
    }

    public static NotebookSource parse(String name, String text) {
        String[] lines = text.split("\n", -1);
        List<Cell> cells = new ArrayList<>();
        Kind kind = null;
        int start = 0;
        for (int i = 0; i <= lines.length; i++) {
            String t = i < lines.length ? lines[i].strip() : null;
            boolean marker = t != null && (t.equals("// %%") || t.startsWith("// %% "));
            if (t == null || marker) {
                if (kind != null) {
                    Cell c = makeCell(kind, lines, start, i, t == null);
                    if (c != null) {
                        cells.add(c);
                    }
                }
                if (marker) {
                    kind = t.contains("[markdown]") ? Kind.MARKDOWN : Kind.CODE;
                    start = i + 1;
                }
            }
        }
        return new NotebookSource(name, cells);
    }

    private static Cell makeCell(Kind kind, String[] lines, int from, int to, boolean last) {
        int end = to;
        // drop blank lines, and at the end of the file the closing braces of method and class
        while (end > from && (lines[end - 1].isBlank() || (last && lines[end - 1].strip().matches("}+")))) {
            end--;
        }
        int begin = from;
        while (begin < end && lines[begin].isBlank()) {
            begin++;
        }
        if (begin >= end) {
            return null;
        }
        List<String> body = new ArrayList<>();
        if (kind == Kind.MARKDOWN) {
            for (int i = begin; i < end; i++) {
                String s = lines[i].strip();
                body.add(s.startsWith("// ") ? s.substring(3) : s.startsWith("//") ? s.substring(2) : s);
            }
        } else {
            int indent = Integer.MAX_VALUE;
            for (int i = begin; i < end; i++) {
                if (!lines[i].isBlank()) {
                    indent = Math.min(indent, lines[i].length() - lines[i].stripLeading().length());
                }
            }
            for (int i = begin; i < end; i++) {
                body.add(lines[i].isBlank() ? "" : lines[i].substring(Math.min(indent, lines[i].length())).stripTrailing());
            }
        }
        // lines are 1-based; a code cell owns the output printed from its lines
        return new Cell(kind, String.join("\n", body), from + 1, to);
    }
}
