package aplab.kernel;

import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;

/**
 * Defects that can be planted in the model on purpose, to show that the goldens, the invariant
 * checks and the explorer catch them. None is active unless asked for: by the system property
 * {@code aplab.plant} (comma-separated names, e.g. {@code -Daplab.plant=skip_hotplug_on_assign}) or
 * by the {@code Host} constructor.
 */
public enum PlantedBug {
    /** assign_adapter/assign_domain filter but never push the new shadow to a running guest. */
    SKIP_HOTPLUG_ON_ASSIGN,
    /** assignment skips vfio_ap_mdev_verify_no_sharing: two mdevs can get the same APQN. */
    SKIP_SHARING_CHECK,
    /** queue remove leaves the adapter in the shadow (no hot unplug when a queue leaves vfio_ap). */
    SKIP_UNPLUG_ON_REMOVE,
    /**
     * The AP bus's old {@code bind}: the queue looked up before the device lock is probed without
     * re-checking that it is still registered (__driver_probe_device's ENODEV for a dead device), so
     * a configuration change in between links a stale queue object into an mdev. A race: only
     * concurrent schedules show it.
     */
    BIND_STALE_DEVICE,
    /**
     * The AP bus's old probe order: ap_device_probe's ownership check runs before dev->driver is
     * set (really_probe sets it first), so a mask write in between sees an unbound queue, skips it,
     * and the queue stays with the driver the masks no longer give it. A race.
     */
    LATE_DRIVER_SET;

    /** Defects only a concurrent schedule shows (a sequential run never opens their window). */
    public boolean race() {
        return this == BIND_STALE_DEVICE || this == LATE_DRIVER_SET;
    }

    /** The bugs named by the {@code aplab.plant} system property (none if unset). */
    public static Set<PlantedBug> fromSystemProperty() {
        String v = System.getProperty("aplab.plant", "").trim();
        Set<PlantedBug> out = EnumSet.noneOf(PlantedBug.class);
        if (v.isEmpty()) {
            return out;
        }
        for (String name : v.split(",")) {
            out.add(PlantedBug.valueOf(name.trim().toUpperCase(Locale.ROOT)));
        }
        return out;
    }
}
