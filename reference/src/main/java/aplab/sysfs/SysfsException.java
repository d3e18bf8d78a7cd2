package aplab.sysfs;

import aplab.kernel.Errno;

/**
 * A failed sysfs access: at open (no such path, permission, a directory) or in the attribute's
 * show/store (the kernel's errno).
 */
public final class SysfsException extends RuntimeException {
    /** Where it failed: opening the path, or the read/write itself. */
    public enum Phase { OPEN, IO }

    private final Errno errno;
    private final Phase phase;

    public SysfsException(Errno errno, Phase phase) {
        super(errno.strerror(), null, false, false);
        this.errno = errno;
        this.phase = phase;
    }

    public Errno errno() {
        return errno;
    }

    public Phase phase() {
        return phase;
    }
}
