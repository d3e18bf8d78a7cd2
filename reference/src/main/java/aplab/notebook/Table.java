package aplab.notebook;

import java.util.ArrayList;
import java.util.List;

/**
 * A plain-text before/after table: a first column (the command), one column per kernel. A row
 * whose values are all equal is printed once across the value columns; consecutive rows whose
 * values are all empty are folded into one row (their commands joined by {@code "; "}, the value
 * {@code -}); a row whose values differ starts with {@code *}. Cells wrap so that no line is wider
 * than {@link Nb#WIDTH}.
 */
public final class Table {
    private final String head;
    private final List<String> labels;
    private final List<String> keys = new ArrayList<>();
    private final List<List<String>> values = new ArrayList<>();

    public Table(String head, List<String> labels) {
        this.head = head;
        this.labels = List.copyOf(labels);
    }

    public Table row(String key, List<String> vals) {
        if (vals.size() != labels.size()) {
            throw new IllegalArgumentException(vals.size() + " values for " + labels.size() + " columns");
        }
        boolean empty = vals.stream().allMatch(String::isEmpty);
        int last = keys.size() - 1;
        if (empty && last >= 0 && values.get(last).stream().allMatch(String::isEmpty)) {
            keys.set(last, keys.get(last) + "; " + key);
        } else {
            keys.add(key);
            values.add(List.copyOf(vals));
        }
        return this;
    }

    public String render() {
        int n = labels.size();
        int keyWidth = head.length();
        for (String k : keys) {
            keyWidth = Math.max(keyWidth, k.length());
        }
        keyWidth = Math.min(keyWidth, 48);
        int[] w = new int[n];
        for (int i = 0; i < n; i++) {
            w[i] = labels.get(i).length();
            for (List<String> v : values) {
                if (!allEqual(v)) {
                    w[i] = Math.max(w[i], v.get(i).length());
                }
            }
        }
        int room = Nb.WIDTH - 2 - keyWidth - 3 * n;
        int fair = Math.max(12, room / n);
        int used = 0;
        for (int x : w) {
            used += x;
        }
        if (used > room) {
            for (int i = 0; i < n; i++) {
                w[i] = Math.min(w[i], fair);
            }
        }
        int span = 0;
        for (int x : w) {
            span += x;
        }
        span += 3 * (n - 1);
        StringBuilder b = new StringBuilder();
        List<List<String>> header = new ArrayList<>();
        for (String l : labels) {
            header.add(List.of(l));
        }
        line(b, "  ", wrap(head, keyWidth), keyWidth, header, w);
        for (int r = 0; r < keys.size(); r++) {
            List<String> v = values.get(r);
            List<String> key = wrap(keys.get(r), keyWidth);
            if (allEqual(v)) {
                String text = v.get(0).isEmpty() ? "-" : v.get(0);
                line(b, "  ", key, keyWidth, List.of(wrap(text, Math.max(span, 12))), new int[] {span});
            } else {
                List<List<String>> cells = new ArrayList<>();
                for (int i = 0; i < n; i++) {
                    cells.add(wrap(v.get(i).isEmpty() ? "-" : v.get(i), w[i]));
                }
                line(b, "* ", key, keyWidth, cells, w);
            }
        }
        return b.toString();
    }

    private static boolean allEqual(List<String> v) {
        return v.stream().distinct().count() == 1;
    }

    private static void line(StringBuilder b, String mark, List<String> key, int keyWidth, List<List<String>> cells, int[] w) {
        int height = key.size();
        for (List<String> c : cells) {
            height = Math.max(height, c.size());
        }
        for (int h = 0; h < height; h++) {
            StringBuilder l = new StringBuilder(h == 0 ? mark : "  ");
            l.append(pad(h < key.size() ? key.get(h) : "", keyWidth));
            for (int i = 0; i < cells.size(); i++) {
                List<String> c = cells.get(i);
                l.append(" | ").append(pad(h < c.size() ? c.get(h) : "", w[i]));
            }
            b.append(l.toString().stripTrailing()).append('\n');
        }
    }

    private static String pad(String s, int w) {
        return s.length() >= w ? s : s + " ".repeat(w - s.length());
    }

    /** Splits text into lines of at most {@code w} characters, at spaces where it can. */
    static List<String> wrap(String text, int w) {
        List<String> out = new ArrayList<>();
        String rest = text;
        while (rest.length() > w) {
            int cut = rest.lastIndexOf(' ', w);
            if (cut <= 0) {
                cut = w;
            }
            out.add(rest.substring(0, cut).stripTrailing());
            rest = rest.substring(cut).stripLeading();
        }
        out.add(rest);
        return out;
    }
}
