package aplab.host;

import aplab.ap.ApCard;
import aplab.ap.ApConfigInfo;
import aplab.ap.ApMask;
import aplab.ap.ApQueue;
import aplab.kvm.Kvm;
import aplab.lockdep.TrackedLock;
import aplab.vfioap.ApMatrix;
import aplab.vfioap.MatrixMdev;
import aplab.vfioap.VfioApOps;
import aplab.vfioap.VfioApQueue;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/**
 * The whole state of a modelled host as text, one fact per line, in a fixed section order with the
 * lines of each section sorted: the kernel version; the QCI (apm, aqm, adm, apxa, Na, Nd) and
 * vfio_ap's copy of it ({@code matrix_dev->info}); {@code apmask}/{@code aqmask}; every card (type,
 * config); every queue (bound driver, and while bound to vfio_ap its last reset response code and
 * the mdev it is linked to); every mdev (matrix and limits, shadow APCB, guest, linked APQNs);
 * {@code available_instances}; every guest (running, its vfio-ap devices, its CRYCB masks).
 *
 * <p>Two hosts in the same state give the same text: no hash order, no identity hashes, no times,
 * no history. So an explorer can deduplicate states with {@link #of}, and "a refused write changed
 * nothing" is a string comparison.
 *
 * <p>{@link #withCounters} adds event counters: per queue the resets since it was probed, per mdev
 * the CRYCB pushes from it, per guest the CRYCB updates. Use it for "a refused write changed
 * nothing" (a refused write must neither reset a queue nor touch a guest: a reset that ends with
 * the same response code and a push of the same masks are invisible to {@link #of}). Counters only
 * grow, so they do not belong in a state's identity.
 *
 * <p>What the model keeps package-private and offers no accessor for is not shown: an mdev's
 * pending {@code apm_add}/{@code aqm_add}/{@code adm_add} (empty whenever a scan is not running),
 * its vfio "open" flag (the guest lines show which devices a running guest has open), injected
 * reset faults not yet consumed.
 *
 * <p>Reading changes nothing. It takes {@code ap_perms_mutex} alone (for the masks) and
 * {@code mdevs_lock} alone (for the driver's state), never nested, so it adds no lock-order
 * dependency as long as the caller holds no lock. Call it on a quiescent host, holding no lock: an
 * operation running on another thread may be half done.
 */
public final class HostState {
    private HostState() {
    }

    /** The state: equal for hosts in the same state however they got there. */
    public static String of(Host host) {
        return render(host, false);
    }

    /** The state and the event counters (resets per queue, CRYCB pushes per mdev and guest). */
    public static String withCounters(Host host) {
        return render(host, true);
    }

    private static String render(Host host, boolean counters) {
        List<String> out = new ArrayList<>();
        out.add("kernel " + host.version().release());
        ApConfigInfo qci = host.bus().qci();
        out.add("qci " + config(qci));
        // ap_perms_mutex alone, before any other lock is held
        ApMask apmask = host.bus().apmask();
        ApMask aqmask = host.bus().aqmask();
        out.add("apmask " + apmask.toHex());
        out.add("aqmask " + aqmask.toHex());
        aplab.ap.ApBusAttributes a = host.bus().attributes();
        out.add("ap_bus ap_domain=" + a.domainIndex() + " config_time=" + a.configTime()
                + " poll_thread=" + (a.pollThread() ? 1 : 0) + " poll_timeout=" + Long.toUnsignedString(a.pollTimeout()));
        for (ApCard c : host.bus().cards().values()) {
            out.add("card " + c.name() + " type=" + c.type() + " config=" + (c.config() ? 1 : 0)
                    + " online=" + (c.zcryptOnline() ? 1 : 0));
        }
        // available_instances_show takes mdevs_lock itself
        out.add("available_instances " + host.vfioAp().availableInstancesShow().strip());
        VfioApOps vfio = host.vfioAp();
        TrackedLock mdevsLock = vfio.matrixDev().mdevsLock();
        boolean take = !mdevsLock.isHeldByCurrentThread();
        if (take) {
            mdevsLock.lock();
        }
        try {
            out.add("vfio_ap info " + config(vfio.matrixDev().info()));
            for (ApQueue q : host.bus().queues().values()) {
                out.add(queue(q, counters));
            }
            List<MatrixMdev> mdevs = new ArrayList<>(vfio.mdevs());
            mdevs.sort(Comparator.comparing(MatrixMdev::uuid));
            for (MatrixMdev m : mdevs) {
                out.addAll(mdev(vfio, m, counters));
            }
        } finally {
            if (take) {
                mdevsLock.unlock();
            }
        }
        List<Guest> guests = new ArrayList<>(host.guests());
        guests.sort(Comparator.comparing(Guest::name));
        for (Guest g : guests) {
            out.add(guest(host, g, counters));
        }
        return String.join("\n", out) + "\n";
    }

    private static String config(ApConfigInfo c) {
        return "apm=" + c.apm().toHex() + " aqm=" + c.aqm().toHex() + " adm=" + c.adm().toHex()
                + " apxa=" + (c.apxa() ? 1 : 0) + " na=" + c.na() + " nd=" + c.nd() + (c.apsb() ? " apsb=1" : "");
    }

    private static String queue(ApQueue q, boolean counters) {
        StringBuilder b = new StringBuilder("queue ").append(q.name()).append(" driver=")
                .append(q.driver() == null ? "none" : q.driver().name())
                .append(" dev_state=").append(q.devState().name().toLowerCase(Locale.ROOT))
                .append(" config=").append(q.config() ? 1 : 0)
                .append(" sm_state=").append(q.resetInProgress() ? "reset_start" : "idle")
                .append(" irq=").append(q.interruptsEnabled() ? 1 : 0);
        if (q.drvdata() instanceof aplab.ap.Cex4QueueDriver.ZcryptQueue zq) {
            b.append(" online=").append(zq.online() ? 1 : 0);
        }
        if (q.drvdata() instanceof VfioApQueue vq) {
            b.append(String.format(Locale.ROOT, " reset_rc=0x%02x", vq.resetRc()));
            if (counters) {
                b.append(" resets=").append(vq.resets());
            }
            b.append(" link=").append(vq.matrixMdev() == null ? "none" : vq.matrixMdev().uuid());
        }
        return b.toString();
    }

    private static List<String> mdev(VfioApOps vfio, MatrixMdev m, boolean counters) {
        ApMatrix mx = m.matrix();
        ApMatrix sh = m.shadowApcb();
        Kvm kvm = m.kvm();
        List<String> out = new ArrayList<>();
        String p = "mdev " + m.uuid() + " ";
        out.add(p + "matrix " + masks(mx) + " max=" + mx.apmMax() + "/" + mx.aqmMax() + "/" + mx.admMax());
        out.add(p + "shadow " + masks(sh) + " max=" + sh.apmMax() + "/" + sh.aqmMax() + "/" + sh.admMax());
        out.add(p + "kvm=" + (kvm == null ? "none" : kvm.name())
                + (counters ? " pushes=" + vfio.guestUpdates(m) : ""));
        out.add(p + "qtable=" + (m.qtable().isEmpty() ? "none"
                : String.join(",", m.qtable().keySet().stream().sorted().map(Object::toString).toList())));
        return out;
    }

    private static String masks(ApMatrix x) {
        return "apm=" + x.apm().toIdList(2) + " aqm=" + x.aqm().toIdList(4) + " adm=" + x.adm().toIdList(4);
    }

    private static String guest(Host host, Guest g, boolean counters) {
        Kvm kvm = g.kvm();
        List<String> devices = g.mdevs().stream().map(MatrixMdev::uuid).sorted().toList();
        return "guest " + g.name() + " running=" + (host.running(g.name()) ? 1 : 0)
                + " mdevs=" + (devices.isEmpty() ? "none" : String.join(",", devices))
                + " crycb apm=" + kvm.apm().toIdList(2) + " aqm=" + kvm.aqm().toIdList(4)
                + " adm=" + kvm.adm().toIdList(4)
                + (counters ? " updates=" + kvm.updates().size() : "");
    }
}
