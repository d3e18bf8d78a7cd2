package aplab.snapshot;

import aplab.ap.CardType;
import aplab.host.Guest;
import aplab.host.Host;
import aplab.kernel.Kernel;
import aplab.sysfs.Sysfs;
import aplab.vfioap.MatrixMdev;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The model's sysfs ({@link Sysfs}, the one tree the shell, lszcrypt and snapshots read) frozen
 * into paths, plus the few {@code /proc} files the snapshot tool reads: what {@code ls -R /sys}
 * would show on an s390 host in the same state. {@link #writeTo} lays it out on disk (links as
 * links), so that tools written for a real host (lszcrypt, {@code tools/capture-host},
 * {@code tools/replay-on-host}) can run on a modelled state:
 *
 * <pre>
 * /sys/...   every directory, attribute (content and mode) and link of {@link Sysfs}
 * /proc/sys/kernel/osrelease; /proc/PID/{cmdline,comm,fd/N -&gt; /dev/vfio/GROUP} per running guest
 * </pre>
 */
public final class SysfsImage implements SysfsTree {
    private static final String MATRIX = "/sys/devices/vfio_ap/matrix";

    /** A node of the image: a directory, a file (content and mode), or a symbolic link. */
    private record Node(char kind, String content, int mode) {
        static Node dir() {
            return new Node('d', null, 0755);
        }

        static Node file(String content, int mode) {
            return new Node('f', content, mode);
        }

        static Node link(String target) {
            return new Node('l', target, 0777);
        }
    }

    private final TreeMap<String, Node> nodes = new TreeMap<>();

    private SysfsImage() {
        nodes.put("/", Node.dir());
    }

    /** The release a modelled kernel reports in {@code uname -r}. */
    public static String release(Kernel v) {
        return aplab.kernel.KernelRelease.uname(v);
    }

    /** The image of a modelled host now. */
    public static SysfsImage of(Host host) {
        SysfsImage img = new SysfsImage();
        img.build(host);
        return img;
    }

    // ---------------------------------------------------------------- building

    private void dir(String path) {
        if (nodes.containsKey(path)) {
            return;
        }
        int i = path.lastIndexOf('/');
        dir(i <= 0 ? "/" : path.substring(0, i));
        nodes.put(path, Node.dir());
    }

    private void file(String path, String content, int mode) {
        dir(parent(path));
        nodes.put(path, Node.file(content, mode));
    }

    private void ro(String path, String content) {
        file(path, content, 0444);
    }

    private void link(String path, String target) {
        dir(parent(path));
        nodes.put(path, Node.link(target));
    }

    private static String parent(String path) {
        int i = path.lastIndexOf('/');
        return i <= 0 ? "/" : path.substring(0, i);
    }

    /** ap_functions as an idle card of that mode shows it (see {@link Sysfs#apFunctions}). */
    public static long apFunctions(CardType type, boolean apxa) {
        return Sysfs.apFunctions(type, apxa);
    }

    private void build(Host host) {
        Sysfs sysfs = new Sysfs(host);
        // the one sysfs tree, materialised: every directory, attribute and link as Sysfs serves it
        sysfs.walk("/sys", (path, n) -> {
            if (n instanceof Sysfs.Dir) {
                dir(path);
            } else if (n instanceof Sysfs.Link l) {
                link(path, l.target());
            } else if (n instanceof Sysfs.Attr a) {
                String content = "";
                if (a.show() != null) {
                    try {
                        content = a.show().get();
                    } catch (RuntimeException e) {
                        content = ""; // a show that fails reads as an error; the image keeps the file empty
                    }
                }
                file(path, content, a.mode());
            }
        });
        List<MatrixMdev> mdevs = new ArrayList<>(host.vfioAp().mdevs());
        mdevs.sort((a, b) -> a.uuid().compareTo(b.uuid()));
        ro("/proc/sys/kernel/osrelease", release(host.version()) + "\n");
        int pid = 4001;
        for (Guest g : host.guests()) {
            if (g.mdevs().isEmpty()) {
                continue;
            }
            String proc = "/proc/" + pid;
            StringBuilder cmd = new StringBuilder("/usr/bin/qemu-system-s390x\0-name\0guest=" + g.name() + ",debug-threads=on\0");
            int fd = 30;
            for (MatrixMdev m : g.mdevs()) {
                cmd.append("-device\0vfio-ap,sysfsdev=").append(MATRIX).append('/').append(m.uuid()).append('\0');
                String group = sysfs.readlink(MATRIX + "/" + m.uuid() + "/iommu_group");
                if (group != null) {
                    link(proc + "/fd/" + fd++, "/dev/vfio/" + group.substring(group.lastIndexOf('/') + 1));
                }
            }
            ro(proc + "/cmdline", cmd.toString());
            ro(proc + "/comm", "qemu-system-s39\n");
            pid++;
        }
    }

    // ---------------------------------------------------------------- reading

    /** The real path of {@code path} with every link followed, or null if some part is missing. */
    private String resolve(String path) {
        String cur = "/";
        List<String> todo = new ArrayList<>(List.of(path.split("/")));
        int hops = 0;
        while (!todo.isEmpty()) {
            String part = todo.remove(0);
            if (part.isEmpty() || part.equals(".")) {
                continue;
            }
            if (part.equals("..")) {
                cur = parent(cur);
                continue;
            }
            String next = SysfsTree.join(cur, part);
            Node n = nodes.get(next);
            if (n == null) {
                return null;
            }
            if (n.kind() == 'l') {
                if (++hops > 40) {
                    return null;
                }
                String target = n.content();
                List<String> expanded = new ArrayList<>(List.of(target.split("/")));
                expanded.addAll(todo);
                todo = expanded;
                if (target.startsWith("/")) {
                    cur = "/";
                }
                continue;
            }
            cur = next;
        }
        return cur;
    }

    @Override
    public String read(String path) {
        String real = resolve(path);
        Node n = real == null ? null : nodes.get(real);
        if (n == null || n.kind() != 'f' || (n.mode() & 0444) == 0) {
            return null;
        }
        return n.content();
    }

    @Override
    public boolean isDirectory(String path) {
        String real = resolve(path);
        return real != null && nodes.get(real).kind() == 'd';
    }

    @Override
    public boolean exists(String path) {
        return resolve(path) != null || nodes.containsKey(path);
    }

    @Override
    public List<String> list(String path) {
        String real = resolve(path);
        List<String> out = new ArrayList<>();
        if (real == null || nodes.get(real).kind() != 'd') {
            return out;
        }
        String prefix = real.equals("/") ? "/" : real + "/";
        for (String p : nodes.tailMap(prefix, false).keySet()) {
            if (!p.startsWith(prefix)) {
                break;
            }
            String rest = p.substring(prefix.length());
            if (!rest.isEmpty() && rest.indexOf('/') < 0) {
                out.add(rest);
            }
        }
        return out;
    }

    @Override
    public String readlink(String path) {
        String dirReal = resolve(parent(path));
        if (dirReal == null) {
            return null;
        }
        Node n = nodes.get(SysfsTree.join(dirReal, path.substring(path.lastIndexOf('/') + 1)));
        return n != null && n.kind() == 'l' ? n.content() : null;
    }

    /** Every path of the image with its kind, content and mode, one a line (for comparisons). */
    public String describe() {
        StringBuilder b = new StringBuilder();
        nodes.forEach((p, n) -> {
            switch (n.kind()) {
                case 'd' -> b.append(p).append("/\n");
                case 'l' -> b.append(p).append(" -> ").append(n.content()).append('\n');
                default -> b.append(p).append(String.format(" %03o ", n.mode()))
                        .append(n.content().replace("\0", "\\0").replace("\n", "\\n")).append('\n');
            }
        });
        return b.toString();
    }

    /** Writes the image under {@code root} (which must be empty or absent): dirs, files, links. */
    public void writeTo(Path root) {
        boolean posix = FileSystems.getDefault().supportedFileAttributeViews().contains("posix");
        try {
            Files.createDirectories(root);
            for (Map.Entry<String, Node> e : nodes.entrySet()) {
                if (e.getKey().equals("/")) {
                    continue;
                }
                Path p = root.resolve(e.getKey().substring(1));
                Node n = e.getValue();
                switch (n.kind()) {
                    case 'd' -> Files.createDirectories(p);
                    case 'l' -> Files.createSymbolicLink(p, Path.of(n.content()));
                    default -> {
                        Files.write(p, n.content().getBytes(StandardCharsets.ISO_8859_1));
                        if (posix) {
                            Files.setPosixFilePermissions(p, PosixFilePermissions.fromString(perms(n.mode())));
                        }
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String perms(int mode) {
        StringBuilder b = new StringBuilder();
        String rwx = "rwx";
        for (int i = 8; i >= 0; i--) {
            b.append((mode & (1 << i)) != 0 ? rwx.charAt(2 - i % 3) : '-');
        }
        return b.toString();
    }
}
