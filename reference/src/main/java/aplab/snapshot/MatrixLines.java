package aplab.snapshot;

import aplab.ap.ApMask;
import java.util.ArrayList;
import java.util.List;

/**
 * The lines of a {@code matrix} or {@code guest_matrix} attribute as masks: {@code 05.0004} lines
 * (an adapter x domain product), {@code 05.} lines (adapters only) or {@code .0004} lines (domains
 * only), as vfio_ap_mdev_matrix_show prints them.
 */
public record MatrixLines(ApMask apm, ApMask aqm) {

    /** The masks the lines describe (the lines must be in one of the three shapes). */
    public static MatrixLines of(List<String> lines) {
        ApMask apm = new ApMask();
        ApMask aqm = new ApMask();
        for (String l : lines) {
            int dot = l.indexOf('.');
            if (dot > 0) {
                apm.set(Integer.parseInt(l.substring(0, dot), 16));
            }
            if (dot + 1 < l.length()) {
                aqm.set(Integer.parseInt(l.substring(dot + 1), 16));
            }
        }
        return new MatrixLines(apm, aqm);
    }

    /** The lines vfio_ap prints for these masks. */
    public List<String> lines() {
        List<String> out = new ArrayList<>();
        if (!apm.isEmpty() && !aqm.isEmpty()) {
            apm.forEach(a -> aqm.forEach(q -> out.add(String.format("%02x.%04x", a, q))));
        } else if (!apm.isEmpty()) {
            apm.forEach(a -> out.add(String.format("%02x.", a)));
        } else {
            aqm.forEach(q -> out.add(String.format(".%04x", q)));
        }
        return out;
    }

    /** Checks tokens from a snapshot line: one shape, ids in range, a whole product. */
    static List<String> check(String file, int line, String key, List<String> tokens) throws LoadException {
        String shape = null;
        for (String t : tokens) {
            String s;
            if (t.matches("[0-9a-f]{2}\\.[0-9a-f]{4}")) {
                s = "apqn";
            } else if (t.matches("[0-9a-f]{2}\\.")) {
                s = "adapter";
            } else if (t.matches("\\.[0-9a-f]{4}")) {
                s = "domain";
            } else {
                throw new LoadException(file, line, key + ": '" + t + "' is not a line vfio_ap prints (05.0004, 05. or .0004)");
            }
            if (t.length() > 3 && Integer.parseInt(t.substring(t.indexOf('.') + 1), 16) > 255) {
                throw new LoadException(file, line, key + ": domain in '" + t + "' is above 255");
            }
            if (shape != null && !shape.equals(s)) {
                throw new LoadException(file, line, key + ": mixes " + shape + " lines and " + s + " lines");
            }
            shape = s;
        }
        MatrixLines m = of(tokens);
        List<String> sorted = new ArrayList<>(tokens);
        if (!m.lines().equals(sorted)) {
            if (new java.util.TreeSet<>(m.lines()).equals(new java.util.TreeSet<>(tokens))) {
                throw new LoadException(file, line, key + ": lines are not in the kernel's order (adapters outer, ascending)");
            }
            throw new LoadException(file, line, key + ": not a whole adapter x domain product (e.g. "
                    + m.lines().stream().filter(x -> !tokens.contains(x)).findFirst().orElse("?") + " is missing)");
        }
        return List.copyOf(tokens);
    }
}
