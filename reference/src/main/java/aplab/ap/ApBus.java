package aplab.ap;

import aplab.kernel.Commit;
import aplab.kernel.Errno;
import aplab.kernel.KernelException;
import aplab.kernel.Kernel;
import aplab.kernel.Kstrtox;
import aplab.lockdep.LockDep;
import aplab.lockdep.TrackedLock;
import aplab.kernel.PlantedBug;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.NavigableMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The AP bus (drivers/s390/crypto/ap_bus.c): the host's AP configuration (QCI), the card and
 * queue devices it implies, {@code apmask}/{@code aqmask} ownership between the default drivers and
 * vfio_ap, driver binding, and the bus scan that delivers a configuration change to the drivers.
 *
 * <p>Locks: {@code ap_perms_mutex} guards the masks; {@code ap_scan_bus_mutex} serialises scans;
 * each queue's device lock is held around its probe and remove.
 */
public final class ApBus {
    private final LockDep lockdep;
    private final Kernel version;
    private final TrackedLock permsMutex;
    private final TrackedLock scanMutex;
    /** Before ap_scan_bus_mutex, scans ran only from the bus's one work item: serialised, but no lock lockdep sees. */
    private final java.util.concurrent.locks.ReentrantLock scanWork = new java.util.concurrent.locks.ReentrantLock();
    private final List<ApDriver> drivers = new CopyOnWriteArrayList<>();
    private final NavigableMap<Integer, ApCard> cards = new ConcurrentSkipListMap<>();
    private final NavigableMap<Apqn, ApQueue> queues = new ConcurrentSkipListMap<>();
    /** Counts device registrations (device_add appends to the bus's klist). */
    private final java.util.concurrent.atomic.AtomicLong registrations = new java.util.concurrent.atomic.AtomicLong();
    /** ap_perms.apm / ap_perms.aqm: all ones at boot (every queue reserved for the default drivers). */
    private final ApMask apmask = ApMask.allOnes();
    private final ApMask aqmask = ApMask.allOnes();
    private volatile ApConfigInfo qci = ApConfigInfo.empty();
    private volatile CardType newCardType = CardType.DEFAULT;
    /** ap_domain, config_time, poll_thread, poll_timeout, scans (issue 10). */
    private final ApBusAttributes attributes = new ApBusAttributes();
    private final Set<PlantedBug> planted;

    public ApBus(LockDep lockdep, Kernel version) {
        this(lockdep, version, EnumSet.noneOf(PlantedBug.class));
    }

    /** A bus with defects planted (only {@link PlantedBug#race() the bus's races} act here). */
    public ApBus(LockDep lockdep, Kernel version, Set<PlantedBug> planted) {
        this.lockdep = lockdep;
        this.version = version;
        this.planted = planted.isEmpty() ? EnumSet.noneOf(PlantedBug.class) : EnumSet.copyOf(planted);
        this.permsMutex = lockdep.newLock("ap_perms_mutex");
        this.scanMutex = version.has(Commit.AP_SCAN_BUS_MUTEX) ? lockdep.newLock("ap_scan_bus_mutex") : null;
    }

    /**
     * A copy of the bus on {@code lockdep} (for {@link aplab.host.Host#copy}): QCI, masks, the card
     * type of new cards, every card and queue with a new device lock. No driver is registered, and
     * each queue keeps the old bus's driver and driver data until {@link #remapBindings} replaces
     * them with the copy's. Call it on a quiescent bus.
     */
    public ApBus copy(LockDep lockdep) {
        ApBus c = new ApBus(lockdep, version, planted);
        c.qci = qci;
        c.newCardType = newCardType;
        c.apmask.assign(apmask);
        c.aqmask.assign(aqmask);
        c.attributes.copyFrom(attributes);
        for (ApCard card : cards.values()) {
            ApCard cc = new ApCard(card.apid(), card.type());
            cc.setConfig(card.config());
            cc.setZcryptOnline(card.zcryptOnline());
            c.cards.put(cc.apid(), cc);
        }
        for (ApQueue q : queues.values()) {
            ApQueue cq = new ApQueue(q.apqn(), c.cards.get(q.apqn().apid()), lockdep.newLock("&dev->mutex"));
            cq.copyStateFrom(q);
            cq.setDriver(q.driver());
            Object data = q.drvdata();
            if (data instanceof Cex4QueueDriver.ZcryptQueue zq) {
                Cex4QueueDriver.ZcryptQueue n = new Cex4QueueDriver.ZcryptQueue();
                n.setOnline(zq.online());
                data = n;
            }
            cq.setDrvdata(data);
            c.queues.put(cq.apqn(), cq);
        }
        return c;
    }

    /** Replaces every queue's driver and driver data by their images (the second half of {@link #copy}). */
    public void remapBindings(java.util.function.UnaryOperator<ApDriver> driver,
            java.util.function.UnaryOperator<Object> drvdata) {
        for (ApQueue q : queues.values()) {
            q.setDriver(q.driver() == null ? null : driver.apply(q.driver()));
            q.setDrvdata(q.drvdata() == null ? null : drvdata.apply(q.drvdata()));
        }
    }

    /** ap_driver_register */
    public void register(ApDriver driver) {
        drivers.add(driver);
    }

    public List<ApDriver> drivers() {
        return List.copyOf(drivers);
    }

    public ApDriver driver(String name) {
        for (ApDriver d : drivers) {
            if (d.name().equals(name)) {
                return d;
            }
        }
        return null;
    }

    /** ap_perms_mutex (ap_attr_mutex since 6.19). */
    public TrackedLock permsMutex() {
        return permsMutex;
    }

    public Kernel version() {
        return version;
    }

    public ApConfigInfo qci() {
        return qci;
    }

    public NavigableMap<Integer, ApCard> cards() {
        return java.util.Collections.unmodifiableNavigableMap(cards);
    }

    public NavigableMap<Apqn, ApQueue> queues() {
        return java.util.Collections.unmodifiableNavigableMap(queues);
    }

    public ApQueue queue(Apqn apqn) {
        return queues.get(apqn);
    }

    /** A copy of apmask, read under ap_perms_mutex. */
    public ApMask apmask() {
        permsMutex.lock();
        try {
            return apmask.copy();
        } finally {
            permsMutex.unlock();
        }
    }

    public ApMask aqmask() {
        permsMutex.lock();
        try {
            return aqmask.copy();
        } finally {
            permsMutex.unlock();
        }
    }

    /**
     * ap_apqn_in_matrix_owned_by_def_drv: whether any APQN of apm x aqm is reserved for the default
     * drivers. The caller holds ap_perms_mutex.
     */
    public boolean apqnInMatrixOwnedByDefDrv(ApMask apm, ApMask aqm) {
        permsMutex.assertHeld();
        return apm.intersects(apmask) && aqm.intersects(aqmask);
    }

    /** ap_owned_by_def_drv for one APQN, taking ap_perms_mutex. */
    public boolean ownedByDefDrv(Apqn apqn) {
        permsMutex.lock();
        try {
            return apmask.test(apqn.apid()) && aqmask.test(apqn.apqi());
        } finally {
            permsMutex.unlock();
        }
    }

    // ------------------------------------------------------------------ apmask / aqmask stores

    /** apmask_store */
    public void apmaskStore(String buf) {
        maskStore(buf, true);
    }

    /** aqmask_store */
    public void aqmaskStore(String buf) {
        maskStore(buf, false);
    }

    private void maskStore(String buf, boolean adapters) {
        boolean changed;
        ApMask committed;
        try (var op = lockdep.operation(adapters ? "apmask_store" : "aqmask_store")) {
            permsMutex.lock();
            try {
                ApMask current = adapters ? apmask : aqmask;
                ApMask next = ApMask.parseBitmapStr(buf, current);
                changed = !next.equals(current);
                if (changed) {
                    // apmask_commit / aqmask_commit: newly reserved ids need every driver's consent
                    ApMask reserved = next.andNot(current);
                    if (!reserved.isEmpty() && version.has(Commit.AP_IN_USE_CALLBACK)) {
                        for (ApDriver d : drivers) {
                            Errno rc = adapters ? d.inUse(reserved, aqmask.copy()) : d.inUse(apmask.copy(), reserved);
                            if (rc != null) {
                                // __verify_card_reservations / __verify_queue_reservations
                                throw new KernelException(Errno.EBUSY);
                            }
                        }
                    }
                    current.assign(next);
                }
                committed = next;
            } finally {
                permsMutex.unlock();
            }
            if (changed) {
                reviseBindings();
            }
        }
        assert committed != null;
    }

    /**
     * ap_bus_revise_bindings / __ap_revise_reserved: every bound queue whose owner disagrees with
     * the masks is re-probed (released from its driver, then probed by the matching one). Queues
     * bound to no driver are left alone: the kernel reads the driver's flags through a NULL driver
     * pointer there, which the model does not imitate.
     */
    public void reviseBindings() {
        // bus_for_each_dev walks the bus's klist: the order the devices were registered in, so a
        // queue added by a later configuration change comes after the others (found by the kernel
        // oracle, whose reset order showed it)
        List<ApQueue> inOrder = new ArrayList<>(queues.values());
        inOrder.sort(java.util.Comparator.comparingLong(q -> q.registration));
        for (ApQueue q : inOrder) {
            ApDriver drv = q.driver();
            if (drv == null) {
                continue;
            }
            boolean devres = ownedByDefDrv(q.apqn());
            if (devres != drv.isDefault()) {
                deviceReprobe(q);
            }
        }
    }

    /** device_reprobe: release the driver, then probe again with every driver. */
    private void deviceReprobe(ApQueue q) {
        q.deviceLock().lock();
        try {
            if (q.driver() != null && queues.get(q.apqn()) == q) {
                releaseDriver(q);
            }
        } finally {
            q.deviceLock().unlock();
        }
        attach(q);
    }

    /** bus_probe_device / device_attach: the first matching driver whose probe accepts it. */
    private void attach(ApQueue q) {
        q.deviceLock().lock();
        try {
            if (q.driver() != null || queues.get(q.apqn()) != q) {
                return;
            }
            for (ApDriver d : drivers) {
                // __device_attach_driver: a match whose probe refuses (ENODEV) tries the next driver
                if (d.matches(q) && reallyProbe(q, d)) {
                    return;
                }
            }
        } finally {
            q.deviceLock().unlock();
        }
    }

    /**
     * really_probe (drivers/base/dd.c) with ap_device_probe, the caller holding the device lock:
     * dev->driver is set first (device_set_driver in 6.12's really_probe), then ap_device_probe checks under ap_perms_mutex that the queue's
     * ownership (apmask/aqmask) matches the driver's default flag; a refusal (ENODEV) resets
     * dev->driver. Because the driver is set before the check, a concurrent mask write's
     * __ap_revise_reserved sees it, finds it wrong and re-probes once this probe is done (it needs
     * the device lock); it never skips the queue as unbound. False if the probe was refused.
     */
    private boolean reallyProbe(ApQueue q, ApDriver d) {
        q.deviceLock().assertHeld();
        boolean lateDriver = planted.contains(PlantedBug.LATE_DRIVER_SET);
        if (!lateDriver) {
            q.setDriver(d);
        }
        boolean allowed = ownedByDefDrv(q.apqn()) == d.isDefault();
        // ap_perms_mutex is released: a mask write may run before the probe goes on
        lockdep.switchPoint("ap_device_probe: ownership checked");
        if (!allowed) {
            q.setDriver(null);
            return false;
        }
        q.setDriver(d);
        d.probe(q);
        return true;
    }

    /** Whether q is still the bus's device for its APQN (device_is_registered, !dev->p->dead). */
    private boolean registered(ApQueue q) {
        return queues.get(q.apqn()) == q;
    }

    /** device_release_driver: the driver's remove, then the queue is unbound. */
    private void releaseDriver(ApQueue q) {
        ApDriver d = q.driver();
        d.remove(q);
        q.setDriver(null);
        q.setDrvdata(null);
        q.remove(); // ap_device_remove: ap_queue_remove
    }

    // ------------------------------------------------------------------ driver bind / unbind

    /**
     * {@code echo XX.YYYY > /sys/bus/ap/drivers/DRIVER/bind} (drivers/base/bus.c bind_store):
     * ENODEV for no such device or a driver that does not match it (including ap_device_probe's
     * ownership refusal) and for a device unregistered between the lookup and the device lock
     * (__driver_probe_device), EBUSY if the queue is bound already.
     */
    public void bind(String driverName, String buf) {
        ApDriver d = driver(driverName);
        ApQueue q = findDevice(buf);
        try (var op = lockdep.operation("bind_store")) {
            if (d == null || q == null || !d.matches(q)) {
                throw new KernelException(Errno.ENODEV);
            }
            q.deviceLock().lock();
            try {
                // __driver_probe_device: the lookup took no lock, so the device may have been
                // unregistered (and a new one registered for the APQN) since: ENODEV
                if (!registered(q) && !planted.contains(PlantedBug.BIND_STALE_DEVICE)) {
                    throw new KernelException(Errno.ENODEV);
                }
                if (q.driver() != null) {
                    throw new KernelException(Errno.EBUSY);
                }
                if (!reallyProbe(q, d)) {
                    throw new KernelException(Errno.ENODEV);
                }
            } finally {
                q.deviceLock().unlock();
            }
        }
    }

    /** {@code echo XX.YYYY > /sys/bus/ap/drivers/DRIVER/unbind}: ENODEV unless bound to DRIVER. */
    public void unbind(String driverName, String buf) {
        ApDriver d = driver(driverName);
        ApQueue q = findDevice(buf);
        try (var op = lockdep.operation("unbind_store")) {
            if (d == null || q == null) {
                throw new KernelException(Errno.ENODEV);
            }
            q.deviceLock().lock();
            try {
                if (q.driver() != d) {
                    throw new KernelException(Errno.ENODEV);
                }
                releaseDriver(q);
            } finally {
                q.deviceLock().unlock();
            }
        }
    }

    /** bus_find_device_by_name with sysfs_streq: one trailing newline is ignored. */
    private ApQueue findDevice(String buf) {
        String name = Kstrtox.cstr(buf);
        if (name.endsWith("\n")) {
            name = name.substring(0, name.length() - 1);
        }
        Apqn apqn = Apqn.parse(name);
        return apqn == null ? null : queues.get(apqn);
    }

    // ------------------------------------------------------------------ configuration and scan

    /** The card type given to cards the next scan creates ({@code aplab host --type}). */
    public void setNewCardType(CardType type) {
        this.newCardType = type;
    }

    /**
     * ap_max_adapter_id / ap_max_domain_id: set once, from the QCI at AP bus init (ap_init_qci_info;
     * the model's bus init is the first host configuration), never by a later configuration
     * change: every kernel of the catalogue does so. 63 and 15 before.
     */
    private volatile int maxAdapterId = 63;
    private volatile int maxDomainId = 15;
    private volatile boolean qciInitialised;

    /** Before the first configuration (no QCI yet) the empty machine's values; then the values latched at bus init. */
    public int maxAdapterId() {
        return qciInitialised ? maxAdapterId : qci.busMaxAdapterId();
    }

    public int maxDomainId() {
        return qciInitialised ? maxDomainId : qci.busMaxDomainId();
    }

    /**
     * A new QCI result followed by a bus scan (ap_scan_bus): if the configuration changed, every
     * driver's on_config_changed; then cards and queues that left are removed and new ones created
     * (adapter by adapter, as ap_scan_adapter goes); then on_scan_complete.
     */
    public void scan(ApConfigInfo next) {
        try (var op = lockdep.operation("ap_scan_bus")) {
            if (scanMutex != null) {
                scanMutex.lock();
            } else {
                scanWork.lock();
            }
            try {
                ApConfigInfo prev = qci;
                boolean changed = !sameConfig(prev, next);
                qci = next;
                if (changed && version.has(Commit.AP_CONFIG_CALLBACKS)) {
                    for (ApDriver d : drivers) {
                        d.onConfigChanged(next, prev);
                    }
                }
                if (!qciInitialised) {
                    qciInitialised = true;
                    maxAdapterId = next.busMaxAdapterId();
                    maxDomainId = next.busMaxDomainId();
                }
                int maxAp = maxAdapterId;
                int maxDom = maxDomainId;
                attributes.selectDomain(this, next, apmask.copy(), aqmask.copy()); // read unlocked, as the kernel does
                // ap_scan_bus walks every APID; one neither configured nor holding a card device
                // is a no-op, so only those are skipped (in ascending order, as the kernel's loop)
                ApMask present = new ApMask();
                cards.keySet().forEach(present::set);
                ApMask visit = present.or(next.apm().limit(maxAp));
                for (int apid = visit.next(0); apid >= 0; apid = visit.next(apid + 1)) {
                    scanAdapter(apid, next, maxAp, maxDom);
                }
                if (changed && version.has(Commit.AP_CONFIG_CALLBACKS)) {
                    for (ApDriver d : drivers) {
                        d.onScanComplete(next, prev);
                    }
                }
                attributes.scanDone();
            } finally {
                if (scanMutex != null) {
                    scanMutex.unlock();
                } else {
                    scanWork.unlock();
                }
            }
        }
    }

    private static boolean sameConfig(ApConfigInfo a, ApConfigInfo b) {
        return a.apm().equals(b.apm()) && a.aqm().equals(b.aqm()) && a.adm().equals(b.adm())
                && a.apxa() == b.apxa() && a.na() == b.na() && a.nd() == b.nd();
    }

    /** ap_scan_adapter: remove the card and its queues, or create what is missing. */
    private void scanAdapter(int apid, ApConfigInfo cfg, int maxAp, int maxDom) {
        ApCard card = cards.get(apid);
        boolean inConfig = apid <= maxAp && cfg.hasAdapter(apid);
        if (!inConfig) {
            if (card != null) {
                for (ApQueue q : new ArrayList<>(queues.subMap(new Apqn(apid, 0), true, new Apqn(apid, 255), true).values())) {
                    unregister(q);
                }
                cards.remove(apid);
            }
            return;
        }
        if (card == null) {
            card = new ApCard(apid, newCardType);
            cards.put(apid, card);
        }
        // ap_scan_domains walks every APQI; one neither configured nor holding a queue device is
        // a no-op, so only the others are visited (ascending)
        ApMask present = new ApMask();
        for (Apqn a : queues.subMap(new Apqn(apid, 0), true, new Apqn(apid, 255), true).keySet()) {
            present.set(a.apqi());
        }
        ApMask visit = present.or(cfg.aqm().limit(maxDom));
        for (int apqi = visit.next(0); apqi >= 0; apqi = visit.next(apqi + 1)) {
            Apqn apqn = new Apqn(apid, apqi);
            ApQueue q = queues.get(apqn);
            boolean domIn = apqi <= maxDom && cfg.hasUsageDomain(apqi);
            if (!domIn && q != null) {
                unregister(q);
            } else if (domIn && q != null) {
                q.scanConfigState();
            } else if (domIn) {
                q = ApQueue.create(apqn, card, lockdep.newLock("&dev->mutex"));
                q.registration = registrations.incrementAndGet();
                queues.put(apqn, q);
                attach(q);
            }
        }
    }

    /** device_unregister of a queue: the bound driver's remove runs first. */
    private void unregister(ApQueue q) {
        q.deviceLock().lock();
        try {
            if (q.driver() != null) {
                releaseDriver(q);
            }
            queues.remove(q.apqn());
        } finally {
            q.deviceLock().unlock();
        }
    }

    // ------------------------------------------------------------------ card config

    /**
     * cardXX/config store (ap_card.c config_store): {@code sscanf("%d")} of 0 or 1, else EINVAL;
     * SCLP configures the adapter on or off. A deconfigured adapter stays in the QCI masks and its
     * devices stay (TAPQ reports them deconfigured), so drivers see no configuration change. Only
     * ac->config is set: each queue's {@code config} (aq->config) and {@code online} change at the
     * bus's next scan (ap_scan_domains), which the store does not ask for.
     */
    public void cardConfigStore(int apid, String buf) {
        ApCard card = cards.get(apid);
        if (card == null) {
            throw new KernelException(Errno.ENOENT);
        }
        Long v = Kstrtox.sscanfInt(buf);
        if (v == null || v < 0 || v > 1) {
            throw new KernelException(Errno.EINVAL);
        }
        if (v == 0 && card.config()) { // sclp_ap_deconfigure: the firmware resets the adapter's queues
            for (ApQueue q : queues.subMap(new Apqn(apid, 0), true, new Apqn(apid, 255), true).values()) {
                q.adapterDeconfigured();
            }
        }
        card.setConfig(v == 1); // ac->config; each queue's aq->config follows at the next scan
    }

    // ------------------------------------------------------------------ bus attributes (issue 10)

    /** ap_domain, config_time, poll_thread, poll_timeout and the scan counter. */
    public ApBusAttributes attributes() {
        return attributes;
    }

    /** ap_domain_store: the domain must be in aqmask. */
    public void apDomainStore(String buf) {
        attributes.domainStore(buf, maxDomainId(), aqmask.copy()); // unlocked read, as the kernel's
    }

    /**
     * scans_store (ap_bus_force_rescan): a scan with the configuration QCI reports now, once the
     * boot scan has run; before it, nothing.
     */
    public void forceRescan() {
        if (attributes.scans() > 0) {
            scan(qci);
        }
    }
}
