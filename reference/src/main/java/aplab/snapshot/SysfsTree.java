package aplab.snapshot;

import java.util.List;

/**
 * A read-only view of a sysfs tree by absolute path ({@code /sys/bus/ap/apmask}): the model's
 * {@link SysfsImage}, or a directory on disk ({@link DirTree}: a real {@code /sys}, or a fake one a
 * test made). Symbolic links are followed for reads and listings, as {@code cat} and {@code ls}
 * follow them.
 */
public interface SysfsTree {
    /** The content of a readable regular file, or null (no such file, a directory, write-only). */
    String read(String path);

    boolean isDirectory(String path);

    boolean exists(String path);

    /** The entries of a directory, sorted by name (C locale); empty if it is not a directory. */
    List<String> list(String path);

    /** The target of a symbolic link as stored, or null if the path is not a link. */
    String readlink(String path);

    /** The last component of a link's target ({@code readlink PATH | basename}), or null. */
    default String linkName(String path) {
        String t = readlink(path);
        if (t == null) {
            return null;
        }
        int i = t.lastIndexOf('/');
        return i < 0 ? t : t.substring(i + 1);
    }

    /** {@code path + "/" + name} without doubling the slash. */
    static String join(String path, String name) {
        return path.endsWith("/") ? path + name : path + "/" + name;
    }
}
