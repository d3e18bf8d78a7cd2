package aplab.vfioap;

/**
 * A sysfs write that blocks in the kernel (it would not return until something else happens, e.g.
 * a guest stopping). The shell prints its message in one line instead of hanging; the model
 * finishes the operation when the awaited event comes. Callers that only know errnos (the
 * explorer, stress) see EBUSY: the operation has not completed.
 */
public final class BlockedWrite extends aplab.kernel.KernelException {
    private static final long serialVersionUID = 1L;

    public BlockedWrite(String message) {
        super(aplab.kernel.Errno.EBUSY, message);
    }
}
