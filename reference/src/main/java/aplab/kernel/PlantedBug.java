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
    SKIP_UNPLUG_ON_REMOVE;

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
