package aplab.kernel;

/**
 * A refusal by the modelled kernel: the negative errno a sysfs store or a kernel function returns.
 * Thrown only after the operation has undone whatever it had started, so the model is unchanged.
 */
public class KernelException extends RuntimeException {
    private final Errno errno;

    public KernelException(Errno errno) {
        this(errno, errno.strerror());
    }

    public KernelException(Errno errno, String detail) {
        super(detail, null, false, false);
        this.errno = errno;
    }

    public Errno errno() {
        return errno;
    }
}
