package aplab.kernel;

/**
 * The kernels the model can run as. The default is {@link #MAINLINE}; the others exist so that a
 * reviewer can see a behaviour before and after a change.
 *
 * <ul>
 *   <li>{@link #PRE_DYNAMIC}: Linux 5.17, before the dynamic configuration series: no shadow APCB
 *       and no {@code guest_matrix}; assignment with a guest attached fails with EBUSY; assignment
 *       needs the queues bound to vfio_ap; the guest gets the unfiltered matrix at start; the AP bus
 *       has no {@code in_use} veto.</li>
 *   <li>{@link #V6_0}: Linux 6.0, the v20 series as merged (v18 plus review): filtering examines only
 *       the newly assigned APID or APQI ({@code apm_delta}/{@code aqm_delta}), the defect behind
 *       CVE-2024-26620; no {@code ap_config}, no {@code features}. Queue links behave as after the
 *       2022 fixes ("bypass unnecessary processing", "fix unlinking of queues from the mdev"): the
 *       qtable corruption on a duplicate assignment and the stale links after unassign are not
 *       modelled.</li>
 *   <li>{@link #MAINLINE}: the current driver (Linux 6.18 with the 2026 vfio_ap fixes): the whole
 *       matrix is filtered over the shadow, filtered adapters' queues are reset, probe defers to
 *       scan-complete during a configuration change, {@code ap_config} and {@code features}
 *       exist.</li>
 * </ul>
 */
public enum KernelVersion {
    PRE_DYNAMIC("5.17"),
    V6_0("6.0"),
    MAINLINE("6.18");

    private final String release;

    KernelVersion(String release) {
        this.release = release;
    }

    public String release() {
        return release;
    }

    /** Dynamic configuration (shadow APCB, hot plug, guest_matrix, in_use): Linux 6.0 and later. */
    public boolean dynamic() {
        return this != PRE_DYNAMIC;
    }

    /** "s390/vfio-ap: always filter entire AP matrix" (Linux 6.8) and the fixes after it. */
    public boolean filtersWholeMatrix() {
        return this == MAINLINE;
    }

    /** {@code ap_config} sysfs attribute: Linux 6.10. */
    public boolean hasApConfig() {
        return this == MAINLINE;
    }

    /** The matrix device's {@code features} attribute: Linux 6.12. */
    public boolean hasFeatures() {
        return this == MAINLINE;
    }

    public static KernelVersion parse(String text) {
        for (KernelVersion v : values()) {
            if (v.release.equals(text) || v.name().equalsIgnoreCase(text)) {
                return v;
            }
        }
        if ("mainline".equalsIgnoreCase(text)) {
            return MAINLINE;
        }
        throw new IllegalArgumentException("unknown kernel '" + text + "' (known: 5.17, 6.0, 6.18)");
    }
}
