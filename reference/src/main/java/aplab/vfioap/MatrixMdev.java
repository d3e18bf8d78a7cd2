package aplab.vfioap;

import aplab.ap.ApMask;
import aplab.ap.Apqn;
import aplab.kvm.Kvm;
import java.util.Map;
import java.util.TreeMap;

/**
 * {@code struct ap_matrix_mdev}: one {@code vfio_ap-passthrough} mediated device: its
 * {@code matrix} (as assigned), its {@code shadow_apcb} (the filtered configuration the guest gets,
 * shown as {@code guest_matrix}), the guest it is attached to ({@code kvm}), the queues linked to it
 * ({@code qtable}) and what a pending host configuration change added ({@code apm_add},
 * {@code aqm_add}, {@code adm_add}). Every field is guarded by {@code mdevs_lock}; {@code kvm} is
 * also stable under {@code guests_lock}.
 */
public final class MatrixMdev {
    private final String uuid;
    final ApMatrix matrix = new ApMatrix();
    final ApMatrix shadowApcb = new ApMatrix();
    volatile Kvm kvm;
    /** Opened by a vfio user (QEMU) that may not yet have set the KVM pointer. */
    volatile boolean open;
    /** vfio_unregister_group_dev has begun: the device can no longer be opened. */
    volatile boolean removing;
    /** A remove waits for the guest to let the device go (a kernel without the request callback). */
    volatile boolean removePending;
    final Map<Apqn, VfioApQueue> qtable = new TreeMap<>();
    /**
     * The APQN whose queue was hash_add'ed a second time (a kernel without "Ignore duplicate link
     * requests in vfio_ap_mdev_link_queue"): its hash list now points to itself. Null normally.
     */
    volatile Apqn loopedApqn;
    /**
     * For each APID, the APQIs of linked queues that can be passed through (an index of qtable).
     * A row is allocated when first set (most of 256 adapters never have a linked queue): read it
     * with {@link #passableRow}, change it with {@link #passableRowForUpdate}. The array itself is
     * allocated with the first row (an mdev without linked queues, and every copy of one, has none).
     */
    private ApMask[] passable;
    private static final ApMask NO_PASSABLE = new ApMask();
    final ApMask apmAdd = new ApMask();
    final ApMask aqmAdd = new ApMask();
    final ApMask admAdd = new ApMask();

    MatrixMdev(String uuid) {
        this.uuid = uuid;
    }

    /**
     * The mdev's matrix and shadow APCB (masks word by word, then the limits) and its linked APQNs
     * ({@code apid << 8 | apqi}, ascending) as numbers, without copying anything: for state
     * fingerprints. Call it under {@code mdevs_lock}.
     */
    public void digest(java.util.function.LongConsumer out) {
        digest(matrix, out);
        digest(shadowApcb, out);
        out.accept(qtable.size());
        for (Apqn a : qtable.keySet()) { // a TreeMap: ascending
            out.accept(((long) a.apid() << 8) | a.apqi());
        }
    }

    private static void digest(ApMatrix x, java.util.function.LongConsumer out) {
        digest(x.apm, out);
        digest(x.aqm, out);
        digest(x.adm, out);
        out.accept(((long) x.apmMax << 32) | ((long) x.aqmMax << 16) | x.admMax);
    }

    private static void digest(ApMask mask, java.util.function.LongConsumer out) {
        for (int w = 0; w < ApMask.BITS / 64; w++) {
            out.accept(mask.word(w));
        }
    }

    /** The passable APQIs of adapter {@code apid} (an empty mask if none; do not change it). */
    ApMask passableRow(int apid) {
        ApMask row = passable == null ? null : passable[apid];
        return row == null ? NO_PASSABLE : row;
    }

    /** The passable rows indexed by APID (null entries: none), or null if no row was ever set. */
    ApMask[] passableRows() {
        return passable;
    }

    /** Takes {@code apqi} out of adapter {@code apid}'s passable row, if it has one. */
    void clearPassable(int apid, int apqi) {
        ApMask row = passable == null ? null : passable[apid];
        if (row != null) {
            row.clear(apqi);
        }
    }

    /** The row of adapter {@code apid}, allocated if needed, to be changed. */
    ApMask passableRowForUpdate(int apid) {
        if (passable == null) {
            passable = new ApMask[ApMask.BITS];
        }
        ApMask row = passable[apid];
        if (row == null) {
            row = new ApMask();
            passable[apid] = row;
        }
        return row;
    }

    /**
     * A copy for a copied host: every field; {@code kvm} and the queues of {@code qtable} are
     * replaced by their images ({@code kvmImage}, {@code queueImage}), which must already exist.
     */
    MatrixMdev copy(java.util.function.UnaryOperator<Kvm> kvmImage,
            java.util.function.UnaryOperator<VfioApQueue> queueImage) {
        MatrixMdev c = new MatrixMdev(uuid);
        c.matrix.copyFrom(matrix);
        c.shadowApcb.copyFrom(shadowApcb);
        c.kvm = kvm == null ? null : kvmImage.apply(kvm);
        c.open = open;
        c.removing = removing;
        c.loopedApqn = loopedApqn;
        qtable.forEach((apqn, q) -> c.qtable.put(apqn, queueImage.apply(q)));
        for (int i = 0; passable != null && i < passable.length; i++) {
            if (passable[i] != null && !passable[i].isEmpty()) {
                c.passableRowForUpdate(i).assign(passable[i]);
            }
        }
        c.apmAdd.assign(apmAdd);
        c.aqmAdd.assign(aqmAdd);
        c.admAdd.assign(admAdd);
        return c;
    }

    public String uuid() {
        return uuid;
    }

    /** The guest the mdev is attached to, or null. */
    public Kvm kvm() {
        return kvm;
    }

    /** A copy of the assigned matrix (read it under mdevs_lock for a consistent view). */
    public ApMatrix matrix() {
        return matrix.snapshot();
    }

    /** A copy of the shadow APCB. */
    public ApMatrix shadowApcb() {
        return shadowApcb.snapshot();
    }

    public Map<Apqn, VfioApQueue> qtable() {
        return Map.copyOf(qtable);
    }
}
