package aplab.sysfs;

import aplab.ap.ApBus;
import aplab.ap.ApCard;
import aplab.ap.ApConfigInfo;
import aplab.ap.ApDriver;
import aplab.ap.ApQueue;
import aplab.ap.Apqn;
import aplab.host.Host;
import aplab.kernel.Commit;
import aplab.kernel.Errno;
import aplab.kernel.KernelException;
import aplab.vfioap.MatrixMdev;
import aplab.vfioap.VfioApOps;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * The kernel's sysfs files for the AP bus and vfio_ap, by path, over a {@link Host}: reads give
 * what the show functions print, writes go to the store functions with the kernel's errno.
 *
 * <pre>
 * /sys/bus/ap/{apmask,aqmask,ap_adapter_mask,ap_usage_domain_mask,ap_control_domain_mask,
 *              ap_max_adapter_id,ap_max_domain_id}
 * /sys/bus/ap/devices/cardXX/{config,hwtype,type,XX.YYYY/}   /sys/bus/ap/devices/XX.YYYY/{config,status}
 * /sys/bus/ap/drivers/{cex4queue,vfio_ap}/{bind,uevent,unbind,XX.YYYY/}
 * /sys/devices/vfio_ap/matrix/{features,mdev_supported_types/vfio_ap-passthrough/{available_instances,
 *     create,device_api,devices/,name},UUID/}
 * /sys/devices/vfio_ap/matrix/UUID/{assign_,unassign_}{adapter,domain,control_domain},
 *     matrix, guest_matrix, control_domains, ap_config, remove
 * </pre>
 */
public final class Sysfs {
    /** A write larger than a page reaches the store in page-sized pieces (kernfs_fop_write_iter). */
    public static final int PAGE_SIZE = 4096;

    private static final String AP = "/sys/bus/ap";
    private static final String MATRIX = "/sys/devices/vfio_ap/matrix";
    private static final String TYPE = MATRIX + "/mdev_supported_types/vfio_ap-passthrough";

    private final Host host;

    public Sysfs(Host host) {
        this.host = host;
    }

    /** A file or directory. Files have a show and/or a store. */
    private static final class Node {
        final TreeMap<String, Supplier<Node>> children;
        final Supplier<String> show;
        final Consumer<String> store;

        private Node(TreeMap<String, Supplier<Node>> children, Supplier<String> show, Consumer<String> store) {
            this.children = children;
            this.show = show;
            this.store = store;
        }

        static Node dir(Map<String, Supplier<Node>> children) {
            return new Node(new TreeMap<>(children), null, null);
        }

        static Node ro(Supplier<String> show) {
            return new Node(null, show, null);
        }

        static Node wo(Consumer<String> store) {
            return new Node(null, null, store);
        }

        static Node rw(Supplier<String> show, Consumer<String> store) {
            return new Node(null, show, store);
        }

        boolean isDir() {
            return children != null;
        }
    }

    // ---------------------------------------------------------------- tree

    private Node root() {
        Map<String, Supplier<Node>> sys = new TreeMap<>();
        // the matrix device sits on the "matrix" bus too: /sys/bus/matrix/devices/matrix
        Supplier<Node> matrixBus = () -> Node.dir(Map.of("devices", () -> Node.dir(Map.of("matrix", this::matrixDevice))));
        sys.put("bus", () -> Node.dir(Map.of("ap", this::apBus, "matrix", matrixBus)));
        sys.put("devices", () -> Node.dir(Map.of("vfio_ap", () -> Node.dir(Map.of("matrix", this::matrixDevice)))));
        return Node.dir(Map.of("sys", () -> Node.dir(sys)));
    }

    private Node apBus() {
        ApBus bus = host.bus();
        Map<String, Supplier<Node>> c = new TreeMap<>();
        c.put("apmask", () -> Node.rw(() -> bus.apmask().toHex() + "\n", bus::apmaskStore));
        c.put("aqmask", () -> Node.rw(() -> bus.aqmask().toHex() + "\n", bus::aqmaskStore));
        c.put("ap_adapter_mask", () -> Node.ro(() -> bus.qci().apm().toHex() + "\n"));
        c.put("ap_usage_domain_mask", () -> Node.ro(() -> bus.qci().aqm().toHex() + "\n"));
        c.put("ap_control_domain_mask", () -> Node.ro(() -> bus.qci().adm().toHex() + "\n"));
        c.put("ap_max_adapter_id", () -> Node.ro(() -> bus.qci().busMaxAdapterId() + "\n"));
        c.put("ap_max_domain_id", () -> Node.ro(() -> bus.qci().busMaxDomainId() + "\n"));
        c.put("devices", this::apDevices);
        c.put("drivers", () -> {
            Map<String, Supplier<Node>> d = new TreeMap<>();
            for (ApDriver drv : bus.drivers()) {
                d.put(drv.name(), () -> driverDir(drv));
            }
            return Node.dir(d);
        });
        return Node.dir(c);
    }

    private Node apDevices() {
        Map<String, Supplier<Node>> c = new TreeMap<>();
        for (ApCard card : host.bus().cards().values()) {
            c.put(card.name(), () -> cardDir(card));
        }
        for (ApQueue q : host.bus().queues().values()) {
            c.put(q.name(), () -> queueDir(q));
        }
        return Node.dir(c);
    }

    private Node cardDir(ApCard card) {
        Map<String, Supplier<Node>> c = new TreeMap<>();
        c.put("config", () -> Node.rw(() -> (card.config() ? "1" : "0") + "\n",
                buf -> host.bus().cardConfigStore(card.apid(), buf)));
        c.put("hwtype", () -> Node.ro(() -> card.type().hwtype() + "\n"));
        c.put("type", () -> Node.ro(() -> card.type() + "\n"));
        for (ApQueue q : host.bus().queues().subMap(new Apqn(card.apid(), 0), true, new Apqn(card.apid(), 255), true).values()) {
            c.put(q.name(), () -> queueDir(q));
        }
        return Node.dir(c);
    }

    private Node queueDir(ApQueue q) {
        Map<String, Supplier<Node>> c = new TreeMap<>();
        c.put("config", () -> Node.ro(() -> (q.config() ? "1" : "0") + "\n"));
        VfioApOps vfio = host.vfioAp();
        if (q.driver() == vfio) { // the status attribute came in 5.17
            c.put("status", () -> Node.ro(() -> vfio.queueStatusShow(q)));
        }
        return Node.dir(c);
    }

    private Node driverDir(ApDriver drv) {
        Map<String, Supplier<Node>> c = new TreeMap<>();
        c.put("bind", () -> Node.wo(buf -> host.bus().bind(drv.name(), buf)));
        c.put("unbind", () -> Node.wo(buf -> host.bus().unbind(drv.name(), buf)));
        c.put("uevent", () -> Node.wo(buf -> { }));
        for (ApQueue q : host.bus().queues().values()) {
            if (q.driver() == drv) {
                c.put(q.name(), () -> queueDir(q));
            }
        }
        return Node.dir(c);
    }

    private Node matrixDevice() {
        VfioApOps vfio = host.vfioAp();
        Map<String, Supplier<Node>> c = new TreeMap<>();
        if (host.version().has(Commit.FEATURES_ATTR)) {
            c.put("features", () -> Node.ro(vfio::featuresShow));
        }
        c.put("mdev_supported_types", () -> Node.dir(Map.of("vfio_ap-passthrough", this::mdevType)));
        for (MatrixMdev m : vfio.mdevs()) {
            c.put(m.uuid(), () -> mdevDir(m));
        }
        return Node.dir(c);
    }

    private Node mdevType() {
        VfioApOps vfio = host.vfioAp();
        Map<String, Supplier<Node>> c = new TreeMap<>();
        c.put("available_instances", () -> Node.ro(vfio::availableInstancesShow));
        c.put("create", () -> Node.wo(vfio::mdevCreate));
        c.put("device_api", () -> Node.ro(() -> "vfio-ap\n"));
        c.put("name", () -> Node.ro(() -> "VFIO AP Passthrough Device\n"));
        c.put("devices", () -> {
            Map<String, Supplier<Node>> d = new TreeMap<>();
            for (MatrixMdev m : vfio.mdevs()) {
                d.put(m.uuid(), () -> mdevDir(m));
            }
            return Node.dir(d);
        });
        return Node.dir(c);
    }

    private Node mdevDir(MatrixMdev m) {
        VfioApOps vfio = host.vfioAp();
        Map<String, Supplier<Node>> c = new TreeMap<>();
        c.put("assign_adapter", () -> Node.wo(buf -> vfio.assignAdapter(m, buf)));
        c.put("unassign_adapter", () -> Node.wo(buf -> vfio.unassignAdapter(m, buf)));
        c.put("assign_domain", () -> Node.wo(buf -> vfio.assignDomain(m, buf)));
        c.put("unassign_domain", () -> Node.wo(buf -> vfio.unassignDomain(m, buf)));
        c.put("assign_control_domain", () -> Node.wo(buf -> vfio.assignControlDomain(m, buf)));
        c.put("unassign_control_domain", () -> Node.wo(buf -> vfio.unassignControlDomain(m, buf)));
        c.put("matrix", () -> Node.ro(() -> vfio.matrixShow(m)));
        c.put("control_domains", () -> Node.ro(() -> vfio.controlDomainsShow(m)));
        if (host.version().has(Commit.GUEST_MATRIX_ATTR)) {
            c.put("guest_matrix", () -> Node.ro(() -> vfio.guestMatrixShow(m)));
        }
        if (host.version().has(Commit.AP_CONFIG_ATTR)) {
            c.put("ap_config", () -> Node.rw(() -> vfio.apConfigShow(m), buf -> vfio.apConfigStore(m, buf)));
        }
        c.put("remove", () -> Node.wo(buf -> vfio.mdevRemove(m, buf)));
        return Node.dir(c);
    }

    // ---------------------------------------------------------------- paths

    /** An absolute, normalised path ("." and ".." resolved, no trailing slash). */
    public static String normalize(String cwd, String path) {
        String full = path.startsWith("/") ? path : cwd + "/" + path;
        List<String> parts = new ArrayList<>();
        for (String p : full.split("/")) {
            if (p.isEmpty() || p.equals(".")) {
                continue;
            }
            if (p.equals("..")) {
                if (!parts.isEmpty()) {
                    parts.remove(parts.size() - 1);
                }
            } else {
                parts.add(p);
            }
        }
        return "/" + String.join("/", parts);
    }

    private Node resolve(String path) {
        Node n = root();
        for (String p : normalize("/", path).split("/")) {
            if (p.isEmpty()) {
                continue;
            }
            if (!n.isDir()) {
                throw new SysfsException(Errno.ENOTDIR, SysfsException.Phase.OPEN);
            }
            Supplier<Node> child = n.children.get(p);
            if (child == null) {
                throw new SysfsException(Errno.ENOENT, SysfsException.Phase.OPEN);
            }
            n = child.get();
        }
        return n;
    }

    public boolean exists(String path) {
        try {
            resolve(path);
            return true;
        } catch (SysfsException e) {
            return false;
        }
    }

    public boolean isDirectory(String path) {
        try {
            return resolve(path).isDir();
        } catch (SysfsException e) {
            return false;
        }
    }

    /** The entries of a directory, sorted. */
    public List<String> list(String path) {
        Node n = resolve(path);
        if (!n.isDir()) {
            throw new SysfsException(Errno.ENOTDIR, SysfsException.Phase.OPEN);
        }
        return new ArrayList<>(n.children.keySet());
    }

    /** What {@code cat PATH} prints. */
    public String read(String path) {
        Node n = resolve(path);
        if (n.isDir()) {
            throw new SysfsException(Errno.EISDIR, SysfsException.Phase.IO);
        }
        if (n.show == null) {
            throw new SysfsException(Errno.EACCES, SysfsException.Phase.OPEN);
        }
        try {
            return n.show.get();
        } catch (KernelException e) {
            throw new SysfsException(e.errno(), SysfsException.Phase.IO);
        }
    }

    /**
     * A write of {@code data} to the attribute, as a shell redirection does it: open (ENOENT,
     * EACCES; a new name in an existing directory is EACCES, sysfs creates no files), then the
     * bytes in page-sized pieces, each one store call; the first refusal ends the write. An empty
     * write calls nothing.
     */
    public void write(String path, String data) {
        Node n;
        try {
            n = resolve(path);
        } catch (SysfsException e) {
            if (e.errno() == Errno.ENOENT && isDirectory(parent(path))) {
                throw new SysfsException(Errno.EACCES, SysfsException.Phase.OPEN);
            }
            throw e;
        }
        if (n.isDir()) {
            throw new SysfsException(Errno.EISDIR, SysfsException.Phase.OPEN);
        }
        if (n.store == null) {
            throw new SysfsException(Errno.EACCES, SysfsException.Phase.OPEN);
        }
        for (int off = 0; off < data.length(); off += PAGE_SIZE) {
            String piece = data.substring(off, Math.min(data.length(), off + PAGE_SIZE));
            try {
                n.store.accept(piece);
            } catch (KernelException e) {
                throw new SysfsException(e.errno(), SysfsException.Phase.IO);
            }
        }
    }

    private static String parent(String path) {
        String p = normalize("/", path);
        int i = p.lastIndexOf('/');
        return i <= 0 ? "/" : p.substring(0, i);
    }

    /** The host's QCI, for callers that format it. */
    public ApConfigInfo qci() {
        return host.bus().qci();
    }
}
