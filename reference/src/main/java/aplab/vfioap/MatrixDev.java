package aplab.vfioap;

import aplab.ap.ApConfigInfo;
import aplab.kernel.Kernel;
import aplab.lockdep.LockDep;
import aplab.lockdep.TrackedLock;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * {@code struct ap_matrix_dev}, the singleton {@code /sys/devices/vfio_ap/matrix}: vfio_ap's copy
 * of the host's QCI ({@code info}), the list of mdevs, {@code guests_lock} and {@code mdevs_lock}.
 * Before the dynamic series the one driver lock was {@code matrix_dev->lock}.
 */
public final class MatrixDev {
    /** MAX_ZDEV_ENTRIES_EXT */
    public static final int MAX_INSTANCES = 65536;

    final TrackedLock guestsLock;
    final TrackedLock mdevsLock;
    /**
     * mdev_list: the kernel adds at the head (list_add), so the newest mdev comes first. Changed
     * under the kernel's locks; copy-on-write so that the model's own lookups (sysfs directory
     * listings, QEMU opening a device) need no kernel lock.
     */
    final List<MatrixMdev> mdevList = new CopyOnWriteArrayList<>();
    volatile ApConfigInfo info;
    int availableInstances = MAX_INSTANCES;

    MatrixDev(LockDep lockdep, Kernel version, ApConfigInfo info) {
        this.guestsLock = lockdep.newLock("guests_lock");
        this.mdevsLock = lockdep.newLock(version.has(aplab.kernel.Commit.MDEVS_LOCK) ? "mdevs_lock" : "matrix_dev->lock");
        this.info = info;
    }

    public TrackedLock guestsLock() {
        return guestsLock;
    }

    public TrackedLock mdevsLock() {
        return mdevsLock;
    }

    public ApConfigInfo info() {
        return info;
    }
}
