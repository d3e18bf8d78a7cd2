package aplab.snapshot;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * A sysfs tree on disk under a root prefix: {@code /sys/bus/ap} is {@code ROOT/sys/bus/ap}. With the
 * root {@code /} it is the host's own sysfs. Bytes are read as ISO-8859-1, so that any content
 * survives as text.
 */
public final class DirTree implements SysfsTree {
    private final Path root;
    private final Path sysMount;

    public DirTree(Path root) {
        this(root, null);
    }

    private DirTree(Path root, Path sysMount) {
        this.root = root;
        this.sysMount = sysMount;
    }

    /**
     * A tree whose {@code /sys} is the directory {@code sysMount} (as s390-tools' {@code SYSFS_ROOT}
     * names it); other paths resolve under its parent.
     */
    public static DirTree sysfsMount(Path sysMount) {
        Path abs = sysMount.toAbsolutePath().normalize();
        return new DirTree(abs.getParent() == null ? abs : abs.getParent(), abs);
    }

    public Path root() {
        return root;
    }

    private Path at(String path) {
        if (sysMount != null && (path.equals("/sys") || path.startsWith("/sys/"))) {
            String r = path.substring(4);
            return r.isEmpty() || r.equals("/") ? sysMount : sysMount.resolve(r.substring(1));
        }
        String rel = path.startsWith("/") ? path.substring(1) : path;
        return rel.isEmpty() ? root : root.resolve(rel);
    }

    /**
     * The most a read takes from one file: 64 KiB. A sysfs attribute shows at most a page
     * (PAGE_SIZE, 4096 bytes on s390: {@code sysfs_kf_seq_show}); a larger file in a tree is not
     * an attribute, and reads as unreadable instead of being loaded whole.
     */
    public static final int MAX_ATTRIBUTE_BYTES = 64 << 10;

    /**
     * The file's content, or null if it is missing, not a regular file (a directory, FIFO or
     * device), unreadable, or larger than {@link #MAX_ATTRIBUTE_BYTES}.
     */
    @Override
    public String read(String path) {
        Path p = at(path);
        if (!Files.isRegularFile(p) || !Files.isReadable(p)) {
            return null;
        }
        try (InputStream in = Files.newInputStream(p)) {
            byte[] b = in.readNBytes(MAX_ATTRIBUTE_BYTES + 1);
            return b.length > MAX_ATTRIBUTE_BYTES ? null : new String(b, StandardCharsets.ISO_8859_1);
        } catch (IOException e) {
            return null;
        }
    }

    @Override
    public boolean isDirectory(String path) {
        return Files.isDirectory(at(path));
    }

    @Override
    public boolean exists(String path) {
        return Files.exists(at(path)) || Files.isSymbolicLink(at(path));
    }

    @Override
    public List<String> list(String path) {
        Path p = at(path);
        List<String> out = new ArrayList<>();
        if (!Files.isDirectory(p)) {
            return out;
        }
        try (Stream<Path> s = Files.list(p)) {
            s.forEach(c -> out.add(c.getFileName().toString()));
        } catch (IOException e) {
            return out;
        }
        out.sort(null);
        return out;
    }

    @Override
    public String readlink(String path) {
        Path p = at(path);
        if (!Files.isSymbolicLink(p)) {
            return null;
        }
        try {
            return Files.readSymbolicLink(p).toString();
        } catch (IOException e) {
            return null;
        }
    }

    /** Whether the path is a regular file (not following a dangling link). */
    public boolean isFile(String path) {
        return Files.isRegularFile(at(path), LinkOption.NOFOLLOW_LINKS) || Files.isRegularFile(at(path));
    }
}
