package aplab.notebook;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A literate notebook's source, read by Jupytext's rules for the percent format of a language
 * whose comment is {@code //}: a line {@code // %%} at column 0 starts a code cell,
 * {@code // %% [markdown]} (or {@code [md]}) a Markdown cell whose lines lose their {@code // } or
 * {@code //} prefix; what comes before the first marker is a code cell of its own (the header: the
 * JBang directives, the imports, the line that opens the class and its {@code cells()} method).
 * Blank lines around a cell's text belong to no cell.
 *
 * <p>One presentation rule is added to Jupytext's: the closing braces that end the file (they
 * close what the header opened) are dropped from the last cell, and a last cell that held nothing
 * else is dropped; {@link #closing()} says what was dropped, so that a test can check it is
 * nothing else.
 */
public final class NotebookSource {
    /** One cell: its kind, its text, its first and last line (1-based), and whether it is the header. */
    public record Cell(Kind kind, String text, int firstLine, int lastLine, boolean header) {
    }

    public enum Kind { MARKDOWN, CODE }

    /** Jupytext's percent cell marker, at column 0, with its optional title and cell type. */
    static final Pattern MARKER = Pattern.compile("^//\\s*%%(?:\\s+(.*))?$");

    private final String name;
    private final List<Cell> cells;
    private final String closing;

    private NotebookSource(String name, List<Cell> cells, String closing) {
        this.name = name;
        this.cells = List.copyOf(cells);
        this.closing = closing;
    }

    public String name() {
        return name;
    }

    public List<Cell> cells() {
        return cells;
    }

    /** The cells after the header. */
    public List<Cell> body() {
        return cells.stream().filter(c -> !c.header()).toList();
    }

    /** What was dropped from the end of the last cell (closing braces), or "". */
    public String closing() {
        return closing;
    }

    public static NotebookSource read(Path file) throws IOException {
        String n = file.getFileName().toString();
        return parse(n.endsWith(".java") ? n.substring(0, n.length() - 5) : n,
                Files.readString(file, StandardCharsets.UTF_8));
    }

    /** Whether a line is a cell marker, and if so whether it opens a Markdown cell. */
    static Kind marker(String line) {
        Matcher m = MARKER.matcher(line);
        if (!m.matches()) {
            return null;
        }
        String opts = m.group(1) == null ? "" : m.group(1);
        return opts.matches("(?s).*\\[(markdown|md)\\].*") ? Kind.MARKDOWN : Kind.CODE;
    }

    public static NotebookSource parse(String name, String text) {
        String[] lines = text.split("\n", -1);
        List<Cell> cells = new ArrayList<>();
        Kind kind = Kind.CODE;
        boolean header = true;
        int start = 0;
        for (int i = 0; i <= lines.length; i++) {
            Kind k = i < lines.length ? marker(lines[i]) : null;
            if (i == lines.length || k != null) {
                Cell c = makeCell(kind, lines, start, i, header);
                if (c != null) {
                    cells.add(c);
                }
                header = false;
                kind = k;
                start = i + 1;
            }
        }
        String closing = "";
        if (!cells.isEmpty()) {
            Cell last = cells.get(cells.size() - 1);
            List<String> body = new ArrayList<>(List.of(last.text().split("\n", -1)));
            StringBuilder dropped = new StringBuilder();
            while (!body.isEmpty() && (body.get(body.size() - 1).isBlank() || body.get(body.size() - 1).strip().matches("}+"))) {
                dropped.insert(0, body.remove(body.size() - 1).strip());
            }
            closing = dropped.toString();
            String rest = String.join("\n", body).stripTrailing();
            if (rest.isEmpty()) {
                // a code cell that only closes the class: the notebook ends with prose
                cells.remove(cells.size() - 1);
            } else {
                cells.set(cells.size() - 1, new Cell(last.kind(), rest, last.firstLine(), last.lastLine(), last.header()));
            }
        }
        return new NotebookSource(name, cells, closing);
    }

    private static Cell makeCell(Kind kind, String[] lines, int from, int to, boolean header) {
        int end = to;
        while (end > from && lines[end - 1].isBlank()) {
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
        for (int i = begin; i < end; i++) {
            String s = lines[i].stripTrailing();
            if (kind == Kind.MARKDOWN) {
                s = s.startsWith("// ") ? s.substring(3) : s.startsWith("//") ? s.substring(2) : s;
            }
            body.add(s);
        }
        // a code cell owns the output printed from its lines
        return new Cell(kind, String.join("\n", body), from + 1, to, header);
    }
}
