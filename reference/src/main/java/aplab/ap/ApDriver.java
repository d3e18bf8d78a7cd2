package aplab.ap;

/**
 * An AP device driver as the bus sees it ({@code struct ap_driver}, drivers/s390/crypto/ap_bus.h):
 * probe/remove of queue devices, the {@code in_use} veto for mask changes, and the configuration
 * change callbacks.
 */
public interface ApDriver {
    /** The driver's sysfs name ({@code cex4queue}, {@code vfio_ap}). */
    String name();

    /** AP_DRIVER_FLAG_DEFAULT: this driver takes the queues that apmask/aqmask reserve. */
    boolean isDefault();

    /** The bus match on the driver's device id table (queue types). */
    boolean matches(ApQueue queue);

    /** The driver's probe for a queue device; the bus holds the queue's device lock. */
    void probe(ApQueue queue);

    /** The driver's remove for a queue device; the bus holds the queue's device lock. */
    void remove(ApQueue queue);

    /**
     * {@code in_use(apm, aqm)}: whether any APQN of apm x aqm is in use by the driver (an errno,
     * or null). Called with {@code ap_perms_mutex} held.
     */
    default aplab.kernel.Errno inUse(ApMask apm, ApMask aqm) {
        return null;
    }

    /** {@code on_config_changed(new, old)}: called before the bus adds or removes devices. */
    default void onConfigChanged(ApConfigInfo cur, ApConfigInfo prev) {
    }

    /** {@code on_scan_complete(new, old)}: called after the bus has added and removed devices. */
    default void onScanComplete(ApConfigInfo cur, ApConfigInfo prev) {
    }
}
