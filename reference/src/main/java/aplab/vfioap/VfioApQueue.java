package aplab.vfioap;

import aplab.ap.Apqn;

/**
 * {@code struct vfio_ap_queue}: the driver's object for a queue bound to vfio_ap, its link to the
 * mdev that has its APQN assigned (or null), and the response code of its last reset
 * ({@code reset_status.response_code}). Guarded by {@code mdevs_lock}.
 */
public final class VfioApQueue {
    /** AP_RESPONSE_NORMAL, _Q_NOT_AVAIL, _DECONFIGURED, _CHECKSTOPPED, _RESET_IN_PROGRESS, _BUSY. */
    public static final int RC_NORMAL = 0x00;
    public static final int RC_Q_NOT_AVAIL = 0x01;
    public static final int RC_DECONFIGURED = 0x03;
    public static final int RC_CHECKSTOPPED = 0x04;

    private final Apqn apqn;
    MatrixMdev matrixMdev;
    int resetRc = RC_NORMAL;
    int resets;
    /** When it was last linked into its mdev's qtable (hash_add order, for hash_for_each). */
    long linkSeq;

    VfioApQueue(Apqn apqn) {
        this.apqn = apqn;
    }

    public Apqn apqn() {
        return apqn;
    }

    public MatrixMdev matrixMdev() {
        return matrixMdev;
    }

    public int resetRc() {
        return resetRc;
    }

    /** How many times the queue was reset (ZAPQ) since it was probed. */
    public int resets() {
        return resets;
    }

    /**
     * _queue_passable (6.6+): a queue can be given to a guest if its last reset ended normally or
     * found it deconfigured or checkstopped. (6.0 wanted 0x00 only.)
     */
    boolean passable(boolean mainline) {
        if (!mainline) {
            return resetRc == RC_NORMAL;
        }
        return resetRc == RC_NORMAL || resetRc == RC_DECONFIGURED || resetRc == RC_CHECKSTOPPED;
    }
}
