package aplab.shell;

import aplab.sysfs.Sysfs;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code ls -l} lines for sysfs entries, as coreutils prints them on a real host: mode, link count,
 * owner and group {@code root}, size (4096 for an attribute, 0 for a directory or link), a date,
 * the name and, for a link, {@code -> TARGET}. Columns are aligned as ls aligns them. The model
 * has no clock: every entry is dated at the epoch, which ls prints as {@code Jan  1  1970}.
 */
final class LsLong {
    private static final String DATE = "Jan  1  1970";

    private LsLong() {
    }

    /** {mode, links, size, name}: one entry (not following a last link). */
    static String[] row(Sysfs sysfs, String path, String shown) {
        Sysfs.Node n = sysfs.lstat(path);
        if (n instanceof Sysfs.Link l) {
            return new String[] {"lrwxrwxrwx", "1", "0", shown + " -> " + l.target()};
        }
        if (n instanceof Sysfs.Dir d) {
            int subdirs = 0;
            for (String c : d.names()) {
                if (d.child(c) instanceof Sysfs.Dir) {
                    subdirs++;
                }
            }
            return new String[] {"drwxr-xr-x", String.valueOf(2 + subdirs), "0", shown};
        }
        Sysfs.Attr a = (Sysfs.Attr) n;
        return new String[] {mode(a.mode()), "1", "4096", shown};
    }

    private static String mode(int mode) {
        StringBuilder b = new StringBuilder("-");
        String rwx = "rwx";
        for (int i = 8; i >= 0; i--) {
            b.append((mode & (1 << i)) != 0 ? rwx.charAt(2 - i % 3) : '-');
        }
        return b.toString();
    }

    static List<String> format(List<String[]> rows) {
        int links = 0;
        int size = 0;
        for (String[] r : rows) {
            links = Math.max(links, r[1].length());
            size = Math.max(size, r[2].length());
        }
        List<String> out = new ArrayList<>();
        for (String[] r : rows) {
            out.add(r[0] + " " + " ".repeat(links - r[1].length()) + r[1] + " root root "
                    + " ".repeat(size - r[2].length()) + r[2] + " " + DATE + " " + r[3]);
        }
        return out;
    }
}
