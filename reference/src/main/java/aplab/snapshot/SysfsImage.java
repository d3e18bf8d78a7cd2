package aplab.snapshot;

import aplab.ap.ApCard;
import aplab.ap.ApConfigInfo;
import aplab.ap.ApQueue;
import aplab.ap.CardType;
import aplab.host.Guest;
import aplab.host.Host;
import aplab.kernel.Kernel;
import aplab.sysfs.Sysfs;
import aplab.sysfs.SysfsException;
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
import java.util.Set;
import java.util.TreeMap;

/**
 * The model's host as a real kernel lays it out in sysfs (and the few {@code /proc} files the
 * snapshot tool reads): what {@code ls -R /sys} would show on an s390 host in the same state. The
 * model's own {@link Sysfs} serves the paths the transcript shell needs; this image adds the
 * kernel's device layout around them, so that tools written for a real host (lszcrypt,
 * {@code tools/capture-host}, {@code tools/replay-on-host}) can run on a modelled state:
 *
 * <pre>
 * /sys/bus/ap/{apmask,aqmask,ap_*_mask,ap_max_*_id}
 * /sys/bus/ap/devices/{cardXX,XX.YYYY} -&gt; ../../../devices/ap/cardXX[/XX.YYYY]
 * /sys/bus/ap/drivers/{cex4card,cex4queue,vfio_ap}/{bind,uevent,unbind,DEVICE -&gt; ...}
 * /sys/devices/ap/cardXX/{type,hwtype,raw_hwtype,config,chkstop,online,ap_functions,depth,
 *     request_count,requestq_count,pendingq_count,driver -&gt; ...}
 * /sys/devices/ap/cardXX/XX.YYYY/{config,chkstop,request_count,requestq_count,pendingq_count,
 *     online (zcrypt: bound to cex4queue), status (bound to vfio_ap), driver -&gt; ...}
 * /sys/devices/vfio_ap/matrix/...  (as the model's Sysfs has it; mdev_type, iommu_group links)
 * /sys/bus/mdev/devices/UUID, /sys/class/mdev_bus/matrix (links, as mdevctl looks them up)
 * /proc/sys/kernel/osrelease; /proc/PID/{cmdline,fd/N -&gt; /dev/vfio/GROUP} per running guest
 * </pre>
 *
 * <p>Attributes the model has no state for get the values an idle LPAR shows: request counters 0
 * ({@code -} for a queue no zcrypt driver has, as ap_queue.c prints for a queue it has not initiated),
 * {@code depth} 7 (lszcrypt's QDEPTH 08), {@code chkstop} 0, {@code online} = {@code config}, and
 * {@code ap_functions} by mode (CCA: S, D, N, F; EP11: X, N, F; accelerator: M, C, A, N; N only
 * with APXA).
 */
public final class SysfsImage implements SysfsTree {
    private static final String AP = "/sys/bus/ap";
    private static final String MATRIX = "/sys/devices/vfio_ap/matrix";
    private static final Set<String> READ_WRITE = Set.of("apmask", "aqmask", "config", "ap_config");

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

    /** ap_functions as an idle card of that mode shows it (see the class comment). */
    public static long apFunctions(CardType type, boolean apxa) {
        long f = switch (type.mode()) {
            case 'A' -> 0x40000000L | 0x20000000L | 0x08000000L | 0x02000000L;
            case 'P' -> 0x04000000L | 0x02000000L | 0x00800000L;
            default -> 0x80000000L | 0x10000000L | 0x02000000L | 0x00800000L;
        };
        return apxa ? f : f & ~0x02000000L;
    }

    private void build(Host host) {
        Sysfs sysfs = new Sysfs(host);
        ApConfigInfo qci = host.bus().qci();
        for (String name : List.of("apmask", "aqmask", "ap_adapter_mask", "ap_usage_domain_mask",
                "ap_control_domain_mask", "ap_max_adapter_id", "ap_max_domain_id")) {
            file(AP + "/" + name, sysfs.read(AP + "/" + name), READ_WRITE.contains(name) ? 0644 : 0444);
        }
        dir(AP + "/devices");
        for (String drv : List.of("cex4card", "cex4queue", "vfio_ap")) {
            String d = AP + "/drivers/" + drv;
            file(d + "/bind", "", 0200);
            file(d + "/unbind", "", 0200);
            file(d + "/uevent", "", 0200);
        }
        for (ApCard c : host.bus().cards().values()) {
            String dev = "/sys/devices/ap/" + c.name();
            String cfg = c.config() ? "1\n" : "0\n";
            ro(dev + "/type", c.type() + "\n");
            ro(dev + "/hwtype", c.type().hwtype() + "\n");
            ro(dev + "/raw_hwtype", c.type().hwtype() + "\n");
            file(dev + "/config", cfg, 0644);
            ro(dev + "/chkstop", "0\n");
            file(dev + "/online", cfg, 0644);
            ro(dev + "/ap_functions", String.format("0x%08x%n", apFunctions(c.type(), qci.apxa())));
            ro(dev + "/depth", "7\n");
            ro(dev + "/request_count", "0\n");
            ro(dev + "/requestq_count", "0\n");
            ro(dev + "/pendingq_count", "0\n");
            link(dev + "/driver", "../../../bus/ap/drivers/cex4card");
            link(AP + "/devices/" + c.name(), "../../../devices/ap/" + c.name());
            link(AP + "/drivers/cex4card/" + c.name(), "../../../../devices/ap/" + c.name());
        }
        for (ApQueue q : host.bus().queues().values()) {
            String card = q.card().name();
            String dev = "/sys/devices/ap/" + card + "/" + q.name();
            String drv = q.driver() == null ? null : q.driver().name();
            // ap_queue.c shows "-" for the counters of a queue the bus has not initiated (not zcrypt's)
            String counter = "cex4queue".equals(drv) ? "0\n" : "-\n";
            ro(dev + "/config", q.config() ? "1\n" : "0\n");
            ro(dev + "/chkstop", "0\n");
            ro(dev + "/request_count", counter);
            ro(dev + "/requestq_count", counter);
            ro(dev + "/pendingq_count", counter);
            if ("cex4queue".equals(drv)) {
                file(dev + "/online", q.config() ? "1\n" : "0\n", 0644);
            }
            String status = AP + "/devices/" + q.name() + "/status";
            if (sysfs.exists(status)) {
                ro(dev + "/status", sysfs.read(status));
            }
            if (drv != null) {
                link(dev + "/driver", "../../../../bus/ap/drivers/" + drv);
                link(AP + "/drivers/" + drv + "/" + q.name(), "../../../../devices/ap/" + card + "/" + q.name());
            }
            link(AP + "/devices/" + q.name(), "../../../devices/ap/" + card + "/" + q.name());
        }
        mirror(sysfs, MATRIX);
        List<MatrixMdev> mdevs = new ArrayList<>(host.vfioAp().mdevs());
        mdevs.sort((a, b) -> a.uuid().compareTo(b.uuid()));
        String types = MATRIX + "/mdev_supported_types/vfio_ap-passthrough";
        dir(types + "/devices");
        link("/sys/class/mdev_bus/matrix", "../../devices/vfio_ap/matrix");
        dir("/sys/bus/mdev/devices");
        Map<String, Integer> groups = new TreeMap<>();
        for (int i = 0; i < mdevs.size(); i++) {
            String uuid = mdevs.get(i).uuid();
            int group = 10 + i;
            groups.put(uuid, group);
            link(types + "/devices/" + uuid, "../../../" + uuid);
            link(MATRIX + "/" + uuid + "/mdev_type", "../mdev_supported_types/vfio_ap-passthrough");
            link(MATRIX + "/" + uuid + "/iommu_group", "../../../../kernel/iommu_groups/" + group);
            link("/sys/bus/mdev/devices/" + uuid, "../../../devices/vfio_ap/matrix/" + uuid);
        }
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
                Integer group = groups.get(m.uuid());
                if (group != null) {
                    link(proc + "/fd/" + fd++, "/dev/vfio/" + group);
                }
            }
            ro(proc + "/cmdline", cmd.toString());
            ro(proc + "/comm", "qemu-system-s39\n");
            pid++;
        }
    }

    /** Copies the model's sysfs subtree at {@code path}: readable files, write-only files, dirs. */
    private void mirror(Sysfs sysfs, String path) {
        if (!sysfs.exists(path) || path.endsWith("/vfio_ap-passthrough/devices")) {
            return;
        }
        if (sysfs.isDirectory(path)) {
            dir(path);
            for (String name : sysfs.list(path)) {
                mirror(sysfs, path + "/" + name);
            }
            return;
        }
        String name = path.substring(path.lastIndexOf('/') + 1);
        try {
            file(path, sysfs.read(path), READ_WRITE.contains(name) ? 0644 : 0444);
        } catch (SysfsException e) {
            file(path, "", 0200);
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
