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
    /** For each APID, the APQIs of linked queues that can be passed through (an index of qtable). */
    final ApMask[] passable = new ApMask[ApMask.BITS];
    final ApMask apmAdd = new ApMask();
    final ApMask aqmAdd = new ApMask();
    final ApMask admAdd = new ApMask();

    MatrixMdev(String uuid) {
        this.uuid = uuid;
        for (int i = 0; i < passable.length; i++) {
            passable[i] = new ApMask();
        }
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
