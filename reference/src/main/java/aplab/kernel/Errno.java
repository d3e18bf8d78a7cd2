package aplab.kernel;

/**
 * The Linux errno values the model returns, with glibc's {@code strerror} text (what bash prints
 * after {@code write error:}).
 */
public enum Errno {
    EPERM(1, "Operation not permitted"),
    ENOENT(2, "No such file or directory"),
    EIO(5, "Input/output error"),
    EAGAIN(11, "Resource temporarily unavailable"),
    ENOMEM(12, "Cannot allocate memory"),
    EACCES(13, "Permission denied"),
    EBUSY(16, "Device or resource busy"),
    EEXIST(17, "File exists"),
    ENODEV(19, "No such device"),
    ENOTDIR(20, "Not a directory"),
    EISDIR(21, "Is a directory"),
    EINVAL(22, "Invalid argument"),
    ERANGE(34, "Numerical result out of range"),
    ELOOP(40, "Too many levels of symbolic links"),
    EUSERS(87, "Too many users"),
    EOPNOTSUPP(95, "Operation not supported"),
    EADDRINUSE(98, "Address already in use"),
    EADDRNOTAVAIL(99, "Cannot assign requested address");

    private final int number;
    private final String text;

    Errno(int number, String text) {
        this.number = number;
        this.text = text;
    }

    /** The positive errno number (the kernel returns its negation). */
    public int number() {
        return number;
    }

    /** glibc's strerror() text. */
    public String strerror() {
        return text;
    }
}
