package aplab.check;

import aplab.kernel.Commit;
import aplab.ap.ApBus;
import aplab.ap.ApConfigInfo;
import aplab.ap.ApDriver;
import aplab.ap.ApMask;
import aplab.ap.ApQueue;
import aplab.ap.Apqn;
import aplab.host.Guest;
import aplab.host.Host;
import aplab.host.HostState;
import aplab.kvm.Kvm;
import aplab.sysfs.Sysfs;
import aplab.sysfs.SysfsException;
import aplab.vfioap.ApMatrix;
import aplab.vfioap.MatrixMdev;
import aplab.vfioap.VfioApOps;
import aplab.vfioap.VfioApQueue;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The model's invariants, in one place, checkable at any quiescent moment (no store, probe, scan
 * or guest start/stop in flight). Each is recomputed from scratch out of the bus, queue and mdev
 * state; none calls the driver's own filter or validation. Names as reported in {@link Violation}:
 *
 * <dl>
 * <dt>{@code crycb-in-host-and-bound}</dt>
 * <dd>Every APQN in a running guest's CRYCB (its apm x aqm) is in the host configuration (the
 *     AP bus's QCI), has a queue device, that queue is bound to {@code vfio_ap} and linked to the
 *     mdev the guest uses; every control domain in the CRYCB is in the host's adm. (The property
 *     CVE-2024-26620 broke: Linux 6.0's delta filter fails it, see {@link aplab.kernel.Kernel#V6_0}.)</dd>
 * <dt>{@code guest-matrix-is-crycb}</dt>
 * <dd>While a guest runs with an mdev ({@code mdev->kvm} is the guest's KVM), the guest's CRYCB is
 *     exactly the mdev's shadow APCB ({@code guest_matrix} and its control domains; for a format-0/1
 *     CRYCB, the shadow cut to ids 0..63 / 0..15). A guest no mdev serves has an empty CRYCB. At
 *     most one mdev serves a guest, and an mdev's KVM is a running guest's.</dd>
 * <dt>{@code removed-mdev-detached}</dt>
 * <dd>An mdev that was removed is attached to no guest: removal waits until the vfio device is closed
 *     (the vfio core's {@code vfio_unregister_group_dev} asks the user to release it and waits), and a
 *     device being unregistered cannot be opened.</dd>
 * <dt>{@code no-sharing}</dt>
 * <dd>No APQN is assigned (in {@code matrix}) to two mdevs.</dd>
 * <dt>{@code not-owned-by-default}</dt>
 * <dd>No APQN assigned to an mdev is reserved for the default drivers by {@code apmask} AND
 *     {@code aqmask}, and no such queue is bound to the default driver ({@code cex4queue}).</dd>
 * <dt>{@code bindings-follow-masks}</dt>
 * <dd>Every bound queue is bound to the driver the masks give it (the default driver iff its
 *     adapter bit is set in apmask and its domain bit in aqmask). Unbound queues are allowed: an
 *     admin may unbind, and the bus re-probes only bound queues.</dd>
 * <dt>{@code links}</dt>
 * <dd>An mdev's queue table holds exactly the vfio_ap-bound queues of its matrix's APQNs, each
 *     pointing back at it; a vfio_ap queue whose APQN no mdev has is linked to none.</dd>
 * <dt>{@code config-seen}</dt>
 * <dd>vfio_ap's copy of the QCI ({@code matrix_dev->info}) is the bus's current QCI.</dd>
 * <dt>{@code shadow-filtering}</dt>
 * <dd>{@code guest_matrix} is the kernel's filtering of {@code matrix}, in the precise form that holds
 *     in mainline at quiescence. Let H be the host configuration and F(D) the adapters that filtering
 *     keeps over a domain set D: the adapters of matrix.apm AND H.apm all of whose APQNs over D have a
 *     queue bound to vfio_ap, linked to this mdev, whose last reset response code is 0x00, 0x03 or
 *     0x04. Then, for every mdev:
 *     <ol>
 *     <li>shadow.aqm == matrix.aqm AND H.aqm (equality);</li>
 *     <li>shadow.adm == matrix.adm AND H.adm (equality);</li>
 *     <li>shadow.apm is a subset of F(shadow.aqm) (safety: nothing unusable is in the shadow).</li>
 *     </ol>
 *     Why (3) is not an equality: vfio_ap_mdev_filter_matrix rebuilds the shadow from scratch, but
 *     several paths edit the shadow without filtering again. unassign_domain
 *     ({@code vfio_ap_mdev_hot_unplug_domains}) and a host configuration change that removes a domain
 *     ({@code vfio_ap_mdev_cfg_remove}) clear the domain from shadow.aqm and leave shadow.apm alone: an
 *     adapter that the last filtering dropped only because of an APQN over that domain stays dropped
 *     until the next filtering (the next assignment, queue probe, or scan with additions), although
 *     F(shadow.aqm) now has it. unassign_adapter, queue remove and a removed adapter edit the
 *     shadow too, but in a way that keeps (3) and can only shrink F in step. Resets do not move a
 *     queue out of or into "passable" except in transients (0x01 only for an APQN that is leaving the
 *     configuration). So the shadow lags behind F only by adapters missing, never by adapters too
 *     many. Right after a path that ends in a full filtering of an mdev (a successful assignment
 *     that changed the matrix, an {@code ap_config} write), (3) is an equality:
 *     {@link #checkFilteredExactly} checks that.</dd>
 * </dl>
 *
 * <p>These are mainline's invariants. On older kernels some fail by design: 6.0 lets an
 * unbound queue into the guest (CVE-2024-26620); 5.17 has no {@code in_use} veto, no shadow and keeps
 * a removed queue's APQN in the guest. {@link #check} reports them; it does not excuse them.
 *
 * <p>A further rule is about operations, not states: a refused write changed nothing.
 * {@link #checkedWrite} performs a sysfs write and compares {@link HostState} before and after the
 * refused store.
 */
public final class Invariants {
    private Invariants() {
    }

    /** One broken invariant: its name (as in the class documentation) and what was seen. */
    public record Violation(String invariant, String detail) {
        @Override
        public String toString() {
            return invariant + ": " + detail;
        }
    }

    /** Thrown by {@link #assertHolds}: every violation, one a line. */
    public static final class InvariantException extends RuntimeException {
        private final transient List<Violation> violations;

        public InvariantException(List<Violation> violations) {
            super(render(violations), null, false, false);
            this.violations = List.copyOf(violations);
        }

        public List<Violation> violations() {
            return violations;
        }

        private static String render(List<Violation> vs) {
            StringBuilder b = new StringBuilder(vs.size() + " invariant violation(s):");
            for (Violation v : vs) {
                b.append("\n  ").append(v);
            }
            return b.toString();
        }
    }

    /** Throws {@link InvariantException} if any invariant fails. */
    public static void assertHolds(Host host) {
        List<Violation> v = check(host);
        if (!v.isEmpty()) {
            throw new InvariantException(v);
        }
    }

    /** Every violated invariant of the host's current (quiescent) state; empty if all hold. */
    public static List<Violation> check(Host host) {
        List<Violation> out = new ArrayList<>();
        ApBus bus = host.bus();
        VfioApOps vfio = host.vfioAp();
        ApConfigInfo qci = bus.qci();
        ApConfigInfo info = vfio.matrixDev().info();
        ApMask apmask = bus.apmask();
        ApMask aqmask = bus.aqmask();
        List<MatrixMdev> mdevs = vfio.mdevs();

        if (host.version().has(Commit.CONFIG_CHANGE_HANDLING) && !sameMasks(qci, info)) {
            out.add(new Violation("config-seen", "vfio_ap info apm=" + info.apm().toIdList(2) + " aqm="
                    + info.aqm().toIdList(4) + " adm=" + info.adm().toIdList(4) + " but the bus's QCI apm="
                    + qci.apm().toIdList(2) + " aqm=" + qci.aqm().toIdList(4) + " adm=" + qci.adm().toIdList(4)));
        }

        checkGuests(host, qci, mdevs, out);
        checkSharing(mdevs, out);
        checkOwnership(bus, vfio, apmask, aqmask, mdevs, out);
        checkLinks(bus, vfio, mdevs, out);
        if (host.version().has(Commit.FILTER_APCB)) {
            for (MatrixMdev m : mdevs) {
                checkShadow(bus, vfio, info, m, false, out);
            }
        }
        return out;
    }

    /**
     * The exact form of {@code shadow-filtering} that holds right after the driver filtered this
     * mdev's whole matrix (and nothing edited its shadow since): shadow.apm == F(shadow.aqm).
     * Includes every check of {@link #check}.
     */
    public static List<Violation> checkFilteredExactly(Host host, String uuid) {
        List<Violation> out = check(host);
        MatrixMdev m = host.vfioAp().mdev(uuid);
        if (m != null && host.version().has(Commit.FILTER_APCB)) {
            List<Violation> exact = new ArrayList<>();
            checkShadow(host.bus(), host.vfioAp(), host.vfioAp().matrixDev().info(), m, true, exact);
            for (Violation v : exact) {
                if (!out.contains(v)) {
                    out.add(v);
                }
            }
        }
        return out;
    }

    // ------------------------------------------------------------------ guests

    private static void checkGuests(Host host, ApConfigInfo qci, List<MatrixMdev> mdevs, List<Violation> out) {
        Map<Kvm, Guest> running = new IdentityHashMap<>();
        for (Guest g : host.guests()) {
            if (host.running(g.name())) {
                running.put(g.kvm(), g);
            }
        }
        Map<Kvm, List<MatrixMdev>> served = new IdentityHashMap<>();
        for (MatrixMdev m : mdevs) {
            Kvm k = m.kvm();
            if (k == null) {
                continue;
            }
            served.computeIfAbsent(k, x -> new ArrayList<>()).add(m);
            if (!running.containsKey(k)) {
                out.add(new Violation("guest-matrix-is-crycb", "mdev " + m.uuid() + " is attached to KVM of guest "
                        + k.name() + ", which is not running"));
            }
        }
        for (Guest g : host.guests()) {
            for (MatrixMdev m : g.mdevs()) {
                if (!mdevs.contains(m) && m.kvm() != null) {
                    out.add(new Violation("removed-mdev-detached", "mdev " + m.uuid() + " was removed but is still"
                            + " attached to the KVM of guest " + m.kvm().name()));
                }
            }
        }
        for (Guest g : host.guests()) {
            Kvm k = g.kvm();
            ApMask apm = k.apm();
            ApMask aqm = k.aqm();
            ApMask adm = k.adm();
            List<MatrixMdev> ms = served.getOrDefault(k, List.of());
            if (ms.size() > 1) {
                out.add(new Violation("guest-matrix-is-crycb", "guest " + g.name() + " is served by "
                        + ms.stream().map(MatrixMdev::uuid).toList() + " (at most one mdev per guest)"));
            }
            if (ms.isEmpty()) {
                if (!apm.isEmpty() || !aqm.isEmpty() || !adm.isEmpty()) {
                    out.add(new Violation("guest-matrix-is-crycb", "guest " + g.name()
                            + " has no mdev attached but its CRYCB holds " + crycb(k)));
                }
                continue;
            }
            MatrixMdev m = ms.get(0);
            ApMatrix sh = m.shadowApcb();
            if (!sameOrCut(apm, sh.apm(), 63) || !sameOrCut(aqm, sh.aqm(), 15) || !sameOrCut(adm, sh.adm(), 15)) {
                out.add(new Violation("guest-matrix-is-crycb", "guest " + g.name() + " CRYCB " + crycb(k)
                        + " but mdev " + m.uuid() + " guest_matrix apm=" + sh.apm().toIdList(2) + " aqm="
                        + sh.aqm().toIdList(4) + " adm=" + sh.adm().toIdList(4)));
            }
            if (!host.version().has(Commit.FILTER_APCB)) {
                continue; // 5.17 gives the guest the unfiltered matrix: nothing promises more
            }
            for (int a : apm.ids()) {
                for (int d : aqm.ids()) {
                    Apqn apqn = new Apqn(a, d);
                    String why = null;
                    ApQueue q = host.bus().queue(apqn);
                    if (!qci.hasAdapter(a) || !qci.hasUsageDomain(d)) {
                        why = "is not in the host configuration";
                    } else if (q == null) {
                        why = "has no queue device";
                    } else if (q.driver() != host.vfioAp()) {
                        why = "is bound to " + (q.driver() == null ? "no driver" : q.driver().name());
                    } else if (!(q.drvdata() instanceof VfioApQueue vq) || vq.matrixMdev() != m) {
                        why = "is not linked to mdev " + m.uuid();
                    }
                    if (why != null) {
                        out.add(new Violation("crycb-in-host-and-bound", "guest " + g.name() + " has APQN " + apqn
                                + " in its CRYCB, which " + why));
                    }
                }
            }
            ApMask strayCdoms = adm.andNot(qci.adm());
            if (!strayCdoms.isEmpty()) {
                out.add(new Violation("crycb-in-host-and-bound", "guest " + g.name() + " has control domains "
                        + strayCdoms.toIdList(4) + " that are not in the host configuration"));
            }
        }
    }

    private static boolean sameOrCut(ApMask crycb, ApMask shadow, int formatZeroMax) {
        return crycb.equals(shadow) || crycb.equals(shadow.limit(formatZeroMax));
    }

    private static String crycb(Kvm k) {
        return "apm=" + k.apm().toIdList(2) + " aqm=" + k.aqm().toIdList(4) + " adm=" + k.adm().toIdList(4);
    }

    // ------------------------------------------------------------------ assignment

    private static void checkSharing(List<MatrixMdev> mdevs, List<Violation> out) {
        for (int i = 0; i < mdevs.size(); i++) {
            ApMatrix a = mdevs.get(i).matrix();
            for (int j = i + 1; j < mdevs.size(); j++) {
                ApMatrix b = mdevs.get(j).matrix();
                ApMask apm = a.apm().and(b.apm());
                ApMask aqm = a.aqm().and(b.aqm());
                if (!apm.isEmpty() && !aqm.isEmpty()) {
                    out.add(new Violation("no-sharing", "mdevs " + mdevs.get(i).uuid() + " and " + mdevs.get(j).uuid()
                            + " both have APQN(s) " + apqns(apm, aqm)));
                }
            }
        }
    }

    private static void checkOwnership(ApBus bus, VfioApOps vfio, ApMask apmask, ApMask aqmask,
            List<MatrixMdev> mdevs, List<Violation> out) {
        for (MatrixMdev m : mdevs) {
            ApMatrix mx = m.matrix();
            ApMask apm = mx.apm().and(apmask);
            ApMask aqm = mx.aqm().and(aqmask);
            if (!apm.isEmpty() && !aqm.isEmpty()) {
                out.add(new Violation("not-owned-by-default", "mdev " + m.uuid() + " has APQN(s) " + apqns(apm, aqm)
                        + " that apmask/aqmask reserve for the default drivers"));
            }
            for (int a : mx.apm().ids()) {
                for (int d : mx.aqm().ids()) {
                    ApQueue q = bus.queue(new Apqn(a, d));
                    if (q != null && q.driver() != null && q.driver().isDefault()) {
                        out.add(new Violation("not-owned-by-default", "mdev " + m.uuid() + " has APQN " + q.name()
                                + ", whose queue is bound to " + q.driver().name()));
                    }
                }
            }
        }
        for (ApQueue q : bus.queues().values()) {
            ApDriver d = q.driver();
            if (d == null) {
                continue;
            }
            boolean reserved = apmask.test(q.apqn().apid()) && aqmask.test(q.apqn().apqi());
            if (reserved != d.isDefault()) {
                out.add(new Violation("bindings-follow-masks", "queue " + q.name() + " is bound to " + d.name()
                        + " but apmask/aqmask give it to " + (reserved ? "the default driver" : "vfio_ap")));
            }
        }
    }

    private static void checkLinks(ApBus bus, VfioApOps vfio, List<MatrixMdev> mdevs, List<Violation> out) {
        Map<VfioApQueue, MatrixMdev> owner = new IdentityHashMap<>();
        for (MatrixMdev m : mdevs) {
            ApMatrix mx = m.matrix();
            Map<Apqn, VfioApQueue> table = m.qtable();
            Set<Apqn> expected = new TreeSet<>();
            for (int a : mx.apm().ids()) {
                for (int d : mx.aqm().ids()) {
                    Apqn apqn = new Apqn(a, d);
                    ApQueue q = bus.queue(apqn);
                    if (q != null && q.driver() == vfio && q.drvdata() instanceof VfioApQueue) {
                        expected.add(apqn);
                    }
                }
            }
            if (!expected.equals(new TreeSet<>(table.keySet()))) {
                out.add(new Violation("links", "mdev " + m.uuid() + " links " + new TreeSet<>(table.keySet())
                        + " but its matrix has these APQNs bound to vfio_ap: " + expected));
            }
            for (Map.Entry<Apqn, VfioApQueue> e : table.entrySet()) {
                VfioApQueue vq = e.getValue();
                ApQueue q = bus.queue(e.getKey());
                if (q == null || q.drvdata() != vq) {
                    out.add(new Violation("links", "mdev " + m.uuid() + " links a stale queue object for " + e.getKey()));
                }
                if (vq.matrixMdev() != m) {
                    out.add(new Violation("links", "queue " + e.getKey() + " is in mdev " + m.uuid()
                            + "'s table but points to " + (vq.matrixMdev() == null ? "none" : vq.matrixMdev().uuid())));
                }
                owner.put(vq, m);
            }
        }
        for (ApQueue q : bus.queues().values()) {
            if (q.driver() == vfio && q.drvdata() instanceof VfioApQueue vq && vq.matrixMdev() != null
                    && owner.get(vq) != vq.matrixMdev()) {
                out.add(new Violation("links", "queue " + q.name() + " points to mdev " + vq.matrixMdev().uuid()
                        + ", which does not link it"));
            }
        }
    }

    // ------------------------------------------------------------------ filtering

    /**
     * The adapters filtering keeps for mdev {@code m} over the domains {@code domains}, recomputed
     * from the bus and queue state: matrix.apm AND host apm, less every adapter with an APQN over
     * {@code domains} whose queue is missing, not bound to vfio_ap, not linked to {@code m}, or whose
     * last reset response code is not 0x00, 0x03 or 0x04.
     */
    public static ApMask keptAdapters(ApBus bus, VfioApOps vfio, ApConfigInfo host, MatrixMdev m, ApMask domains) {
        ApMask kept = m.matrix().apm().and(host.apm());
        for (int a : kept.ids()) {
            for (int d : domains.ids()) {
                if (!passable(bus, vfio, m, new Apqn(a, d))) {
                    kept.clear(a);
                    break;
                }
            }
        }
        return kept;
    }

    private static boolean passable(ApBus bus, VfioApOps vfio, MatrixMdev m, Apqn apqn) {
        ApQueue q = bus.queue(apqn);
        if (q == null || q.driver() != vfio || !(q.drvdata() instanceof VfioApQueue vq) || vq.matrixMdev() != m) {
            return false;
        }
        int rc = vq.resetRc();
        return rc == VfioApQueue.RC_NORMAL || rc == VfioApQueue.RC_DECONFIGURED || rc == VfioApQueue.RC_CHECKSTOPPED;
    }

    private static void checkShadow(ApBus bus, VfioApOps vfio, ApConfigInfo info, MatrixMdev m, boolean exact,
            List<Violation> out) {
        ApMatrix mx = m.matrix();
        ApMatrix sh = m.shadowApcb();
        ApMask wantAqm = mx.aqm().and(info.aqm());
        ApMask wantAdm = mx.adm().and(info.adm());
        if (!sh.aqm().equals(wantAqm)) {
            out.add(new Violation("shadow-filtering", "mdev " + m.uuid() + " shadow aqm=" + sh.aqm().toIdList(4)
                    + " but matrix aqm AND host aqm = " + wantAqm.toIdList(4)));
        }
        if (!sh.adm().equals(wantAdm)) {
            out.add(new Violation("shadow-filtering", "mdev " + m.uuid() + " shadow adm=" + sh.adm().toIdList(4)
                    + " but matrix adm AND host adm = " + wantAdm.toIdList(4)));
        }
        ApMask kept = keptAdapters(bus, vfio, info, m, sh.aqm());
        ApMask extra = sh.apm().andNot(kept);
        if (!extra.isEmpty()) {
            out.add(new Violation("shadow-filtering", "mdev " + m.uuid() + " shadow has adapter(s) "
                    + extra.toIdList(2) + " that filtering drops (not in matrix AND host, or an APQN over shadow"
                    + " domains " + sh.aqm().toIdList(4) + " is not bound to vfio_ap, not linked, or not reset cleanly)"));
        }
        if (exact) {
            ApMask missing = kept.andNot(sh.apm());
            if (!missing.isEmpty()) {
                out.add(new Violation("shadow-filtering", "mdev " + m.uuid() + " was just filtered but its shadow lacks"
                        + " adapter(s) " + missing.toIdList(2) + " that filtering keeps"));
            }
        }
    }

    private static boolean sameMasks(ApConfigInfo a, ApConfigInfo b) {
        return a.apm().equals(b.apm()) && a.aqm().equals(b.aqm()) && a.adm().equals(b.adm());
    }

    private static String apqns(ApMask apm, ApMask aqm) {
        List<String> out = new ArrayList<>();
        for (int a : apm.ids()) {
            for (int d : aqm.ids()) {
                out.add(new Apqn(a, d).toString());
                if (out.size() == 8) {
                    out.add("...");
                    return String.join(",", out);
                }
            }
        }
        return String.join(",", out);
    }

    // ------------------------------------------------------------------ refused writes

    /**
     * The outcome of {@link #checkedWrite}: the errno (null: accepted) and a violation (or null).
     * {@code blocked}: the write blocks in the kernel (a remove of an mdev a guest holds on a
     * kernel without the vfio request callback, {@link aplab.vfioap.BlockedWrite}); it is neither
     * refused nor done, and the pending removal is state it may change.
     */
    public record WriteResult(aplab.kernel.Errno errno, SysfsException.Phase phase, Violation violation, boolean blocked) {
        WriteResult(aplab.kernel.Errno errno, SysfsException.Phase phase, Violation violation) {
            this(errno, phase, violation, false);
        }
    }

    private static final WriteResult BLOCKED = new WriteResult(null, null, null, true);

    /**
     * Writes {@code data} to {@code path} as {@link Sysfs#write} does (page-sized stores, the first
     * refusal ends the write) and checks that the refused store changed nothing: the
     * {@link HostState#withCounters} right before that store equals the one after (so a refused write
     * must not even reset a queue or push the same masks to a guest again). Stores before it were
     * accepted and may have changed the state. Call it on a quiescent host only.
     */
    public static WriteResult checkedWrite(Host host, Sysfs sysfs, String path, String data) {
        if (data.length() <= Sysfs.PAGE_SIZE) {
            String before = HostState.withCounters(host);
            try {
                sysfs.write(path, data);
                return new WriteResult(null, null, null);
            } catch (SysfsException e) {
                return refused(e, before, HostState.withCounters(host), path, data);
            } catch (aplab.vfioap.BlockedWrite e) {
                return BLOCKED;
            }
        }
        for (int off = 0; off < data.length(); off += Sysfs.PAGE_SIZE) {
            String piece = data.substring(off, Math.min(data.length(), off + Sysfs.PAGE_SIZE));
            String before = HostState.withCounters(host);
            try {
                sysfs.write(path, piece);
            } catch (SysfsException e) {
                return refused(e, before, HostState.withCounters(host), path, piece);
            } catch (aplab.vfioap.BlockedWrite e) {
                return BLOCKED;
            }
        }
        return new WriteResult(null, null, null);
    }

    private static WriteResult refused(SysfsException e, String before, String after, String path, String data) {
        Violation v = null;
        if (!before.equals(after)) {
            v = new Violation("refused-write-changed-nothing", "write of " + printable(data) + " to " + path
                    + " failed with " + e.errno() + " but changed the state:\n" + diff(before, after));
        }
        return new WriteResult(e.errno(), e.phase(), v);
    }

    /** The lines only in {@code before} (-) and only in {@code after} (+). */
    public static String diff(String before, String after) {
        List<String> a = List.of(before.split("\n"));
        List<String> b = List.of(after.split("\n"));
        StringBuilder out = new StringBuilder();
        for (String l : a) {
            if (!b.contains(l)) {
                out.append("    - ").append(l).append('\n');
            }
        }
        for (String l : b) {
            if (!a.contains(l)) {
                out.append("    + ").append(l).append('\n');
            }
        }
        return out.toString();
    }

    /** A short Java-escaped rendering of written bytes for messages. */
    public static String printable(String s) {
        StringBuilder b = new StringBuilder("\"");
        int n = Math.min(s.length(), 60);
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            if (c == '\n') {
                b.append("\\n");
            } else if (c == '"' || c == '\\') {
                b.append('\\').append(c);
            } else if (c < 0x20 || c >= 0x7f) {
                b.append(String.format("\\u%04x", (int) c));
            } else {
                b.append(c);
            }
        }
        if (s.length() > n) {
            b.append("...(").append(s.length()).append(" chars)");
        }
        return b.append('"').toString();
    }
}
