package aplab.vfioap;

import aplab.ap.ApBus;
import aplab.ap.ApConfigInfo;
import aplab.ap.ApDriver;
import aplab.ap.ApMask;
import aplab.ap.ApQueue;
import aplab.ap.Apqn;
import aplab.kernel.Commit;
import aplab.kernel.Errno;
import aplab.kernel.KernelException;
import aplab.kernel.Kernel;
import aplab.kernel.Kstrtox;
import aplab.kvm.Kvm;
import aplab.lockdep.LockDep;
import aplab.lockdep.TrackedLock;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The vfio_ap device driver (drivers/s390/crypto/vfio_ap_ops.c and vfio_ap_drv.c): matrix mdevs,
 * assignment and its validation, the filtering of an mdev's matrix into its shadow APCB, hot plug
 * and unplug into the guest, queue probe/remove, the AP bus callbacks, and the guest attach and
 * detach. Every method names the kernel function it mirrors; where kernels differ it asks
 * {@code version.has(Commit.X)}, X being the upstream commit that changed the behaviour.
 *
 * <p>Lock order, as vfio-ap-locking.rst gives it: {@code ap_perms_mutex} (assign paths only) ->
 * {@code guests_lock} -> {@code kvm->lock} (if the mdev has a guest) -> {@code mdevs_lock}.
 */
public final class VfioApOps implements ApDriver {
    private static final Pattern UUID = Pattern.compile(
            "[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");
    /** AP_CONFIG_STRLEN: ap_config_store reads at most this many bytes. */
    static final int AP_CONFIG_STRLEN = 201;

    private final LockDep lockdep;
    private final Kernel version;
    private final ApBus bus;
    private final MatrixDev matrixDev;
    private final List<String> resetLog = Collections.synchronizedList(new ArrayList<>());
    /** Orders links within a qtable bucket (guarded by mdevs_lock, like the links). */
    private long linkSeq;
    private final Map<Apqn, Integer> zapqFaults = Collections.synchronizedMap(new HashMap<>());
    private final Map<String, Integer> guestUpdates = Collections.synchronizedMap(new HashMap<>());
    private volatile java.util.function.Consumer<String> filterTracer;

    public VfioApOps(LockDep lockdep, Kernel version, ApBus bus) {
        this(lockdep, version, bus, java.util.EnumSet.noneOf(aplab.kernel.PlantedBug.class));
    }

    private final java.util.Set<aplab.kernel.PlantedBug> planted;

    public VfioApOps(LockDep lockdep, Kernel version, ApBus bus, java.util.Set<aplab.kernel.PlantedBug> planted) {
        this.planted = java.util.Set.copyOf(planted);
        this.lockdep = lockdep;
        this.version = version;
        this.bus = bus;
        this.matrixDev = new MatrixDev(lockdep, version, bus.qci());
    }

    /**
     * A copy of the driver for a copied host ({@link aplab.host.Host#copy}) on {@code lockdep} and
     * the copied {@code bus}: {@code matrix_dev} (its info, its mdevs in list order, available
     * instances), every mdev and every {@code vfio_ap_queue} (of the old bus's queues and of the
     * mdevs' qtables), injected faults, counters and the reset log; no tracer. {@code images} maps
     * old objects to new: it must hold the copy of every {@link Kvm} an mdev points to, and gets
     * every mdev and vfio_ap_queue copied here. Call it on a quiescent host.
     */
    public VfioApOps copy(LockDep lockdep, ApBus bus, java.util.IdentityHashMap<Object, Object> images) {
        VfioApOps c = new VfioApOps(lockdep, version, bus, planted);
        c.matrixDev.info = matrixDev.info;
        c.matrixDev.availableInstances = matrixDev.availableInstances;
        java.util.function.UnaryOperator<VfioApQueue> queueImage = q -> (VfioApQueue) images.computeIfAbsent(q, k -> {
            VfioApQueue n = new VfioApQueue(q.apqn());
            n.resetRc = q.resetRc;
            n.resets = q.resets;
            return n;
        });
        for (aplab.ap.ApQueue q : this.bus.queues().values()) {
            if (q.drvdata() instanceof VfioApQueue vq) {
                queueImage.apply(vq);
            }
        }
        List<MatrixMdev> mdevs = new ArrayList<>();
        for (MatrixMdev m : matrixDev.mdevList) {
            MatrixMdev n = m.copy(k -> (Kvm) java.util.Objects.requireNonNull(images.get(k), "no image of a kvm"), queueImage);
            images.put(m, n);
            mdevs.add(n);
        }
        c.matrixDev.mdevList.addAll(mdevs);
        for (var e : new ArrayList<>(images.entrySet())) {
            if (e.getKey() instanceof VfioApQueue old && old.matrixMdev != null) {
                MatrixMdev owner = (MatrixMdev) images.get(old.matrixMdev);
                ((VfioApQueue) e.getValue()).matrixMdev = owner != null ? owner : old.matrixMdev.copy(k -> (Kvm) images.get(k), queueImage);
            }
        }
        synchronized (resetLog) {
            c.resetLog.addAll(resetLog);
        }
        synchronized (zapqFaults) {
            c.zapqFaults.putAll(zapqFaults);
        }
        synchronized (guestUpdates) {
            c.guestUpdates.putAll(guestUpdates);
        }
        c.lastPrevApm = lastPrevApm;
        return c;
    }

    public MatrixDev matrixDev() {
        return matrixDev;
    }

    public Kernel version() {
        return version;
    }

    private boolean has(Commit c) {
        return version.has(c);
    }

    // ================================================================= ApDriver

    @Override
    public String name() {
        return "vfio_ap";
    }

    @Override
    public boolean isDefault() {
        return false;
    }

    /** ap_queue_ids: CEX4 .. CEX8 queues (every card type the model creates). */
    @Override
    public boolean matches(ApQueue queue) {
        return queue.card().type().hwtype() >= 10;
    }

    // ================================================================= locks

    /** The locks one path took, released in reverse order. */
    private static final class Locks implements AutoCloseable {
        private final Deque<TrackedLock> taken = new ArrayDeque<>();

        Locks take(TrackedLock l) {
            l.lock();
            taken.push(l);
            return this;
        }

        @Override
        public void close() {
            while (!taken.isEmpty()) {
                taken.pop().unlock();
            }
        }
    }

    /** get_update_locks_for_mdev: guests_lock, the mdev's kvm->lock if attached, mdevs_lock. */
    private Locks getUpdateLocksForMdev(MatrixMdev m) {
        Locks l = new Locks();
        if (!has(Commit.GUESTS_LOCK)) {
            return l.take(matrixDev.mdevsLock);
        }
        l.take(matrixDev.guestsLock);
        Kvm kvm = m == null ? null : m.kvm;
        if (kvm != null) {
            l.take(kvm.lock());
        }
        return l.take(matrixDev.mdevsLock);
    }

    /**
     * get_update_locks_for_kvm: guests_lock, kvm->lock, mdevs_lock; with the stale-pqap_hook fix
     * also kvm->arch.crypto.pqap_hook_rwsem (down_write) between kvm->lock and mdevs_lock, so that
     * the hook is set and cleared under the same locks as the guest's masks.
     */
    private Locks getUpdateLocksForKvm(Kvm kvm) {
        Locks l = new Locks();
        if (has(Commit.GUESTS_LOCK)) {
            l.take(matrixDev.guestsLock);
        }
        l.take(kvm.lock());
        if (has(Commit.FIX_STALE_PQAP_HOOK)) {
            l.take(kvm.pqapHookRwsem());
        }
        return l.take(matrixDev.mdevsLock);
    }

    /** get_update_locks_by_apqn: guests_lock, then the locks of the mdev that has the APQN. */
    private Locks getUpdateLocksByApqn(Apqn apqn, MatrixMdev[] found) {
        Locks l = new Locks().take(matrixDev.guestsLock);
        MatrixMdev m = mdevForApqn(apqn);
        found[0] = m;
        if (m != null && m.kvm != null) {
            l.take(m.kvm.lock());
        }
        return l.take(matrixDev.mdevsLock);
    }

    /** get_update_locks_for_queue: guests_lock, then q->matrix_mdev's kvm->lock, mdevs_lock. */
    private Locks getUpdateLocksForQueue(VfioApQueue q) {
        Locks l = new Locks().take(matrixDev.guestsLock);
        MatrixMdev m = q.matrixMdev;
        if (m != null && m.kvm != null) {
            l.take(m.kvm.lock());
        }
        return l.take(matrixDev.mdevsLock);
    }

    /** vfio_ap_mdev_for_queue: the mdev whose matrix holds the APQN (guests_lock held). */
    private MatrixMdev mdevForApqn(Apqn apqn) {
        for (MatrixMdev m : matrixDev.mdevList) {
            if (m.matrix.apm.test(apqn.apid()) && m.matrix.aqm.test(apqn.apqi())) {
                return m;
            }
        }
        return null;
    }

    // ================================================================= mdev create / remove

    /**
     * {@code create} store (mdev core create_store + vfio_ap_mdev_probe): 36 or 37 bytes whose
     * first 36 are a UUID (guid_parse), EINVAL otherwise; EEXIST if an mdev has it; EPERM when no instance
     * is left. Returns the mdev's name (the UUID in lower case).
     */
    public MatrixMdev mdevCreate(String buf) {
        // create_store: count must be UUID_STRING_LEN or one more (a newline, or any byte)
        if (buf.length() < 36 || buf.length() > 37) {
            throw new KernelException(Errno.EINVAL);
        }
        String s = Kstrtox.cstr(buf);
        if (s.length() < 36 || !UUID.matcher(s.substring(0, 36)).matches()) {
            throw new KernelException(Errno.EINVAL);
        }
        String uuid = s.substring(0, 36).toLowerCase(Locale.ROOT);
        try (var op = lockdep.operation("vfio_ap_mdev_probe")) {
            Locks l = new Locks();
            if (has(Commit.FIX_MISSING_LOCKS)) {
                l.take(matrixDev.guestsLock);
            }
            try (l) {
                l.take(matrixDev.mdevsLock);
                for (MatrixMdev m : matrixDev.mdevList) {
                    if (m.uuid().equals(uuid)) {
                        throw new KernelException(Errno.EEXIST);
                    }
                }
                if (matrixDev.availableInstances <= 0) {
                    throw new KernelException(Errno.EPERM);
                }
                matrixDev.availableInstances--;
                MatrixMdev m = new MatrixMdev(uuid);
                // before the series matrix_dev->info was the QCI read when the module loaded;
                // the model's module loads with the host's first configuration
                ApConfigInfo info = has(Commit.CONFIG_CHANGE_HANDLING) ? matrixDev.info : bus.qci();
                m.matrix.init(info);
                m.shadowApcb.init(info);
                matrixDev.mdevList.add(0, m);
                return m;
            }
        }
    }

    /**
     * {@code remove} store (mdev core remove_store + vfio_ap_mdev_remove): kstrtoul, EINVAL on a
     * parse error; 0 does nothing. If a guest has the device open, vfio asks its user (QEMU) to
     * release it ({@code request}); the model's QEMU complies at once: the device is closed and
     * unplugged from the guest. Then every linked queue is reset and unlinked and the mdev is gone.
     * A kernel without {@link Commit#REQUEST_CALLBACK} cannot ask: vfio_unregister_group_dev waits
     * until the guest lets the device go; the write blocks ({@link BlockedWrite}) and the removal
     * finishes when the guest stops.
     */
    public void mdevRemove(MatrixMdev m, String buf) {
        long val;
        try {
            val = Kstrtox.kstrtoul(buf);
        } catch (KernelException e) {
            throw new KernelException(Errno.EINVAL);
        }
        if (val == 0) {
            return;
        }
        // vfio_unregister_group_dev: from now on the device cannot be opened, and a user that has
        // it open is asked to release it (the model's QEMU complies at once). The vfio core does
        // this under its own locks; the model decides it under guests_lock, which set_kvm holds
        // when it checks, so a guest start racing with the removal either finishes first and is
        // closed here, or finds the device going and fails with ENODEV.
        boolean wasOpen;
        try (var op = lockdep.operation("vfio_unregister_group_dev");
                Locks l = new Locks().take(has(Commit.GUESTS_LOCK) ? matrixDev.guestsLock : matrixDev.mdevsLock)) {
            if (m.removePending) {
                throw new BlockedWrite("mdev " + m.uuid() + " is being removed already: the write waits with the first one");
            }
            m.removing = true;
            wasOpen = m.open;
            if (wasOpen && !has(Commit.REQUEST_CALLBACK)) {
                m.removePending = true;
            }
        }
        if (m.removePending) {
            throw new BlockedWrite("the write blocks: a guest has mdev " + m.uuid() + " open and this kernel has no vfio "
                    + "request callback to ask for it; the removal finishes when the guest stops");
        }
        if (wasOpen) {
            closeDevice(m);
        }
        finishRemove(m);
    }

    /** vfio_ap_mdev_remove, once vfio has let the device go: reset and unlink the queues, drop the mdev. */
    private void finishRemove(MatrixMdev m) {
        try (var op = lockdep.operation("vfio_ap_mdev_remove")) {
            Locks l = new Locks();
            if (has(Commit.GUESTS_LOCK)) {
                l.take(matrixDev.guestsLock);
            }
            try (l) {
                l.take(matrixDev.mdevsLock);
                if (!matrixDev.mdevList.contains(m)) {
                    throw new KernelException(Errno.ENODEV);
                }
                resetQueues(queuesToReset(m));
                for (VfioApQueue q : new ArrayList<>(m.qtable.values())) {
                    unlinkQueue(m, q);
                }
                matrixDev.mdevList.remove(m);
                matrixDev.availableInstances++;
            }
        }
    }

    // ================================================================= assign / unassign

    private long parseId(String buf, int max) {
        long id = Kstrtox.kstrtoul(buf);
        if (Long.compareUnsigned(id, max) > 0) {
            throw new KernelException(Errno.ENODEV);
        }
        return id;
    }

    /** kernfs drains writers before an attribute goes: a store on a removed mdev fails with ENODEV. */
    private void checkLive(MatrixMdev m) {
        if (!matrixDev.mdevList.contains(m)) {
            throw new KernelException(Errno.ENODEV);
        }
    }

    /** The ap_perms_mutex that assign paths take first (not before the series). */
    private Locks permsFirst() {
        Locks l = new Locks();
        if (has(Commit.IN_USE_IMPL)) {
            l.take(bus.permsMutex());
        }
        return l;
    }

    private void refuseWhileRunning(MatrixMdev m) {
        // 5.17: "If the KVM guest is running, disallow assignment"
        if (!has(Commit.HOTPLUG_ASSIGN) && m.kvm != null) {
            throw new KernelException(Errno.EBUSY);
        }
    }

    /** assign_adapter_store */
    public void assignAdapter(MatrixMdev m, String buf) {
        try (var op = lockdep.operation("assign_adapter_store"); Locks perms = permsFirst();
                Locks l = getUpdateLocksForMdev(m)) {
            checkLive(m);
            refuseWhileRunning(m);
            int apid = (int) parseId(buf, m.matrix.apmMax);
            if (!has(Commit.ASSIGN_UNAVAILABLE)) {
                verifyQueuesReservedForApid(m, apid);
                m.matrix.apm.set(apid);
                Errno e = verifyNoSharing(m, m.matrix.apm, m.matrix.aqm);
                if (e != null) {
                    m.matrix.apm.clear(apid);
                    throw new KernelException(e);
                }
                return;
            }
            if (has(Commit.BYPASS_UNNECESSARY) && m.matrix.apm.test(apid)) {
                return; // already assigned
            }
            boolean wasSet = m.matrix.apm.test(apid);
            m.matrix.apm.set(apid);
            Errno e = validateMasks(m);
            if (e != null) {
                if (!wasSet) {
                    m.matrix.apm.clear(apid);
                }
                throw new KernelException(e);
            }
            linkAdapter(m, apid);
            ApMask apmFiltered = new ApMask();
            boolean changed = has(Commit.ALWAYS_FILTER_ENTIRE_MATRIX) ? filterMatrix(m, apmFiltered)
                    : filterMatrixDelta(m, ApMask.of(apid), m.matrix.aqm); // apm_delta
            if (changed && !planted.contains(aplab.kernel.PlantedBug.SKIP_HOTPLUG_ON_ASSIGN)) {
                updateGuestApcb(m);
                resetQueuesForApids(m, apmFiltered);
            }
        }
    }

    /** assign_domain_store */
    public void assignDomain(MatrixMdev m, String buf) {
        try (var op = lockdep.operation("assign_domain_store"); Locks perms = permsFirst();
                Locks l = getUpdateLocksForMdev(m)) {
            checkLive(m);
            refuseWhileRunning(m);
            int apqi = (int) parseId(buf, m.matrix.aqmMax);
            if (!has(Commit.ASSIGN_UNAVAILABLE)) {
                verifyQueuesReservedForApqi(m, apqi);
                m.matrix.aqm.set(apqi);
                Errno e = verifyNoSharing(m, m.matrix.apm, m.matrix.aqm);
                if (e != null) {
                    m.matrix.aqm.clear(apqi);
                    throw new KernelException(e);
                }
                return;
            }
            if (has(Commit.BYPASS_UNNECESSARY) && m.matrix.aqm.test(apqi)) {
                return; // already assigned
            }
            boolean wasSet = m.matrix.aqm.test(apqi);
            m.matrix.aqm.set(apqi);
            Errno e = validateMasks(m);
            if (e != null) {
                if (!wasSet) {
                    m.matrix.aqm.clear(apqi);
                }
                throw new KernelException(e);
            }
            linkDomain(m, apqi);
            ApMask apmFiltered = new ApMask();
            boolean changed = has(Commit.ALWAYS_FILTER_ENTIRE_MATRIX) ? filterMatrix(m, apmFiltered)
                    : filterMatrixDelta(m, m.matrix.apm, ApMask.of(apqi)); // aqm_delta
            if (changed && !planted.contains(aplab.kernel.PlantedBug.SKIP_HOTPLUG_ON_ASSIGN)) {
                updateGuestApcb(m);
                resetQueuesForApids(m, apmFiltered);
            }
        }
    }

    /** assign_control_domain_store: no ownership or sharing check for control domains. */
    public void assignControlDomain(MatrixMdev m, String buf) {
        try (var op = lockdep.operation("assign_control_domain_store"); Locks l = getUpdateLocksForMdev(m)) {
            checkLive(m);
            refuseWhileRunning(m);
            int id = (int) parseId(buf, m.matrix.admMax);
            if (m.matrix.adm.test(id)) {
                return;
            }
            m.matrix.adm.set(id);
            if (has(Commit.FILTER_APCB) && filterCdoms(m)) {
                updateGuestApcb(m);
            }
        }
    }

    /** unassign_adapter_store */
    public void unassignAdapter(MatrixMdev m, String buf) {
        try (var op = lockdep.operation("unassign_adapter_store"); Locks l = getUpdateLocksForMdev(m)) {
            checkLive(m);
            refuseWhileRunning(m);
            int apid = (int) parseId(buf, m.matrix.apmMax);
            if (!m.matrix.apm.test(apid)) {
                return;
            }
            m.matrix.apm.clear(apid);
            if (has(Commit.HOTPLUG_ASSIGN)) {
                hotUnplugAdapters(m, ApMask.of(apid));
            }
        }
    }

    /** unassign_domain_store */
    public void unassignDomain(MatrixMdev m, String buf) {
        try (var op = lockdep.operation("unassign_domain_store"); Locks l = getUpdateLocksForMdev(m)) {
            checkLive(m);
            refuseWhileRunning(m);
            int apqi = (int) parseId(buf, m.matrix.aqmMax);
            if (!m.matrix.aqm.test(apqi)) {
                return;
            }
            m.matrix.aqm.clear(apqi);
            if (has(Commit.HOTPLUG_ASSIGN)) {
                hotUnplugDomains(m, ApMask.of(apqi));
            }
        }
    }

    /** unassign_control_domain_store */
    public void unassignControlDomain(MatrixMdev m, String buf) {
        try (var op = lockdep.operation("unassign_control_domain_store"); Locks l = getUpdateLocksForMdev(m)) {
            checkLive(m);
            refuseWhileRunning(m);
            int id = (int) parseId(buf, m.matrix.admMax);
            if (!m.matrix.adm.test(id)) {
                return;
            }
            m.matrix.adm.clear(id);
            if (has(Commit.HOTPLUG_ASSIGN) && m.shadowApcb.adm.test(id)) {
                m.shadowApcb.adm.clear(id);
                updateGuestApcb(m);
            }
        }
    }

    /**
     * ap_config_store (6.10+): three hex masks {@code apm,aqm,adm} installed as one unit. EINVAL
     * for fewer than three fields or a bad mask, then EADDRNOTAVAIL / EADDRINUSE from validation,
     * then ENODEV for a bit above the limits; on any error the matrix is as it was.
     */
    public void apConfigStore(MatrixMdev m, String buf) {
        String s = Kstrtox.cstr(buf);
        if (s.length() > AP_CONFIG_STRLEN) {
            s = s.substring(0, AP_CONFIG_STRLEN);
        }
        try (var op = lockdep.operation("ap_config_store"); Locks perms = permsFirst();
                Locks l = getUpdateLocksForMdev(m)) {
            checkLive(m);
            String[] rest = {s};
            ApMatrix mNew = new ApMatrix();
            mNew.apm.assign(ApMask.parseHex(strsep(rest)));
            mNew.aqm.assign(ApMask.parseHex(strsep(rest)));
            mNew.adm.assign(ApMask.parseHex(strsep(rest)));
            ApMatrix mOld = m.matrix.snapshot();
            ApMask removedApm = mOld.apm.andNot(mNew.apm);
            ApMask removedAqm = mOld.aqm.andNot(mNew.aqm);
            ApMask addedApm = mNew.apm.andNot(mOld.apm);
            ApMask addedAqm = mNew.aqm.andNot(mOld.aqm);

            m.matrix.copyMasksFrom(mNew);
            Errno e = validateMasks(m);
            if (e == null && (m.matrix.apm.last() > m.matrix.apmMax || m.matrix.aqm.last() > m.matrix.aqmMax
                    || m.matrix.adm.last() > m.matrix.admMax)) {
                e = Errno.ENODEV; // ap_matrix_overflow_check
            }
            if (e != null) {
                m.matrix.copyMasksFrom(mOld);
                throw new KernelException(e);
            }
            m.matrix.copyMasksFrom(mOld);
            hotUnplugAdapters(m, removedApm);
            hotUnplugDomains(m, removedAqm);
            m.matrix.copyMasksFrom(mNew);
            addedApm.forEach(apid -> linkAdapter(m, apid));
            addedAqm.forEach(apqi -> linkDomain(m, apqi));
            ApMask apmFiltered = new ApMask();
            boolean doUpdate = filterMatrix(m, apmFiltered);
            doUpdate |= filterCdoms(m);
            if (doUpdate) {
                updateGuestApcb(m);
                resetQueuesForApids(m, apmFiltered);
            }
        }
    }

    /** strsep(&rest, ",\n"); EINVAL when nothing is left (parse_bitmap). */
    private static String strsep(String[] rest) {
        String s = rest[0];
        if (s == null) {
            throw new KernelException(Errno.EINVAL);
        }
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) == ',' || s.charAt(i) == '\n') {
                rest[0] = s.substring(i + 1);
                return s.substring(0, i);
            }
        }
        rest[0] = null;
        return s;
    }

    // ================================================================= validation

    /**
     * vfio_ap_mdev_validate_masks: EADDRNOTAVAIL if an APQN of the matrix is reserved for the default
     * drivers (apmask AND aqmask), EADDRINUSE if another mdev has one of its APQNs.
     */
    private Errno validateMasks(MatrixMdev m) {
        if (bus.apqnInMatrixOwnedByDefDrv(m.matrix.apm, m.matrix.aqm)) {
            return Errno.EADDRNOTAVAIL;
        }
        return verifyNoSharing(m, m.matrix.apm, m.matrix.aqm);
    }

    /**
     * vfio_ap_mdev_verify_no_sharing: EADDRINUSE if the Cartesian product apm x aqm meets another
     * mdev's (assignee null: any mdev's).
     */
    private Errno verifyNoSharing(MatrixMdev assignee, ApMask apm, ApMask aqm) {
        if (assignee != null && planted.contains(aplab.kernel.PlantedBug.SKIP_SHARING_CHECK)) {
            return null;
        }
        for (MatrixMdev other : matrixDev.mdevList) {
            if (other == assignee) {
                continue;
            }
            if (apm.intersects(other.matrix.apm) && aqm.intersects(other.matrix.aqm)) {
                return Errno.EADDRINUSE;
            }
        }
        return null;
    }

    /** 5.17 vfio_ap_mdev_verify_queues_reserved_for_apid: the queues must be bound to vfio_ap. */
    private void verifyQueuesReservedForApid(MatrixMdev m, int apid) {
        if (m.matrix.aqm.isEmpty()) {
            for (int apqi = 0; apqi < ApMask.BITS; apqi++) {
                if (vfioQueue(new Apqn(apid, apqi)) != null) {
                    return;
                }
            }
            throw new KernelException(Errno.EADDRNOTAVAIL);
        }
        m.matrix.aqm.limit(m.matrix.aqmMax).forEach(apqi -> {
            if (vfioQueue(new Apqn(apid, apqi)) == null) {
                throw new KernelException(Errno.EADDRNOTAVAIL);
            }
        });
    }

    /** 5.17 vfio_ap_mdev_verify_queues_reserved_for_apqi */
    private void verifyQueuesReservedForApqi(MatrixMdev m, int apqi) {
        if (m.matrix.apm.isEmpty()) {
            for (int apid = 0; apid < ApMask.BITS; apid++) {
                if (vfioQueue(new Apqn(apid, apqi)) != null) {
                    return;
                }
            }
            throw new KernelException(Errno.EADDRNOTAVAIL);
        }
        m.matrix.apm.limit(m.matrix.apmMax).forEach(apid -> {
            if (vfioQueue(new Apqn(apid, apqi)) == null) {
                throw new KernelException(Errno.EADDRNOTAVAIL);
            }
        });
    }

    // ================================================================= links

    /** vfio_ap_find_queue: the driver's queue object if a queue device for apqn is bound to vfio_ap. */
    public VfioApQueue vfioQueue(Apqn apqn) {
        ApQueue aq = bus.queue(apqn);
        if (aq == null || aq.driver() != this) {
            return null;
        }
        return aq.drvdata() instanceof VfioApQueue q ? q : null;
    }

    /**
     * vfio_ap_mdev_link_queue. A queue the mdev has linked already is left alone (IGNORE_DUPLICATE_LINK,
     * 6.10). Without that commit the kernel hash_add's it again: its hlist node then points back
     * into its own bucket, which the model records in {@code loopedApqn} (see {@link #queuesToReset}).
     */
    private void linkQueue(MatrixMdev m, VfioApQueue q) {
        if (q.matrixMdev == m && m.qtable.get(q.apqn()) == q) {
            if (has(Commit.IGNORE_DUPLICATE_LINK)) {
                return;
            }
            if (m.loopedApqn == null) {
                m.loopedApqn = q.apqn();
            }
        }
        q.matrixMdev = m;
        q.linkSeq = ++linkSeq;
        m.qtable.put(q.apqn(), q);
        updatePassable(m, q);
    }

    private void unlinkQueue(MatrixMdev m, VfioApQueue q) {
        if (q.apqn().equals(m.loopedApqn)) {
            // hash_del ends the cycle (the bucket then still names the unlinked queue, a dangling
            // entry the model does not follow)
            m.loopedApqn = null;
        }
        if (m.qtable.remove(q.apqn(), q)) {
            m.clearPassable(q.apqn().apid(), q.apqn().apqi());
        }
        if (q.matrixMdev == m) {
            q.matrixMdev = null;
        }
    }

    private void updatePassable(MatrixMdev m, VfioApQueue q) {
        if (m.qtable.get(q.apqn()) == q && q.passable(has(Commit.PASS_DECONFIGURED))) {
            m.passableRowForUpdate(q.apqn().apid()).set(q.apqn().apqi());
        } else {
            m.clearPassable(q.apqn().apid(), q.apqn().apqi());
        }
    }

    /** vfio_ap_mdev_link_adapter */
    private void linkAdapter(MatrixMdev m, int apid) {
        m.matrix.aqm.forEach(apqi -> linkApqn(m, new Apqn(apid, apqi)));
    }

    /** vfio_ap_mdev_link_domain */
    private void linkDomain(MatrixMdev m, int apqi) {
        m.matrix.apm.forEach(apid -> linkApqn(m, new Apqn(apid, apqi)));
    }

    private void linkApqn(MatrixMdev m, Apqn apqn) {
        VfioApQueue q = vfioQueue(apqn);
        if (q != null) {
            linkQueue(m, q);
        }
    }

    // ================================================================= filtering

    /**
     * vfio_ap_mdev_filter_matrix (6.8+): the shadow's adapters and domains are the matrix's that the
     * host has; then every adapter of the shadow with an APQN (over the shadow's domains) whose
     * queue is not linked to this mdev, or whose last reset did not end normally, is dropped whole.
     * Returns whether the shadow's apm or aqm changed; {@code apmFiltered} gets the adapters that
     * were in the previous shadow and are filtered now (their queues are to be reset).
     *
     * <p>The per-APQN test runs a bitmap word at a time: "every domain of the shadow is a passable
     * linked queue of this adapter" is {@code shadow.aqm subset of passable[apid]}.
     */
    boolean filterMatrix(MatrixMdev m, ApMask apmFiltered) {
        boolean changed = filterMatrixWhole(m, apmFiltered);
        traceFilter("vfio_ap_mdev_filter_matrix", m, changed);
        return changed;
    }

    /** Every filtering is described to {@code tracer} (null: no tracing): previous and new shadow. */
    public void traceFilter(java.util.function.Consumer<String> tracer) {
        this.filterTracer = tracer;
    }

    private ApMask lastPrevApm;
    private ApMask lastPrevAqm;

    private void traceFilter(String function, MatrixMdev m, boolean changed) {
        var t = filterTracer;
        if (t != null) {
            t.accept(function + ": prev_shadow_apm=" + lastPrevApm.toIdList(2) + " prev_shadow_aqm="
                    + lastPrevAqm.toIdList(4) + " -> shadow_apm=" + m.shadowApcb.apm.toIdList(2) + " shadow_aqm="
                    + m.shadowApcb.aqm.toIdList(4) + (changed ? " changed" : " unchanged"));
        }
    }

    private boolean filterMatrixWhole(MatrixMdev m, ApMask apmFiltered) {
        ApConfigInfo info = matrixDev.info;
        ApMask sApm = m.shadowApcb.apm;
        ApMask sAqm = m.shadowApcb.aqm;
        if (filterTracer != null) {
            lastPrevApm = sApm.copy();
            lastPrevAqm = sAqm.copy();
        }
        m.shadowApcb.init(info);
        // shadow aqm = matrix aqm AND host aqm, word by word (no copies: this runs on every change)
        long a0 = m.matrix.aqm.word(0) & info.aqmWord(0);
        long a1 = m.matrix.aqm.word(1) & info.aqmWord(1);
        long a2 = m.matrix.aqm.word(2) & info.aqmWord(2);
        long a3 = m.matrix.aqm.word(3) & info.aqmWord(3);
        boolean changed = sAqm.word(0) != a0 || sAqm.word(1) != a1 || sAqm.word(2) != a2 || sAqm.word(3) != a3;
        sAqm.setWord(0, a0);
        sAqm.setWord(1, a1);
        sAqm.setWord(2, a2);
        sAqm.setWord(3, a3);
        // the domains examined: the shadow's (LOOP_OVER_SHADOW) or, before it, the matrix's, so
        // that an assigned domain the host lacks drops every adapter
        if (!has(Commit.LOOP_OVER_SHADOW)) {
            a0 = m.matrix.aqm.word(0);
            a1 = m.matrix.aqm.word(1);
            a2 = m.matrix.aqm.word(2);
            a3 = m.matrix.aqm.word(3);
        }
        boolean anyDomain = (a0 | a1 | a2 | a3) != 0;
        // shadow apm = the adapters of matrix AND host whose every examined domain is a linked,
        // passable queue: "domains subset of passable[apid]", four words per adapter
        ApMask[] rows = m.passableRows();
        for (int w = 0; w < 4; w++) {
            long prev = sApm.word(w);
            long candidates = m.matrix.apm.word(w) & info.apmWord(w);
            long keep = candidates;
            for (long cand = candidates; cand != 0; ) {
                int bit = Long.numberOfLeadingZeros(cand);
                long mask = Long.MIN_VALUE >>> bit;
                cand &= ~mask;
                ApMask row = rows == null ? null : rows[(w << 6) | bit];
                if (row == null ? anyDomain
                        : (a0 & ~row.word(0)) != 0 || (a1 & ~row.word(1)) != 0 || (a2 & ~row.word(2)) != 0
                                || (a3 & ~row.word(3)) != 0) {
                    keep &= ~mask;
                }
            }
            // filtered: adapters the shadow had that the filter drops
            apmFiltered.setWord(w, prev & candidates & ~keep);
            changed |= prev != keep;
            sApm.setWord(w, keep);
        }
        return changed;
    }

    /**
     * The same filtering as the kernel writes it: one queue lookup per APQN. Kept as the
     * executable specification that {@link #filterMatrix} is checked and benchmarked against.
     */
    boolean filterMatrixPerApqn(MatrixMdev m, ApMask apmFiltered) {
        ApConfigInfo info = matrixDev.info;
        ApMask prevShadowApm = m.shadowApcb.apm.copy();
        ApMask prevShadowAqm = m.shadowApcb.aqm.copy();
        m.shadowApcb.init(info);
        apmFiltered.clearAll();
        m.shadowApcb.apm.assign(m.matrix.apm.and(info.apm()));
        m.shadowApcb.aqm.assign(m.matrix.aqm.and(info.aqm()));
        ApMask examined = has(Commit.LOOP_OVER_SHADOW) ? m.shadowApcb.aqm : m.matrix.aqm;
        for (int apid : m.shadowApcb.apm.ids()) {
            for (int apqi : examined.ids()) {
                VfioApQueue q = m.qtable.get(new Apqn(apid, apqi));
                if (q == null || !q.passable(has(Commit.PASS_DECONFIGURED))) {
                    m.shadowApcb.apm.clear(apid);
                    if (prevShadowApm.test(apid)) {
                        apmFiltered.set(apid);
                    }
                    break;
                }
            }
        }
        return !prevShadowApm.equals(m.shadowApcb.apm) || !prevShadowAqm.equals(m.shadowApcb.aqm);
    }

    /**
     * vfio_ap_mdev_filter_matrix as merged in 6.0 (apm_delta / aqm_delta): the shadow is rebuilt
     * from matrix AND host, but only the APQNs of {@code apm x aqm} are examined, so an adapter
     * filtered before comes back unexamined (CVE-2024-26620).
     */
    boolean filterMatrixDelta(MatrixMdev m, ApMask apm, ApMask aqm) {
        ApConfigInfo info = matrixDev.info;
        ApMask prevShadowApm = m.shadowApcb.apm.copy();
        lastPrevApm = prevShadowApm;
        ApMask prevShadowAqm = m.shadowApcb.aqm.copy();
        lastPrevAqm = prevShadowAqm;
        m.shadowApcb.init(info);
        m.shadowApcb.apm.assign(m.matrix.apm.and(info.apm()));
        m.shadowApcb.aqm.assign(m.matrix.aqm.and(info.aqm()));
        apm.forEach(apid -> {
            if (!aqm.subsetOf(m.passableRow(apid))) {
                m.shadowApcb.apm.clear(apid);
            }
        });
        boolean changed = !prevShadowApm.equals(m.shadowApcb.apm) || !prevShadowAqm.equals(m.shadowApcb.aqm);
        traceFilter("vfio_ap_mdev_filter_matrix(apm_delta=" + apm.toIdList(2) + ", aqm_delta=" + aqm.toIdList(4) + ")", m, changed);
        return changed;
    }

    /** vfio_ap_mdev_filter_cdoms: shadow adm = matrix adm AND host adm; whether it changed. */
    boolean filterCdoms(MatrixMdev m) {
        ApMask prevShadowAdm = m.shadowApcb.adm.copy();
        m.shadowApcb.adm.assign(m.matrix.adm.and(matrixDev.info.adm()));
        boolean changed = !prevShadowAdm.equals(m.shadowApcb.adm);
        var t = filterTracer;
        if (t != null) {
            t.accept("vfio_ap_mdev_filter_cdoms: prev_shadow_adm=" + prevShadowAdm.toIdList(4) + " -> shadow_adm="
                    + m.shadowApcb.adm.toIdList(4) + (changed ? " changed" : " unchanged"));
        }
        return changed;
    }

    /**
     * vfio_ap_mdev_update_guest_apcb: if a guest has the mdev, push the whole shadow APCB into its
     * CRYCB (kvm_arch_crypto_set_masks, kvm->lock held). The one place that does.
     */
    void updateGuestApcb(MatrixMdev m) {
        Kvm kvm = m.kvm;
        var t = filterTracer;
        if (t != null) {
            t.accept("vfio_ap_mdev_update_guest_apcb: " + (kvm == null ? "no guest" : "kvm_arch_crypto_set_masks"));
        }
        if (kvm != null) {
            kvm.setMasks(m.shadowApcb.apm, m.shadowApcb.aqm, m.shadowApcb.adm);
            guestUpdates.merge(m.uuid(), 1, Integer::sum);
        }
    }

    /** How many times the guest's APCB was pushed from this mdev. */
    public int guestUpdates(MatrixMdev m) {
        return guestUpdates.getOrDefault(m.uuid(), 0);
    }

    // ================================================================= hot unplug

    /** vfio_ap_mdev_hot_unplug_adapters: unlink, drop from the shadow, push, reset what the guest lost. */
    private void hotUnplugAdapters(MatrixMdev m, ApMask apids) {
        if (apids.isEmpty()) {
            return;
        }
        List<VfioApQueue> qlist = new ArrayList<>();
        apids.forEach(apid -> m.matrix.aqm.forEach(apqi -> {
            VfioApQueue q = m.qtable.get(new Apqn(apid, apqi));
            if (q != null) {
                if (m.shadowApcb.apm.test(apid) && m.shadowApcb.aqm.test(apqi)) {
                    qlist.add(q);
                }
                unlinkQueue(m, q);
            }
        }));
        boolean apcbUpdate = false;
        for (int apid : apids.ids()) {
            if (m.shadowApcb.apm.test(apid)) {
                m.shadowApcb.apm.clear(apid);
                apcbUpdate = true;
            }
        }
        if (apcbUpdate) {
            updateGuestApcb(m);
        }
        resetQueues(unplugResetOrder(qlist));
    }

    /** vfio_ap_mdev_hot_unplug_domains */
    private void hotUnplugDomains(MatrixMdev m, ApMask apqis) {
        if (apqis.isEmpty()) {
            return;
        }
        List<VfioApQueue> qlist = new ArrayList<>();
        apqis.forEach(apqi -> m.matrix.apm.forEach(apid -> {
            VfioApQueue q = m.qtable.get(new Apqn(apid, apqi));
            if (q != null) {
                if (m.shadowApcb.apm.test(apid) && m.shadowApcb.aqm.test(apqi)) {
                    qlist.add(q);
                }
                unlinkQueue(m, q);
            }
        }));
        boolean apcbUpdate = false;
        for (int apqi : apqis.ids()) {
            if (m.shadowApcb.aqm.test(apqi)) {
                m.shadowApcb.aqm.clear(apqi);
                apcbUpdate = true;
            }
        }
        if (apcbUpdate) {
            updateGuestApcb(m);
        }
        resetQueues(unplugResetOrder(qlist));
    }

    // ================================================================= reset

    /** Makes the next reset of apqn end with response code rc (a hardware fault). */
    public void injectResetResponse(Apqn apqn, int rc) {
        zapqFaults.put(apqn, rc);
    }

    /**
     * vfio_ap_mdev_reset_queue: ZAPQ. Response 0x01 if the APQN is not in the host configuration,
     * 0x03 if its card is configured off, else 0x00 (the completion the reset worker waits for),
     * unless a fault was injected. The code is kept for the filter (reset_status).
     */
    private void resetQueue(VfioApQueue q) {
        Apqn apqn = q.apqn();
        ApConfigInfo hw = bus.qci();
        int rc;
        Integer fault = zapqFaults.remove(apqn);
        if (!hw.hasAdapter(apqn.apid()) || !hw.hasUsageDomain(apqn.apqi())) {
            rc = VfioApQueue.RC_Q_NOT_AVAIL;
        } else if (fault != null) {
            rc = fault;
        } else {
            ApQueue aq = bus.queue(apqn);
            rc = aq != null && !aq.card().config() ? VfioApQueue.RC_DECONFIGURED : VfioApQueue.RC_NORMAL; // the firmware's answer
        }
        q.resetRc = rc;
        q.resets++;
        resetLog.add(String.format("reset %s rc=0x%02x", apqn, rc));
        MatrixMdev m = q.matrixMdev;
        if (m != null) {
            updatePassable(m, q);
        }
    }

    /**
     * vfio_ap_mdev_reset_queues: the linked queues (6.0+); before the series there were no links
     * and it walked matrix apm x aqm, resetting every queue found bound to vfio_ap.
     */
    private List<VfioApQueue> queuesToReset(MatrixMdev m) {
        if (has(Commit.QUEUE_LINKS)) {
            if (m.loopedApqn != null) {
                // without IGNORE_DUPLICATE_LINK: hash_for_each never leaves the looped bucket. (A
                // lookup of another APQN of that bucket would loop too; the model reports the walk.)
                throw new BlockedWrite("it blocks for good: vfio_ap_mdev_reset_queues loops forever, holding mdevs_lock, "
                        + "in mdev " + m.uuid() + "'s queue table: " + m.loopedApqn + " was linked twice and its hash "
                        + "list points to itself (this kernel has no \"" + Commit.IGNORE_DUPLICATE_LINK.title() + "\")");
            }
            return qtableOrder(m);
        }
        List<VfioApQueue> out = new ArrayList<>();
        m.matrix.apm.forEach(apid -> m.matrix.aqm.forEach(apqi -> {
            VfioApQueue q = vfioQueue(new Apqn(apid, apqi));
            if (q != null) {
                out.add(q);
            }
        }));
        return out;
    }

    /**
     * The mdev's queues in {@code hash_for_each} order over {@code qtable.queues}
     * ({@code DECLARE_HASHTABLE(queues, 8)}): bucket {@code hash_32(apqn, 8)} ascending, and in a
     * bucket the queue linked last first ({@code hash_add} is {@code hlist_add_head}). This is the
     * order vfio_ap_mdev_reset_queues issues its ZAPQs in (found by the kernel oracle).
     */
    static List<VfioApQueue> qtableOrder(MatrixMdev m) {
        List<VfioApQueue> out = new ArrayList<>(m.qtable.values());
        out.sort(java.util.Comparator.comparingInt((VfioApQueue q) -> hashBucket(q.apqn()))
                .thenComparing(java.util.Comparator.comparingLong((VfioApQueue q) -> q.linkSeq).reversed()));
        return out;
    }

    /**
     * The order an unplug resets the queues it unlinked (in {@code qlist}'s order). Before "do not
     * reset queue removed from host config" (6.8) they were hash_add'ed to a temporary
     * ap_queue_table and reset by hash_for_each over it (bucket ascending, last added first; seen
     * on the real 6.1 driver under the kernel oracle); since, a list in unlink order.
     */
    private List<VfioApQueue> unplugResetOrder(List<VfioApQueue> qlist) {
        if (version.has(aplab.kernel.Commit.NO_RESET_REMOVED_FROM_HOST)) {
            return qlist;
        }
        List<VfioApQueue> out = new ArrayList<>(qlist);
        java.util.Collections.reverse(out);
        out.sort(java.util.Comparator.comparingInt((VfioApQueue q) -> hashBucket(q.apqn())));
        return out;
    }

    /** hash_min(apqn, 8) for an int key: hash_32, (val * GOLDEN_RATIO_32) >> (32 - 8). */
    static int hashBucket(Apqn apqn) {
        int key = (apqn.apid() << 8) | apqn.apqi();
        return (key * 0x61C88647) >>> 24;
    }

    private void resetQueues(List<VfioApQueue> qlist) {
        for (VfioApQueue q : qlist) {
            resetQueue(q);
        }
    }

    /** reset_queues_for_apids (6.8+): the mdev's queues of those adapters, over the shadow's domains. */
    private void resetQueuesForApids(MatrixMdev m, ApMask apids) {
        if (!has(Commit.RESET_FILTERED_QUEUES)) {
            return;
        }
        apids.forEach(apid -> resetQueuesForApid(m, apid));
    }

    private void resetQueuesForApid(MatrixMdev m, int apid) {
        List<VfioApQueue> qlist = new ArrayList<>();
        m.shadowApcb.aqm.forEach(apqi -> {
            VfioApQueue q = m.qtable.get(new Apqn(apid, apqi));
            if (q != null) {
                qlist.add(q);
            }
        });
        resetQueues(qlist);
    }

    /** Every queue reset so far, in order ("reset 05.0004 rc=0x00"). */
    public List<String> resetLog() {
        synchronized (resetLog) {
            return List.copyOf(resetLog);
        }
    }

    // ================================================================= queue probe / remove

    /** vfio_ap_mdev_probe_queue */
    @Override
    public void probe(ApQueue apq) {
        VfioApQueue q = new VfioApQueue(apq.apqn());
        try (var op = lockdep.operation("vfio_ap_mdev_probe_queue")) {
            if (!has(Commit.HOTPLUG_PROBE)) {
                try (Locks l = new Locks().take(matrixDev.mdevsLock)) {
                    apq.setDrvdata(q);
                }
                return;
            }
            MatrixMdev[] found = new MatrixMdev[1];
            try (Locks l = getUpdateLocksByApqn(q.apqn(), found)) {
                MatrixMdev m = found[0];
                apq.setDrvdata(q);
                if (m != null) {
                    linkQueue(m, q);
                    // during a host configuration change, on_scan_complete filters
                    if (has(Commit.SCAN_COMPLETE_FILTERS) && (!m.apmAdd.isEmpty() || !m.aqmAdd.isEmpty())) {
                        return;
                    }
                    ApMask apmFiltered = new ApMask();
                    boolean changed = has(Commit.ALWAYS_FILTER_ENTIRE_MATRIX) ? filterMatrix(m, apmFiltered)
                            : filterMatrixDelta(m, m.matrix.apm, m.matrix.aqm);
                    if (changed) {
                        updateGuestApcb(m);
                        resetQueuesForApids(m, apmFiltered);
                    }
                }
            }
        }
    }

    /** vfio_ap_mdev_remove_queue */
    @Override
    public void remove(ApQueue apq) {
        if (!(apq.drvdata() instanceof VfioApQueue q)) {
            return;
        }
        try (var op = lockdep.operation("vfio_ap_mdev_remove_queue")) {
            if (!has(Commit.HOTPLUG_PROBE)) {
                // 5.17: reset and forget; a running guest keeps the APQN in its CRYCB
                try (Locks l = new Locks().take(matrixDev.mdevsLock)) {
                    resetQueue(q);
                    apq.setDrvdata(null);
                }
                return;
            }
            try (Locks l = getUpdateLocksForQueue(q)) {
                MatrixMdev m = q.matrixMdev;
                Apqn apqn = q.apqn();
                boolean inShadow = m != null && m.shadowApcb.apm.test(apqn.apid())
                        && m.shadowApcb.aqm.test(apqn.apqi());
                if (inShadow && !planted.contains(aplab.kernel.PlantedBug.SKIP_UNPLUG_ON_REMOVE)) {
                    // an APCB cannot lose one queue: the whole adapter goes
                    m.shadowApcb.apm.clear(apqn.apid());
                    updateGuestApcb(m);
                    if (has(Commit.RESET_ADAPTER_ON_UNBIND)) {
                        resetQueuesForApid(m, apqn.apid());
                    } else {
                        resetQueue(q);
                    }
                } else if (!has(Commit.NO_RESET_REMOVED_FROM_HOST)
                        || matrixDev.info.hasAdapter(apqn.apid()) && matrixDev.info.hasUsageDomain(apqn.apqi())) {
                    resetQueue(q);
                }
                if (m != null) {
                    unlinkQueue(m, q);
                }
                apq.setDrvdata(null);
            }
        }
    }

    /**
     * The queue device's {@code status} attribute (status_show): "in use" if the mdev's guest has
     * the APQN now, "assigned" if an mdev has it, else "unassigned".
     */
    public String queueStatusShow(ApQueue apq) {
        Locks l = new Locks();
        try (var op = lockdep.operation("status_show")) {
            if (has(Commit.FIX_MISSING_LOCKS)) {
                l.take(matrixDev.guestsLock);
            }
            try (l) {
                l.take(matrixDev.mdevsLock);
                MatrixMdev m = mdevForApqn(apq.apqn());
                if (m == null) {
                    return "unassigned\n";
                }
                // "in use" whenever the mdev has a guest; with FIX_STATUS_ATTR only if the guest
                // has the APQN
                boolean inUse = m.kvm != null && (!has(Commit.FIX_STATUS_ATTR) || (m.shadowApcb.apm.test(apq.apqn().apid())
                        && m.shadowApcb.aqm.test(apq.apqn().apqi())));
                return inUse ? "in use\n" : "assigned\n";
            }
        }
    }

    // ================================================================= AP bus callbacks

    /** vfio_ap_mdev_resource_in_use: EADDRINUSE if any mdev has an APQN of apm x aqm. */
    @Override
    public Errno inUse(ApMask apm, ApMask aqm) {
        if (!has(Commit.IN_USE_IMPL)) {
            return null; // the bus asks (5.18), but vfio_ap implements in_use only from 6.0
        }
        try (var op = lockdep.operation("vfio_ap_mdev_resource_in_use");
                Locks l = new Locks().take(matrixDev.guestsLock).take(matrixDev.mdevsLock)) {
            return verifyNoSharing(null, apm, aqm);
        }
    }

    /** vfio_ap_on_cfg_changed: unplug what left the host, note what arrived, take the new info. */
    @Override
    public void onConfigChanged(ApConfigInfo cur, ApConfigInfo prev) {
        if (!has(Commit.CONFIG_CHANGE_HANDLING)) {
            return; // the bus calls (5.18); vfio_ap handles it from 6.0
        }
        try (var op = lockdep.operation("vfio_ap_on_cfg_changed");
                Locks l = new Locks().take(matrixDev.guestsLock)) {
            cfgRemove(cur, prev);
            cfgAdd(cur, prev);
            matrixDev.info = cur;
        }
    }

    /** vfio_ap_mdev_cfg_remove + vfio_ap_mdev_hot_unplug_cfg */
    private void cfgRemove(ApConfigInfo cur, ApConfigInfo prev) {
        ApMask apRemove = prev.apm().andNot(cur.apm());
        ApMask aqRemove = prev.aqm().andNot(cur.aqm());
        ApMask cdRemove = prev.adm().andNot(cur.adm());
        if (apRemove.isEmpty() && aqRemove.isEmpty() && cdRemove.isEmpty()) {
            return;
        }
        for (MatrixMdev m : matrixDev.mdevList) {
            Locks l = new Locks();
            if (m.kvm != null) {
                l.take(m.kvm.lock());
            }
            try (l) {
                l.take(matrixDev.mdevsLock);
                ApMask aprem = apRemove.and(m.matrix.apm);
                ApMask aqrem = aqRemove.and(m.matrix.aqm);
                // without FIX_CDOM_REMOVAL: and-not instead of and
                ApMask cdrem = has(Commit.FIX_CDOM_REMOVAL) ? cdRemove.and(m.matrix.adm) : cdRemove.andNot(m.matrix.adm);
                if (aprem.isEmpty() && aqrem.isEmpty() && cdrem.isEmpty()) {
                    continue;
                }
                ApMatrix prevShadow = m.shadowApcb.snapshot();
                boolean doHotplug = false;
                if (!aprem.isEmpty()) {
                    m.shadowApcb.apm.assign(m.shadowApcb.apm.andNot(aprem));
                    doHotplug |= !m.shadowApcb.apm.isEmpty();
                }
                if (!aqrem.isEmpty()) {
                    m.shadowApcb.aqm.assign(m.shadowApcb.aqm.andNot(aqrem));
                    doHotplug |= !m.shadowApcb.aqm.isEmpty();
                }
                if (!cdrem.isEmpty()) {
                    m.shadowApcb.adm.assign(m.shadowApcb.adm.andNot(cdrem));
                    doHotplug |= !m.shadowApcb.adm.isEmpty();
                }
                if (has(Commit.FIX_LAST_UNPLUG)) {
                    doHotplug = !prevShadow.equals(m.shadowApcb);
                }
                if (doHotplug) {
                    updateGuestApcb(m);
                }
            }
        }
    }

    /** vfio_ap_mdev_cfg_add: each mdev notes the added resources it has assigned. */
    private void cfgAdd(ApConfigInfo cur, ApConfigInfo prev) {
        ApMask apmAdd = cur.apm().andNot(prev.apm());
        ApMask aqmAdd = cur.aqm().andNot(prev.aqm());
        ApMask admAdd = cur.adm().andNot(prev.adm());
        if (apmAdd.isEmpty() && aqmAdd.isEmpty() && admAdd.isEmpty()) {
            return;
        }
        // vfio_ap_filter_apid_by_qtype drops adapters older than CEX4; the model has none
        for (MatrixMdev m : matrixDev.mdevList) {
            try (Locks l = new Locks().take(matrixDev.mdevsLock)) {
                m.apmAdd.assign(m.matrix.apm.and(apmAdd));
                m.aqmAdd.assign(m.matrix.aqm.and(aqmAdd));
                m.admAdd.assign(m.matrix.adm.and(admAdd));
            }
        }
    }

    /** vfio_ap_on_scan_complete: filter and plug what the configuration change added. */
    @Override
    public void onScanComplete(ApConfigInfo cur, ApConfigInfo prev) {
        if (!has(Commit.CONFIG_CHANGE_HANDLING)) {
            return;
        }
        try (var op = lockdep.operation("vfio_ap_on_scan_complete");
                Locks l = new Locks().take(matrixDev.guestsLock)) {
            for (MatrixMdev m : matrixDev.mdevList) {
                if (m.apmAdd.isEmpty() && m.aqmAdd.isEmpty() && m.admAdd.isEmpty()) {
                    continue;
                }
                hotPlugCfg(m);
            }
        }
    }

    /** vfio_ap_mdev_hot_plug_cfg */
    private void hotPlugCfg(MatrixMdev m) {
        Locks l = new Locks();
        if (m.kvm != null) {
            l.take(m.kvm.lock());
        }
        try (l) {
            l.take(matrixDev.mdevsLock);
            boolean filterAdapters = m.apmAdd.intersects(m.matrix.apm);
            boolean filterDomains = m.aqmAdd.intersects(m.matrix.aqm);
            boolean filterCdoms = m.admAdd.intersects(m.matrix.adm);
            boolean doHotplug = false;
            ApMask apmFiltered = new ApMask();
            if (has(Commit.ALWAYS_FILTER_ENTIRE_MATRIX)) {
                if (filterAdapters || filterDomains) {
                    doHotplug = filterMatrix(m, apmFiltered);
                }
            } else if (filterAdapters && filterDomains) {
                doHotplug = filterMatrixDelta(m, m.apmAdd, m.aqmAdd);
            } else if (filterAdapters) {
                doHotplug = filterMatrixDelta(m, m.apmAdd, m.shadowApcb.aqm.copy());
            } else {
                // unconditional in 6.0: with only control domains added the delta aqm is empty,
                // so the shadow is rebuilt from matrix AND host without examining any queue
                doHotplug = filterMatrixDelta(m, m.shadowApcb.apm.copy(), m.aqmAdd.and(m.matrix.aqm));
            }
            if (filterCdoms) {
                doHotplug |= filterCdoms(m);
            }
            if (doHotplug) {
                updateGuestApcb(m);
            }
            if (!(filterAdapters || filterDomains) && has(Commit.RESET_FILTERED_QUEUES)
                    && !has(Commit.FIX_UNINIT_APM_FILTERED)) {
                // only control domains were added: filter_matrix, which fills apm_filtered, did not run
                resetLog.add("reset_queues_for_apids read an uninitialised apm_filtered in vfio_ap_mdev_hot_plug_cfg (this "
                        + "kernel has no \"" + Commit.FIX_UNINIT_APM_FILTERED.title() + "\"): which queues it resets "
                        + "depends on what the stack held");
            } else {
                resetQueuesForApids(m, apmFiltered);
            }
            m.apmAdd.clearAll();
            m.aqmAdd.clearAll();
            m.admAdd.clearAll();
        }
    }

    // ================================================================= guests

    /**
     * vfio_ap_mdev_open_device: the vfio device is opened by a guest's QEMU (EBUSY if it is open
     * already), then vfio_ap_mdev_set_kvm.
     */
    public void openDevice(MatrixMdev m, Kvm kvm) {
        synchronized (m) {
            if (m.open) {
                throw new KernelException(Errno.EBUSY);
            }
            m.open = true;
        }
        try {
            setKvm(m, kvm);
        } catch (KernelException e) {
            m.open = false;
            throw e;
        }
    }

    /**
     * vfio_ap_mdev_set_kvm: EPERM if another mdev already serves this guest; otherwise record the
     * guest and push the current shadow (5.17: the unfiltered matrix) into its CRYCB.
     *
     * <p>Before the stale-pqap_hook fix the guest's PQAP hook is pointed at this mdev under the
     * rwsem alone, before the update locks, and the refusal (another mdev has this kvm) leaves it
     * there. With the fix (Debian's 6.1.192 and 6.12.118 sources) the rwsem is one of the update
     * locks, the refusal is "the hook is already set", and the hook is set only on success.
     */
    private void setKvm(MatrixMdev m, Kvm kvm) {
        try (var op = lockdep.operation("vfio_ap_mdev_set_kvm")) {
            boolean hookUnderUpdateLocks = has(Commit.FIX_STALE_PQAP_HOOK);
            if (!hookUnderUpdateLocks) {
                kvm.pqapHookRwsem().lock();
                try {
                    kvm.setPqapHook(m);
                } finally {
                    kvm.pqapHookRwsem().unlock();
                }
            }
            boolean refused = false;
            boolean gone = false;
            try (Locks l = getUpdateLocksForKvm(kvm)) {
                gone = m.removing || !matrixDev.mdevList.contains(m);
                if (hookUnderUpdateLocks) {
                    refused = kvm.pqapHook() != null;
                } else {
                    for (MatrixMdev other : matrixDev.mdevList) {
                        if (other != m && other.kvm == kvm) {
                            refused = true;
                            break;
                        }
                    }
                }
                if (!refused && !gone) {
                    if (hookUnderUpdateLocks) {
                        kvm.setPqapHook(m);
                    }
                    attachLocked(m, kvm);
                }
            }
            if (refused || gone) {
                throw new KernelException(gone ? Errno.ENODEV : Errno.EPERM);
            }
        }
    }

    /** The attach itself, with the update locks held. */
    private void attachLocked(MatrixMdev m, Kvm kvm) {
        m.kvm = kvm;
        if (has(Commit.SHADOW_APCB)) {
            updateGuestApcb(m);
        } else {
            kvm.setMasks(m.matrix.apm, m.matrix.aqm, m.matrix.adm);
            guestUpdates.merge(m.uuid(), 1, Integer::sum);
        }
    }

    /**
     * vfio_ap_mdev_close_device -> vfio_ap_mdev_unset_kvm: clear the guest's masks, reset the mdev's
     * queues, forget the guest. The shadow APCB (guest_matrix) is kept.
     */
    public void closeDevice(MatrixMdev m) {
        try (var op = lockdep.operation("vfio_ap_mdev_unset_kvm")) {
            Kvm kvm = m.kvm;
            if (kvm != null) {
                if (!has(Commit.FIX_STALE_PQAP_HOOK)) {
                    kvm.pqapHookRwsem().lock();
                    try {
                        kvm.setPqapHook(null);
                    } finally {
                        kvm.pqapHookRwsem().unlock();
                    }
                }
                try (Locks l = getUpdateLocksForKvm(kvm)) {
                    if (has(Commit.FIX_STALE_PQAP_HOOK)) {
                        kvm.setPqapHook(null);
                    }
                    kvm.clearMasks();
                    resetQueues(queuesToReset(m));
                    m.kvm = null;
                }
            }
            m.open = false;
        }
        if (m.removePending) {
            // the remove that was waiting for the guest (no request callback) goes on
            m.removePending = false;
            finishRemove(m);
        }
    }

    // ================================================================= reads (sysfs show)

    private <T> T underMdevsLock(String function, java.util.function.Supplier<T> body) {
        try (var op = lockdep.operation(function); Locks l = new Locks().take(matrixDev.mdevsLock)) {
            return body.get();
        }
    }

    /** matrix_show */
    public String matrixShow(MatrixMdev m) {
        return underMdevsLock("matrix_show", m.matrix::show);
    }

    /** guest_matrix_show */
    public String guestMatrixShow(MatrixMdev m) {
        return underMdevsLock("guest_matrix_show", m.shadowApcb::show);
    }

    /** control_domains_show */
    public String controlDomainsShow(MatrixMdev m) {
        return underMdevsLock("control_domains_show", m.matrix::showControlDomains);
    }

    /** ap_config_show (reads without a lock in the kernel; the model takes mdevs_lock for Java's sake). */
    public String apConfigShow(MatrixMdev m) {
        return underMdevsLock("ap_config_show", m.matrix::showApConfig);
    }

    /** features_show (6.12+). */
    public String featuresShow() {
        return "guest_matrix hotplug ap_config\n";
    }

    /** available_instances_show */
    public String availableInstancesShow() {
        return underMdevsLock("available_instances_show", () -> matrixDev.availableInstances + "\n");
    }

    /** The mdevs, oldest first (for listings; the kernel's list runs newest first). */
    public List<MatrixMdev> mdevs() {
        List<MatrixMdev> out = new ArrayList<>(matrixDev.mdevList);
        Collections.reverse(out);
        return out;
    }

    /** The mdev with that UUID (as the device's sysfs name: lower case), or null. */
    public MatrixMdev mdev(String uuid) {
        for (MatrixMdev m : matrixDev.mdevList) {
            if (m.uuid().equals(uuid)) {
                return m;
            }
        }
        return null;
    }
}
