package aplab.sysfs;

import aplab.ap.ApBus;
import aplab.ap.ApBusAttributes;
import aplab.ap.ApCard;
import aplab.ap.ApConfigInfo;
import aplab.ap.ApDriver;
import aplab.ap.ApQueue;
import aplab.ap.Apqn;
import aplab.ap.CardType;
import aplab.ap.Cex4QueueDriver;
import aplab.host.Host;
import aplab.kernel.Commit;
import aplab.kernel.Errno;
import aplab.kernel.KernelException;
import aplab.kernel.Kernel;
import aplab.kernel.Kstrtox;
import aplab.snapshot.SysfsTree;
import aplab.vfioap.MatrixMdev;
import aplab.vfioap.VfioApOps;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Locale;
import java.util.TreeMap;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The kernel's sysfs for the AP bus, zcrypt, vfio_ap and the mdev core, by path, over a
 * {@link Host}, in the layout a real s390 host has: the devices live under {@code /sys/devices},
 * the bus, driver and class directories hold symbolic links into it. Reads give what the show
 * functions print, writes go to the store functions with the kernel's errno. The transcript shell,
 * {@code lszcrypt}, snapshots and the {@code --sysfs-image} export all read this one tree
 * ({@link #tree()}).
 *
 * <pre>
 * /sys/devices/ap/cardXX/{type,hwtype,raw_hwtype,ap_functions,depth,online,config,chkstop,
 *     request_count,requestq_count,pendingq_count,load,modalias,serialnr (CCA, EP11),uevent,
 *     driver -&gt; cex4card, subsystem -&gt; ap}        (ap_card.c, zcrypt_card.c, zcrypt_cex4.c)
 * /sys/devices/ap/cardXX/XX.YYYY/{config,chkstop,ap_functions,request_count,requestq_count,
 *     pendingq_count,online+load (bound to cex4queue),status (bound to vfio_ap),uevent,
 *     driver -&gt; ...,subsystem -&gt; ap}                (ap_queue.c, zcrypt_queue.c, vfio_ap_drv.c)
 * /sys/bus/ap/{apmask,aqmask,ap_adapter_mask,ap_usage_domain_mask,ap_control_domain_mask,
 *     ap_max_adapter_id,ap_max_domain_id,ap_domain,ap_interrupts,config_time,poll_thread,
 *     poll_timeout,scans,bindings,features,drivers_autoprobe,drivers_probe,uevent}
 * /sys/bus/ap/devices/{cardXX,XX.YYYY} -&gt; ../../../devices/ap/cardXX[/XX.YYYY]
 * /sys/bus/ap/drivers/{cex4card,cex4queue,vfio_ap}/{bind,uevent,unbind,DEVICE -&gt; ...}
 * /sys/devices/vfio_ap/matrix/{features,driver,subsystem,uevent,mdev_supported_types/
 *     vfio_ap-passthrough/{available_instances,create,device_api,name,devices/UUID -&gt; ...},UUID/}
 * /sys/devices/vfio_ap/matrix/UUID/{assign_,unassign_}{adapter,domain,control_domain},
 *     matrix, guest_matrix, control_domains, ap_config, remove, uevent,
 *     mdev_type, driver, iommu_group, subsystem (links)
 * /sys/bus/matrix/{devices/matrix,drivers/vfio_ap/matrix}, /sys/bus/mdev/{devices,drivers/vfio_ap_mdev}/UUID,
 * /sys/class/mdev_bus/matrix, /sys/kernel/iommu_groups/N/devices/UUID (links)
 * </pre>
 *
 * <p>Each access resolves its path once, following links as the VFS does (a write that opened an
 * attribute stores into that attribute even if its mdev is removed and re-created meanwhile).
 * Lookups go by name, so an access costs the same on a host with 65,536 queues as on one with 4.
 */
public final class Sysfs {
    /** A write larger than a page reaches the store in page-sized pieces (kernfs_fop_write_iter). */
    public static final int PAGE_SIZE = 4096;

    private static final String MATRIX = "/sys/devices/vfio_ap/matrix";

    private final Host host;

    public Sysfs(Host host) {
        this.host = host;
    }

    // ---------------------------------------------------------------- nodes

    /** A directory, an attribute file or a symbolic link. */
    public sealed interface Node permits Dir, Attr, Link {
    }

    /** An attribute: its show and/or store and its mode bits (0444, 0644, 0200). */
    public record Attr(Supplier<String> show, Consumer<String> store, int mode) implements Node {
    }

    /** A symbolic link, its target as {@code readlink} prints it. */
    public record Link(String target) implements Node {
    }

    /** A directory: fixed entries, plus entries looked up by name (devices, mdevs). */
    public static final class Dir implements Node {
        // two arrays searched in order: a directory has a few dozen fixed entries at most, and a
        // copied host's sysfs builds the directories on its paths again, so building is what costs
        private String[] names = new String[8];
        @SuppressWarnings("unchecked")
        private Supplier<Node>[] children = new Supplier[8];
        private int size;
        private Function<String, Node> dynamic = n -> null;
        private Supplier<List<String>> dynamicNames = List::of;

        Dir put(String name, Supplier<Node> child) {
            for (int i = 0; i < size; i++) {
                if (names[i].equals(name)) {
                    children[i] = child;
                    return this;
                }
            }
            if (size == names.length) {
                names = java.util.Arrays.copyOf(names, size * 2);
                children = java.util.Arrays.copyOf(children, size * 2);
            }
            names[size] = name;
            children[size++] = child;
            return this;
        }

        /**
         * A subdirectory whose entries do not depend on the host's state when it is built (only on
         * the kernel and the registered drivers; what changes is looked up when read): built on
         * the first walk through it, then kept.
         */
        Dir putDir(String name, Supplier<Dir> child) {
            return put(name, new Built(child));
        }

        private Supplier<Node> fixed(String name) {
            for (int i = 0; i < size; i++) {
                if (names[i].equals(name)) {
                    return children[i];
                }
            }
            return null;
        }

        Dir dynamic(Function<String, Node> lookup, Supplier<List<String>> names) {
            this.dynamic = lookup;
            this.dynamicNames = names;
            return this;
        }

        /** The entry with that name, or null. */
        public Node child(String name) {
            Supplier<Node> s = fixed(name);
            return s != null ? s.get() : dynamic.apply(name);
        }

        /** The entry names, sorted. */
        public List<String> names() {
            List<String> dyn = dynamicNames.get();
            if (dyn.isEmpty()) {
                List<String> sorted = new ArrayList<>(java.util.Arrays.asList(names).subList(0, size));
                sorted.sort(null);
                return sorted;
            }
            TreeMap<String, Boolean> all = new TreeMap<>();
            for (int i = 0; i < size; i++) {
                all.put(names[i], true);
            }
            dyn.forEach(k -> all.put(k, true));
            return new ArrayList<>(all.keySet());
        }
    }

    /** A subdirectory built once (a race may build it twice; either copy is the same tree). */
    private static final class Built implements Supplier<Node> {
        private final Supplier<Dir> build;
        private volatile Dir dir;

        Built(Supplier<Dir> build) {
            this.build = build;
        }

        @Override
        public Node get() {
            Dir d = dir;
            if (d == null) {
                d = build.get();
                dir = d;
            }
            return d;
        }
    }

    /**
     * Directories of devices, one per name, each kept with the device object it was built for: a
     * device whose entries depend only on that object and the kernel (what changes is read when an
     * attribute is shown or stored) has its directory built once; a device removed and created
     * again under the same name is a new object and gets a new directory.
     */
    private static final class Kept<K, D> {
        private record Entry<D>(D device, Dir dir) {
        }

        private final java.util.concurrent.ConcurrentHashMap<K, Entry<D>> byName = new java.util.concurrent.ConcurrentHashMap<>();

        Dir get(K name, D device, Function<D, Dir> build) {
            Entry<D> e = byName.get(name);
            if (e == null || e.device() != device) {
                e = new Entry<>(device, build.apply(device));
                byName.put(name, e);
            }
            return e.dir();
        }
    }

    private static Supplier<Node> ro(Supplier<String> show) {
        return () -> new Attr(show, null, 0444);
    }

    private static Supplier<Node> rw(Supplier<String> show, Consumer<String> store) {
        return () -> new Attr(show, store, 0644);
    }

    private static Supplier<Node> wo(Consumer<String> store) {
        return () -> new Attr(null, store, 0200);
    }

    private static Supplier<Node> link(String target) {
        return () -> new Link(target);
    }

    private static Supplier<Node> text(String s) {
        return ro(() -> s);
    }

    private static final Consumer<String> UEVENT = buf -> {
        // uevent_store: an action name (add, change, ...) synthesises an event; the model has no
        // listeners, so any write is accepted as the kernel accepts a known action
    };

    // ---------------------------------------------------------------- the tree

    /** The tree's root, built on the first walk (its directories are {@link Dir#putDir built once}). */
    private volatile Dir root;

    private Dir root() {
        Dir r = root;
        if (r == null) {
            r = buildRoot();
            root = r;
        }
        return r;
    }

    private Dir buildRoot() {
        Dir sys = new Dir()
                .putDir("bus", () -> new Dir()
                        .putDir("ap", this::apBus)
                        .putDir("matrix", () -> new Dir()
                                .putDir("devices", () -> new Dir().put("matrix", link("../../../devices/vfio_ap/matrix")))
                                .putDir("drivers", () -> new Dir().putDir("vfio_ap", () -> driverDir(
                                        () -> List.of("matrix"), n -> n.equals("matrix") ? "../../../../devices/vfio_ap/matrix" : null))))
                        .putDir("mdev", this::mdevBus))
                .putDir("class", () -> new Dir().putDir("mdev_bus", () -> new Dir().put("matrix", link("../../devices/vfio_ap/matrix"))))
                .putDir("devices", () -> new Dir()
                        .putDir("ap", this::apRoot)
                        .putDir("vfio_ap", () -> new Dir().putDir("matrix", this::matrixDevice)))
                .putDir("kernel", () -> new Dir().putDir("iommu_groups", this::iommuGroups));
        return new Dir().putDir("sys", () -> sys);
    }

    private Kernel version() {
        return host.version();
    }

    /** The bus {@code features} attribute and the queues' {@code ap_functions}: 6.12 has them, 6.1 not. */
    private boolean busFeatures() {
        return version().has(Commit.AP_BUS_FEATURES);
    }

    /**
     * {@code depth}: 6.12 shows the queue depth (TAPQ's qd + 1), 6.1 the raw qd, which is why
     * s390-tools 2.41 stopped adding one.
     */
    private boolean depthIsQdPlusOne() {
        return version().has(Commit.AP_BUS_FEATURES);
    }

    private Dir apBus() {
        ApBus bus = host.bus();
        ApBusAttributes a = bus.attributes();
        Dir d = new Dir();
        d.put("apmask", rw(() -> bus.apmask().toHex() + "\n", bus::apmaskStore));
        d.put("aqmask", rw(() -> bus.aqmask().toHex() + "\n", bus::aqmaskStore));
        d.put("ap_adapter_mask", ro(() -> bus.qci().apm().toHex() + "\n"));
        d.put("ap_usage_domain_mask", ro(() -> bus.qci().aqm().toHex() + "\n"));
        d.put("ap_control_domain_mask", ro(() -> bus.qci().adm().toHex() + "\n"));
        d.put("ap_max_adapter_id", ro(() -> bus.maxAdapterId() + "\n"));
        d.put("ap_max_domain_id", ro(() -> bus.maxDomainId() + "\n"));
        d.put("ap_domain", rw(() -> a.domainIndex() + "\n", bus::apDomainStore));
        d.put("ap_interrupts", text("1\n"));
        d.put("config_time", rw(() -> a.configTime() + "\n", a::configTimeStore));
        d.put("poll_thread", rw(() -> (a.pollThread() ? 1 : 0) + "\n", a::pollThreadStore));
        d.put("poll_timeout", rw(() -> Long.toUnsignedString(a.pollTimeout()) + "\n", a::pollTimeoutStore));
        d.put("scans", rw(() -> a.scans() + "\n", buf -> bus.forceRescan()));
        d.put("bindings", ro(this::bindingsShow));
        if (busFeatures()) {
            d.put("features", ro(() -> bus.qci().features() + "\n"));
        }
        d.put("drivers_autoprobe", rw(() -> "1\n", buf -> { }));
        d.put("drivers_probe", wo(buf -> { }));
        d.put("uevent", wo(UEVENT));
        d.putDir("devices", () -> new Dir().dynamic(this::busDeviceLink, this::busDeviceNames));
        d.putDir("drivers", () -> {
            Dir drv = new Dir();
            drv.putDir("cex4card", () -> driverDir(this::cardNames,
                    n -> card(n) == null ? null : "../../../../devices/ap/" + n));
            for (ApDriver x : bus.drivers()) {
                drv.putDir(x.name(), () -> queueDriverDir(x));
            }
            return drv;
        });
        return d;
    }

    /** bindings_show: bound/all queue devices, "(complete)" once a scan ran and all are bound. */
    private String bindingsShow() {
        int apqns = 0;
        int bound = 0;
        for (ApQueue q : host.bus().queues().values()) {
            apqns++;
            if (q.driver() != null) {
                bound++;
            }
        }
        boolean complete = host.bus().attributes().scans() >= 1 && bound == apqns;
        return bound + "/" + apqns + (complete ? " (complete)" : "") + "\n";
    }

    private ApCard card(String name) {
        if (name.length() != 6 || !name.startsWith("card") || hexDigit(name.charAt(4)) < 0 || hexDigit(name.charAt(5)) < 0) {
            return null; // not card[0-9a-f]{2}
        }
        ApCard c = host.bus().cards().get(Integer.parseInt(name.substring(4), 16));
        return c != null && c.name().equals(name) ? c : null;
    }

    private static int hexDigit(char ch) {
        return ch >= '0' && ch <= '9' ? ch - '0' : ch >= 'a' && ch <= 'f' ? ch - 'a' + 10 : -1;
    }

    private ApQueue queue(String name) {
        Apqn apqn = Apqn.parse(name);
        return apqn == null ? null : host.bus().queue(apqn);
    }

    private List<String> cardNames() {
        List<String> out = new ArrayList<>();
        for (ApCard c : host.bus().cards().values()) {
            out.add(c.name());
        }
        return out;
    }

    private List<String> busDeviceNames() {
        List<String> out = cardNames();
        for (ApQueue q : host.bus().queues().values()) {
            out.add(q.name());
        }
        return out;
    }

    private Node busDeviceLink(String name) {
        if (card(name) != null) {
            return new Link("../../../devices/ap/" + name);
        }
        ApQueue q = queue(name);
        return q == null ? null : new Link("../../../devices/ap/" + q.card().name() + "/" + name);
    }

    /** A driver's directory: bind, unbind, uevent, and a link per bound device. */
    private Dir driverDir(Supplier<List<String>> devices, Function<String, String> target) {
        Dir d = new Dir();
        d.put("bind", wo(buf -> { }));
        d.put("unbind", wo(buf -> { }));
        d.put("uevent", wo(UEVENT));
        d.dynamic(n -> {
            String t = target.apply(n);
            return t == null ? null : new Link(t);
        }, devices);
        return d;
    }

    private Dir queueDriverDir(ApDriver drv) {
        ApBus bus = host.bus();
        Dir d = new Dir();
        d.put("bind", wo(buf -> bus.bind(drv.name(), buf)));
        d.put("unbind", wo(buf -> bus.unbind(drv.name(), buf)));
        d.put("uevent", wo(UEVENT));
        d.dynamic(n -> {
            ApQueue q = queue(n);
            return q == null || q.driver() != drv ? null
                    : new Link("../../../../devices/ap/" + q.card().name() + "/" + n);
        }, () -> {
            List<String> out = new ArrayList<>();
            for (ApQueue q : bus.queues().values()) {
                if (q.driver() == drv) {
                    out.add(q.name());
                }
            }
            return out;
        });
        return d;
    }

    // ---------------------------------------------------------------- /sys/devices/ap

    private Dir apRoot() {
        Dir d = new Dir();
        d.put("uevent", wo(UEVENT));
        d.dynamic(n -> {
            ApCard c = card(n);
            return c == null ? null : cachedCardDir(c);
        }, this::cardNames);
        return d;
    }

    /**
     * ap_functions of an idle card of that mode (the model has no TAPQ): CCA S, D, N, F; EP11 X, N,
     * F; accelerator M, C, A, N; N (APXA) only with APXA.
     */
    public static long apFunctions(CardType type, boolean apxa) {
        long f = switch (type.mode()) {
            case 'A' -> 0x40000000L | 0x20000000L | 0x08000000L | 0x02000000L;
            case 'P' -> 0x04000000L | 0x02000000L | 0x00800000L;
            default -> 0x80000000L | 0x10000000L | 0x02000000L | 0x00800000L;
        };
        return apxa ? f : f & ~0x02000000L;
    }

    /** The queue depth TAPQ reports (qd) for the model's cards: 7, an eight-deep queue. */
    public static final int QD = 7;

    /** Card directories by APID (see {@link Kept}): a card's entries depend on the card object (its type is final). */
    private final Kept<Integer, ApCard> cardDirs = new Kept<>();

    private Dir cachedCardDir(ApCard c) {
        return cardDirs.get(c.apid(), c, this::cardDir);
    }

    private Dir cardDir(ApCard c) {
        ApBus bus = host.bus();
        CardType t = c.type();
        Dir d = new Dir();
        // ap_card.c
        d.put("hwtype", text(t.hwtype() + "\n"));
        d.put("raw_hwtype", text(t.hwtype() + "\n"));
        d.put("depth", text((depthIsQdPlusOne() ? QD + 1 : QD) + "\n"));
        d.put("ap_functions", ro(() -> String.format(Locale.ROOT, "0x%08X%n", apFunctions(t, bus.qci().apxa()))));
        d.put("request_count", rw(() -> "0\n", buf -> { }));
        d.put("requestq_count", text("0\n"));
        d.put("pendingq_count", text("0\n"));
        d.put("modalias", text(String.format(Locale.ROOT, "ap:t%02X%n", t.hwtype())));
        d.put("config", rw(() -> (c.config() ? "1" : "0") + "\n", buf -> bus.cardConfigStore(c.apid(), buf)));
        d.put("chkstop", ro(() -> (c.chkstop() ? "1" : "0") + "\n"));
        // ac->maxmsgsize: TAPQ's ml field times 4096, or AP_DEFAULT_MAX_MSG_SIZE (12 KiB) when ml is
        // 0, as the model's TAPQ reports it
        d.put("max_msg_size", text("12288\n"));
        // zcrypt_card.c: the card is bound to cex4card
        d.put("type", text(t + "\n"));
        d.put("online", rw(() -> (c.config() && !c.chkstop() && c.zcryptOnline() ? "1" : "0") + "\n",
                buf -> cardOnlineStore(c, buf)));
        d.put("load", text("0\n"));
        // zcrypt_cex4.c: serialnr for CCA and EP11 cards (the model's own serial numbers)
        if (t.mode() == 'C') {
            d.put("serialnr", text(String.format(Locale.ROOT, "APLAB%03X%n", c.apid())));
        } else if (t.mode() == 'P') {
            d.put("serialnr", text(String.format(Locale.ROOT, "APLAB%011X%n", c.apid())));
        }
        d.put("uevent", wo(UEVENT));
        d.put("driver", link("../../../bus/ap/drivers/cex4card"));
        d.put("subsystem", link("../../../bus/ap"));
        String prefix = String.format(Locale.ROOT, "%02x.", c.apid());
        d.dynamic(n -> {
            if (!n.startsWith(prefix)) {
                return null;
            }
            ApQueue q = queue(n);
            return q == null ? null : queueDir(q);
        }, () -> {
            List<String> out = new ArrayList<>();
            for (ApQueue q : bus.queues().subMap(new Apqn(c.apid(), 0), true, new Apqn(c.apid(), 255), true).values()) {
                out.add(q.name());
            }
            return out;
        });
        return d;
    }

    /**
     * zcrypt_card.c online_store: {@code sscanf("%d")} of 0 or 1, else EINVAL; ENODEV to set a
     * deconfigured or check-stopped card online; the card's zcrypt queues follow
     * (zcrypt_queue_force_online).
     */
    private void cardOnlineStore(ApCard c, String buf) {
        Long v = Kstrtox.sscanfInt(buf);
        if (v == null || v < 0 || v > 1) {
            throw new KernelException(Errno.EINVAL);
        }
        boolean online = v == 1;
        if (online && (!c.config() || c.chkstop())) {
            throw new KernelException(Errno.ENODEV);
        }
        c.setZcryptOnline(online);
        for (ApQueue q : host.bus().queues().subMap(new Apqn(c.apid(), 0), true, new Apqn(c.apid(), 255), true).values()) {
            if (q.drvdata() instanceof Cex4QueueDriver.ZcryptQueue zq) {
                zq.setOnline(online);
            }
        }
    }

    /**
     * zcrypt_queue.c online_store: EINVAL unless 0 or 1; ENODEV to set a queue of a deconfigured
     * or check-stopped card online; EINVAL while its card is offline.
     */
    private static void queueOnlineStore(ApQueue q, Cex4QueueDriver.ZcryptQueue zq, String buf) {
        Long v = Kstrtox.sscanfInt(buf);
        if (v == null || v < 0 || v > 1) {
            throw new KernelException(Errno.EINVAL);
        }
        boolean online = v == 1;
        if (online && (!q.config() || !q.card().config() || q.card().chkstop())) {
            throw new KernelException(Errno.ENODEV);
        }
        if (online && !q.card().zcryptOnline()) {
            throw new KernelException(Errno.EINVAL);
        }
        zq.setOnline(online);
    }

    private Dir queueDir(ApQueue q) {
        ApBus bus = host.bus();
        Dir d = new Dir();
        // ap_queue.c: request_count shows "-" while the queue is uninitiated, the others 0
        d.put("request_count", rw(() -> q.initiated() ? "0\n" : "-\n", buf -> { }));
        d.put("requestq_count", text("0\n"));
        d.put("pendingq_count", text("0\n"));
        d.put("reset", rw(q::resetShow, buf -> q.resetStore()));
        d.put("interrupt", ro(q::interruptShow));
        d.put("config", ro(() -> (q.config() ? "1" : "0") + "\n"));
        d.put("chkstop", ro(() -> (q.card().chkstop() ? "1" : "0") + "\n"));
        // se_bind and se_associate exist only in a Secure Execution guest (ap_queue_create:
        // ap_is_se_guest()); states and last_err_rc only with CONFIG_AP_DEBUG: a host has neither
        if (busFeatures()) {
            d.put("ap_functions", ro(() -> String.format(Locale.ROOT, "0x%08X%n", apFunctions(q.card().type(), bus.qci().apxa()))));
        }
        d.put("uevent", wo(UEVENT));
        d.put("subsystem", link("../../../../bus/ap"));
        ApDriver drv = q.driver();
        if (drv != null) {
            d.put("driver", link("../../../../bus/ap/drivers/" + drv.name()));
        }
        if (q.drvdata() instanceof Cex4QueueDriver.ZcryptQueue zq) {
            d.put("online", rw(() -> (q.config() && !q.card().chkstop() && zq.online() ? "1" : "0") + "\n",
                    buf -> queueOnlineStore(q, zq, buf)));
            d.put("load", text("0\n"));
        }
        VfioApOps vfio = host.vfioAp();
        if (drv == vfio) { // vfio_ap_drv.c: the status attribute (5.17 and later)
            d.put("status", ro(() -> vfio.queueStatusShow(q)));
        }
        return d;
    }

    // ---------------------------------------------------------------- vfio_ap and mdev

    private List<String> mdevNames() {
        List<String> out = new ArrayList<>();
        for (MatrixMdev m : host.vfioAp().mdevs()) {
            out.add(m.uuid());
        }
        out.sort(null);
        return out;
    }

    private MatrixMdev mdev(String name) {
        MatrixMdev m = host.vfioAp().mdev(name);
        return m != null && m.uuid().equals(name) ? m : null;
    }

    /**
     * The mdev's IOMMU group (vfio_register_emulated_iommu_dev): the model numbers the groups of
     * the mdevs that exist in UUID order from 0.
     */
    private int iommuGroup(MatrixMdev m) {
        return mdevNames().indexOf(m.uuid());
    }

    private Dir mdevBus() {
        return new Dir()
                .putDir("devices", () -> new Dir().dynamic(
                        n -> mdev(n) == null ? null : new Link("../../../devices/vfio_ap/matrix/" + n), this::mdevNames))
                .putDir("drivers", () -> new Dir().putDir("vfio_ap_mdev", () -> driverDir(this::mdevNames,
                        n -> mdev(n) == null ? null : "../../../../devices/vfio_ap/matrix/" + n)))
                .put("drivers_autoprobe", rw(() -> "1\n", buf -> { }))
                .put("drivers_probe", wo(buf -> { }))
                .put("uevent", wo(UEVENT));
    }

    private Dir iommuGroups() {
        return new Dir().dynamic(n -> {
            List<String> names = mdevNames();
            if (!n.matches("0|[1-9][0-9]{0,5}") || Integer.parseInt(n) >= names.size()) {
                return null;
            }
            String uuid = names.get(Integer.parseInt(n));
            return new Dir()
                    .put("devices", () -> new Dir().put(uuid, link("../../../../devices/vfio_ap/matrix/" + uuid)))
                    .put("reserved_regions", text(""))
                    .put("type", text("blocked\n"));
        }, () -> {
            List<String> out = new ArrayList<>();
            for (int i = 0; i < mdevNames().size(); i++) {
                out.add(String.valueOf(i));
            }
            return out;
        });
    }

    private Dir matrixDevice() {
        VfioApOps vfio = host.vfioAp();
        Dir d = new Dir();
        if (version().has(Commit.FEATURES_ATTR)) {
            d.put("features", ro(vfio::featuresShow));
        }
        d.putDir("mdev_supported_types", () -> new Dir().putDir("vfio_ap-passthrough", this::mdevType));
        d.put("driver", link("../../../bus/matrix/drivers/vfio_ap"));
        d.put("subsystem", link("../../../bus/matrix"));
        d.put("uevent", rw(() -> "DRIVER=vfio_ap\n", UEVENT));
        d.dynamic(n -> {
            MatrixMdev m = mdev(n);
            return m == null ? null : cachedMdevDir(m);
        }, this::mdevNames);
        return d;
    }

    private Dir mdevType() {
        VfioApOps vfio = host.vfioAp();
        return new Dir()
                .put("available_instances", ro(vfio::availableInstancesShow))
                .put("create", wo(vfio::mdevCreate))
                .put("device_api", text("vfio-ap\n"))
                .put("name", text("VFIO AP Passthrough Device\n"))
                .putDir("devices", () -> new Dir().dynamic(n -> mdev(n) == null ? null : new Link("../../../" + n), this::mdevNames));
    }

    /** Mdev directories by UUID (see {@link Kept}): an mdev's entries depend only on the mdev object. */
    private final Kept<String, MatrixMdev> mdevDirs = new Kept<>();

    private Dir cachedMdevDir(MatrixMdev m) {
        return mdevDirs.get(m.uuid(), m, this::mdevDir);
    }

    private Dir mdevDir(MatrixMdev m) {
        VfioApOps vfio = host.vfioAp();
        Dir d = new Dir();
        d.put("assign_adapter", wo(buf -> vfio.assignAdapter(m, buf)));
        d.put("unassign_adapter", wo(buf -> vfio.unassignAdapter(m, buf)));
        d.put("assign_domain", wo(buf -> vfio.assignDomain(m, buf)));
        d.put("unassign_domain", wo(buf -> vfio.unassignDomain(m, buf)));
        d.put("assign_control_domain", wo(buf -> vfio.assignControlDomain(m, buf)));
        d.put("unassign_control_domain", wo(buf -> vfio.unassignControlDomain(m, buf)));
        d.put("matrix", ro(() -> vfio.matrixShow(m)));
        d.put("control_domains", ro(() -> vfio.controlDomainsShow(m)));
        if (version().has(Commit.GUEST_MATRIX_ATTR)) {
            d.put("guest_matrix", ro(() -> vfio.guestMatrixShow(m)));
        }
        if (version().has(Commit.AP_CONFIG_ATTR)) {
            d.put("ap_config", rw(() -> vfio.apConfigShow(m), buf -> vfio.apConfigStore(m, buf)));
        }
        d.put("remove", wo(buf -> vfio.mdevRemove(m, buf))); // mdev_sysfs.c remove_store
        d.put("uevent", rw(() -> "DRIVER=vfio_ap_mdev\n", UEVENT)); // the mdev bus adds no variables
        d.put("mdev_type", link("../mdev_supported_types/vfio_ap-passthrough"));
        d.put("driver", link("../../../../bus/mdev/drivers/vfio_ap_mdev"));
        d.put("subsystem", link("../../../../bus/mdev"));
        d.put("iommu_group", () -> new Link("../../../../kernel/iommu_groups/" + iommuGroup(m)));
        return d;
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

    /**
     * What one walk of a path found: the node and its real path (links followed), or the errno it
     * stopped with and whether only the last name was missing in an existing directory.
     */
    public record Lookup(Node node, String real, Errno errno, boolean lastMissing) {
        boolean found() {
            return node != null;
        }
    }

    private static final int MAX_LINKS = 40;

    /**
     * One walk of {@code path} from the root, as namei does it: every link on the way is followed,
     * the last one only if {@code followLast}; {@code ..} goes to the real parent.
     */
    public Lookup lookup(String path, boolean followLast) {
        Deque<String> todo = new ArrayDeque<>(components(path));
        List<String> real = new ArrayList<>();
        List<Node> chain = new ArrayList<>();
        Node node = root();
        chain.add(node);
        int links = 0;
        while (!todo.isEmpty()) {
            String p = todo.pollFirst();
            if (p.equals(".")) {
                continue;
            }
            if (p.equals("..")) {
                if (!real.isEmpty()) {
                    real.remove(real.size() - 1);
                    chain.remove(chain.size() - 1);
                    node = chain.get(chain.size() - 1);
                }
                continue;
            }
            if (!(node instanceof Dir dir)) {
                return new Lookup(null, null, Errno.ENOTDIR, false);
            }
            Node c = dir.child(p);
            if (c == null) {
                return new Lookup(null, null, Errno.ENOENT, todo.isEmpty());
            }
            if (c instanceof Link l && (!todo.isEmpty() || followLast)) {
                if (++links > MAX_LINKS) {
                    return new Lookup(null, null, Errno.ELOOP, false);
                }
                List<String> t = components(l.target());
                for (int i = t.size() - 1; i >= 0; i--) {
                    todo.addFirst(t.get(i));
                }
                if (l.target().startsWith("/")) {
                    real.clear();
                    node = chain.get(0);
                    chain.clear();
                    chain.add(node);
                }
                continue;
            }
            real.add(p);
            chain.add(c);
            node = c;
        }
        return new Lookup(node, "/" + String.join("/", real), null, false);
    }

    private static List<String> components(String path) {
        List<String> out = new ArrayList<>();
        int from = 0;
        for (int i = 0; i <= path.length(); i++) {
            if (i == path.length() || path.charAt(i) == '/') {
                if (i > from) {
                    out.add(path.substring(from, i));
                }
                from = i + 1;
            }
        }
        return out;
    }

    private Node resolve(String path) {
        Lookup l = lookup(path, true);
        if (!l.found()) {
            throw new SysfsException(l.errno(), SysfsException.Phase.OPEN);
        }
        return l.node();
    }

    public boolean exists(String path) {
        return lookup(path, false).found();
    }

    public boolean isDirectory(String path) {
        return lookup(path, true).node() instanceof Dir;
    }

    /** The entries of a directory, sorted. */
    public List<String> list(String path) {
        Node n = resolve(path);
        if (!(n instanceof Dir d)) {
            throw new SysfsException(Errno.ENOTDIR, SysfsException.Phase.OPEN);
        }
        return d.names();
    }

    /** The node at {@code path} without following a last link (what {@code ls -l} describes), or null. */
    public Node lstat(String path) {
        return lookup(path, false).node();
    }

    /** The target of the link at {@code path}, or null if it is no link. */
    public String readlink(String path) {
        return lstat(path) instanceof Link l ? l.target() : null;
    }

    /** What {@code cat PATH} prints. */
    public String read(String path) {
        Node n = resolve(path);
        if (n instanceof Dir) {
            throw new SysfsException(Errno.EISDIR, SysfsException.Phase.IO);
        }
        Attr a = (Attr) n;
        if (a.show() == null) {
            throw new SysfsException(Errno.EACCES, SysfsException.Phase.OPEN);
        }
        try {
            return seqShow(a.show().get());
        } catch (KernelException e) {
            throw new SysfsException(e.errno(), SysfsException.Phase.IO);
        }
    }

    /**
     * sysfs_kf_seq_show: a show that returns PAGE_SIZE or more ("fill_read_buffer: ... returned
     * bad count") is cut to PAGE_SIZE - 1 bytes. vfio_ap's matrix and guest_matrix do that from
     * 512 APQNs on (their unbounded sprintf writes past the page first; the kernel oracle's
     * AddressSanitizer shows it, oracle/FINDINGS.md): user space gets the first 4095 bytes.
     */
    static String seqShow(String shown) {
        return shown.length() >= PAGE_SIZE ? shown.substring(0, PAGE_SIZE - 1) : shown;
    }

    /**
     * A write of {@code data} to the attribute, as a shell redirection does it: one walk of the
     * path opens it (ENOENT; EACCES for a name missing in an existing directory, sysfs creates no
     * files; EACCES for a read-only attribute), then the bytes go in page-sized pieces, each one
     * store call of the attribute opened; the first refusal ends the write. An empty write calls
     * nothing.
     */
    public void write(String path, String data) {
        openWrite(path).write(data);
    }

    /** An attribute opened for writing: what a shell redirection holds while its command runs. */
    public interface OpenFile {
        /** One write(2) of {@code data}: page-sized store calls; the first refusal ends it (IO phase). */
        void write(String data);
    }

    /**
     * open(2) of {@code path} for writing (O_WRONLY|O_CREAT|O_TRUNC, as bash opens a redirection's
     * target), with one walk of the path: ENOENT; EACCES for a name missing in an existing directory
     * (sysfs creates no files) or a read-only attribute; EISDIR; all in the OPEN phase. Truncation
     * calls no store. The handle stores into the attribute found now, whatever happens to the path
     * later.
     */
    public OpenFile openWrite(String path) {
        Lookup l = lookup(path, true);
        if (!l.found()) {
            Errno e = l.errno() == Errno.ENOENT && l.lastMissing() ? Errno.EACCES : l.errno();
            throw new SysfsException(e, SysfsException.Phase.OPEN);
        }
        if (l.node() instanceof Dir) {
            throw new SysfsException(Errno.EISDIR, SysfsException.Phase.OPEN);
        }
        Attr a = (Attr) l.node();
        if (a.store() == null) {
            throw new SysfsException(Errno.EACCES, SysfsException.Phase.OPEN);
        }
        Consumer<String> store = a.store();
        return data -> {
            for (int off = 0; off < data.length(); off += PAGE_SIZE) {
                String piece = data.substring(off, Math.min(data.length(), off + PAGE_SIZE));
                try {
                    store.accept(piece);
                } catch (aplab.vfioap.BlockedWrite e) {
                    throw e; // the shell says that the write blocks
                } catch (KernelException e) {
                    throw new SysfsException(e.errno(), SysfsException.Phase.IO);
                }
            }
        };
    }

    /** The host's QCI, for callers that format it. */
    public ApConfigInfo qci() {
        return host.bus().qci();
    }

    /**
     * This tree as a read-only {@link SysfsTree} (null for what cannot be read), for lszcrypt and
     * snapshots. The view remembers the directories it has walked to, so a tool reading every
     * attribute of every queue walks each directory once: use a view for one run of a reader, not
     * across writes.
     */
    public SysfsTree tree() {
        java.util.HashMap<String, Node> dirs = new java.util.HashMap<>(); // path -> node, null: none
        return new SysfsTree() {
            /** The node at path: its directory from the cache, then one name (links: a full walk). */
            private Node node(String path) {
                int i = path.lastIndexOf('/');
                if (i <= 0 || path.endsWith("/") || path.contains("/./") || path.contains("/../") || path.endsWith("/..")
                        || path.endsWith("/.")) {
                    return lookup(path, true).node();
                }
                Node dir = dir(path.substring(0, i), 0);
                if (!(dir instanceof Dir d)) {
                    return null;
                }
                Node c = d.child(path.substring(i + 1));
                return c instanceof Link ? lookup(path, true).node() : c;
            }

            /**
             * The node at a clean absolute path (no "." or ".." components), its directories taken
             * from the cache and built once each: /sys/bus/ap/devices/05.0004 resolves the link to
             * /sys/devices/ap/card05/05.0004 through the cached card directory, instead of building
             * every directory on the path again. Null if there is none.
             */
            private Node dir(String path, int links) {
                Node cached = dirs.get(path);
                if (cached != null || dirs.containsKey(path)) {
                    return cached;
                }
                Node n;
                int i = path.lastIndexOf('/');
                if (path.isEmpty() || path.equals("/")) {
                    n = root();
                } else if (links > MAX_LINKS) {
                    n = null;
                } else {
                    Node parent = dir(i == 0 ? "/" : path.substring(0, i), links);
                    n = parent instanceof Dir d ? d.child(path.substring(i + 1)) : null;
                    if (n instanceof Link l) {
                        n = l.target().startsWith("/") ? lookup(path, true).node()
                                : dir(joinLink(i == 0 ? "" : path.substring(0, i), l.target()), links + 1);
                    }
                }
                dirs.put(path, n);
                return n;
            }

            @Override
            public String read(String path) {
                Node n = node(path);
                if (!(n instanceof Attr a) || a.show() == null) {
                    return null;
                }
                try {
                    return a.show().get();
                } catch (KernelException e) {
                    return null;
                }
            }

            @Override
            public boolean isDirectory(String path) {
                return node(path) instanceof Dir;
            }

            @Override
            public boolean exists(String path) {
                return Sysfs.this.exists(path);
            }

            @Override
            public List<String> list(String path) {
                return node(path) instanceof Dir d ? d.names() : new ArrayList<>();
            }

            @Override
            public String readlink(String path) {
                int i = path.lastIndexOf('/');
                boolean clean = i > 0 && !path.endsWith("/") && !path.contains("/./") && !path.contains("/../");
                Node dir = clean ? dir(path.substring(0, i), 0) : null;
                if (dir instanceof Dir d) {
                    return d.child(path.substring(i + 1)) instanceof Link l ? l.target() : null;
                }
                return Sysfs.this.readlink(path);
            }
        };
    }

    /** A relative link target joined to the directory holding the link, "." and ".." folded. */
    private static String joinLink(String dir, String target) {
        Deque<String> parts = new ArrayDeque<>(components(dir));
        for (String c : components(target)) {
            if (c.equals("..")) {
                parts.pollLast();
            } else if (!c.equals(".")) {
                parts.addLast(c);
            }
        }
        return "/" + String.join("/", parts);
    }

    /** Every path under {@code top} (not following links), depth first in name order. */
    public void walk(String top, java.util.function.BiConsumer<String, Node> visit) {
        Node n = lstat(top);
        if (n != null) {
            walk(top, n, visit);
        }
    }

    private static void walk(String path, Node n, java.util.function.BiConsumer<String, Node> visit) {
        visit.accept(path, n);
        if (n instanceof Dir d) {
            for (String name : d.names()) {
                Node c = d.child(name);
                if (c != null) {
                    walk(path.equals("/") ? "/" + name : path + "/" + name, c, visit);
                }
            }
        }
    }

    /** The matrix device's path. */
    public static String matrixPath() {
        return MATRIX;
    }
}
