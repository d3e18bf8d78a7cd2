package aplab.kernel;

import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * The catalogue: every upstream vfio_ap and AP-bus commit since Linux 5.17 that changes what a
 * user, a guest or a lock graph sees in the model. Each entry has its exact upstream title, the
 * mainline release it entered, and the model behaviour it switches. A {@link Kernel} is a set of
 * these; driver code asks {@code kernel.has(Commit.X)} and names X next to the branch.
 *
 * <p>The patches of the dynamic configuration series (v20, merged for 6.0) are marked
 * {@link #inSeries()}: the model switches them together (a kernel has all or none of them),
 * because the states between them were never released and are not modelled. Every later commit is
 * switched on its own; {@link #requires()} names what it builds on, and a kernel without a
 * required commit also goes without the commits that need it.
 */
public enum Commit {
    // ------------------------------------------------------------------ AP bus, 5.18
    AP_IN_USE_CALLBACK("ap-in-use-callback", "s390/ap: driver callback to indicate resource in use", "5.18",
            "apmask/aqmask stores ask every driver's in_use() for the newly reserved APQNs and fail with EBUSY if one is in use",
            false),
    AP_CONFIG_CALLBACKS("ap-config-callbacks", "s390/ap: notify drivers on config changed and scan complete callbacks", "5.18",
            "a bus scan that finds a new QCI calls every driver's on_config_changed() before and on_scan_complete() after it",
            false),

    /**
     * Upstream eacf5b3651c5, in the s390 pull for the 6.9 merge window (confirmed from that pull's
     * shortlog and from the 6.10-stable fix 56199bb956c3, whose Fixes: tag names it). Debian's 6.1.192
     * ap_bus.c has no ap_scan_bus_mutex; 6.12.118 has it.
     */
    AP_SCAN_BUS_MUTEX("ap-scan-bus-mutex", "s390/ap: introduce mutex to lock the AP bus scan", "6.9",
            "ap_scan_bus() runs under ap_scan_bus_mutex, a lock in the lock graph (before: only the bus's one work item "
            + "serialised scans)", false),

    // ------------------------------------------------------------------ AP bus, 6.19
    /**
     * Upstream d38a87d7c064, s390 pull for the 6.19 merge window. Not modelled: the model's queue
     * devices have no driver_override attribute; binding follows apmask/aqmask only. Kept so that
     * the kernels list it (6.19 and mainline have it, Debian's 6.1.192 and 6.12.118 not).
     */
    AP_DRIVER_OVERRIDE("ap-driver-override", "s390/ap: Support driver_override for AP queue devices", "6.19",
            "not modelled: a queue's driver_override attribute (the model has none; binding follows apmask/aqmask)",
            false, AP_IN_USE_CALLBACK),
    /**
     * Upstream 46030379f13c, 6.19. driver_override_store fails with EINVAL while apmask or aqmask
     * is not all ones; an apmask/aqmask store is refused while an override is set (its errno was
     * not read). Not modelled, as the attribute it restricts is not.
     */
    AP_RESTRICT_DRIVER_OVERRIDE("ap-restrict-driver-override", "s390/ap: Restrict driver_override versus apmask and aqmask use",
            "6.19", "not modelled: driver_override only with both masks all ones, and no mask edits while an override "
                    + "is set (the model has no driver_override)", false, AP_DRIVER_OVERRIDE),
    /**
     * Upstream 6917f434fda3, 6.19. Not modelled: only the title was readable, not which masks the
     * bus now passes to vfio_ap's in_use(); the model passes the newly reserved bits with the
     * other mask as it stands (the 5.18 semantics) on every kernel.
     */
    AP_IN_USE_ALL_ONES("ap-in-use-all-ones", "s390/ap: Use all-bits-one apmask/aqmask for vfio in_use() checks", "6.19",
            "not modelled: which masks apmask/aqmask stores pass to in_use() (the diff was not readable)", false,
            AP_IN_USE_CALLBACK),

    // ------------------------------------------------------------------ the v20 series, 6.0
    QUEUE_LINKS("queue-links", "s390/vfio-ap: manage link between queue struct and matrix mdev", "6.0",
            "queues are linked to the mdev that has their APQN; resets walk the links instead of matrix apm x aqm",
            true, AP_IN_USE_CALLBACK, AP_CONFIG_CALLBACKS),
    SHADOW_APCB("shadow-apcb", "s390/vfio-ap: introduce shadow APCB", "6.0",
            "the guest gets the mdev's shadow APCB, not the matrix as assigned", true),
    FILTER_APCB("filter-apcb", "s390/vfio-ap: refresh guest's APCB by filtering AP resources assigned to mdev", "6.0",
            "the shadow drops what the host lacks and every adapter with an APQN not bound to vfio_ap", true),
    ASSIGN_UNAVAILABLE("assign-unavailable", "s390/vfio-ap: allow assignment of unavailable AP queues to mdev device", "6.0",
            "assignment no longer needs the queues bound to vfio_ap (EADDRNOTAVAIL only for APQNs reserved by apmask/aqmask)",
            true),
    MDEVS_LOCK("mdevs-lock", "s390/vfio-ap: rename matrix_dev->lock mutex to matrix_dev->mdevs_lock", "6.0",
            "the driver's data lock is called mdevs_lock (matrix_dev->lock before)", true),
    GUESTS_LOCK("guests-lock", "s390/vfio-ap: introduce new mutex to control access to the KVM pointer", "6.0",
            "guests_lock is taken before kvm->lock and mdevs_lock on every update path", true),
    HOTPLUG_ASSIGN("hotplug-assign", "s390/vfio-ap: allow hot plug/unplug of AP devices when assigned/unassigned", "6.0",
            "(un)assignment while a guest runs succeeds and plugs or unplugs (EBUSY before)", true),
    HOTPLUG_PROBE("hotplug-probe", "s390/vfio-ap: hot plug/unplug of AP devices when probed/removed", "6.0",
            "binding a queue plugs its adapter into the guest; unbinding unplugs the adapter", true),
    RESET_ON_UNASSIGN("reset-on-unassign", "s390/vfio-ap: reset queues after adapter/domain unassignment", "6.0",
            "queues that leave the guest through an unassignment are reset", true),
    IN_USE_IMPL("in-use-impl", "s390/vfio-ap: implement in-use callback for vfio_ap driver", "6.0",
            "vfio_ap vetoes apmask/aqmask changes that would take an assigned APQN; assign paths take ap_perms_mutex first",
            true),
    GUEST_MATRIX_ATTR("guest-matrix-attr", "s390/vfio-ap: sysfs attribute to display the guest's matrix", "6.0",
            "the mdev has a guest_matrix attribute", true),
    CONFIG_CHANGE_HANDLING("config-change-handling", "s390/vfio-ap: handle config changed and scan complete notification", "6.0",
            "host configuration changes unplug what left and plug what arrived; matrix_dev->info follows the host", true),

    // ------------------------------------------------------------------ 2022 fixes (6.0-rc)
    BYPASS_UNNECESSARY("bypass-unnecessary-processing", "s390/vfio-ap: bypass unnecessary processing of AP resources", "6.0",
            "assigning an adapter or domain that is already assigned does nothing (before: validation, links and filtering ran again)",
            false, QUEUE_LINKS),

    // ------------------------------------------------------------------ 2023
    FIX_STATUS_ATTR("fix-status-attr", "s390/vfio-ap: fix sysfs status attribute for AP queue devices", "6.7",
            "a queue's status is 'in use' only if its mdev's guest has the APQN (before: whenever the mdev had a guest)",
            false, QUEUE_LINKS),
    REQUEST_CALLBACK("request-callback", "s390/vfio-ap: wire in the vfio_device_ops request callback", "6.5",
            "removing an mdev a guest holds asks QEMU to release it (before: the remove blocks until the guest stops)",
            false, QUEUE_LINKS),
    PASS_DECONFIGURED("pass-deconfigured", "s390/vfio-ap: allow deconfigured queue to be passed through to a guest", "6.6",
            "a queue whose last reset found it deconfigured (0x03) or checkstopped (0x04) still passes the filter (before: 0x00 only)",
            false, QUEUE_LINKS),

    // ------------------------------------------------------------------ the January 2024 series (6.8)
    ALWAYS_FILTER_ENTIRE_MATRIX("always-filter-entire-matrix", "s390/vfio-ap: always filter entire AP matrix", "6.8",
            "every filtering examines all APQNs of the mdev (before: only the newly assigned APID or APQI, CVE-2024-26620)",
            false, QUEUE_LINKS),
    LOOP_OVER_SHADOW("loop-over-shadow", "s390/vfio-ap: loop over the shadow APCB when filtering guest's AP configuration", "6.8",
            "the filter examines shadow apm x aqm (already limited to the host), so an APQN the host lacks no longer drops its adapter",
            false, ALWAYS_FILTER_ENTIRE_MATRIX),
    SCAN_COMPLETE_FILTERS("scan-complete-filters", "s390/vfio-ap: let on_scan_complete() callback filter matrix and update guest's APCB", "6.8",
            "queue probes during a host configuration change leave filtering to on_scan_complete, which filters the whole matrix",
            false, ALWAYS_FILTER_ENTIRE_MATRIX),
    RESET_FILTERED_QUEUES("reset-filtered-queues", "s390/vfio-ap: reset queues filtered from the guest's AP config", "6.8",
            "the queues of an adapter the filter takes out of a guest are reset", false, ALWAYS_FILTER_ENTIRE_MATRIX),
    RESET_ADAPTER_ON_UNBIND("reset-adapter-on-unbind", "s390/vfio-ap: reset queues associated with adapter for queue unbound from driver", "6.8",
            "unbinding a passed-through queue resets all of its adapter's queues in the guest", false, QUEUE_LINKS),
    NO_RESET_REMOVED_FROM_HOST("no-reset-removed-from-host", "s390/vfio-ap: do not reset queue removed from host config", "6.8",
            "a removed queue that left the host configuration is not reset (before: always reset)", false, QUEUE_LINKS),

    // ------------------------------------------------------------------ 6.10, 6.12
    AP_CONFIG_ATTR("ap-config-attr", "s390/vfio-ap: Add sysfs attr, ap_config, to export mdev state", "6.10",
            "the mdev has an ap_config attribute (read and, with ap-config-write, write)", false, QUEUE_LINKS),
    FEATURES_ATTR("features-attr", "s390/vfio-ap: Driver feature advertisement", "6.12",
            "the matrix device has a features attribute", false, QUEUE_LINKS),
    /**
     * Title and release unconfirmed: no upstream commit was found for these, so the title string
     * says so and then describes the change (it is not an upstream title). What the model knows is that Debian's 6.12.117 and
     * 6.12.118 have them and 6.1.192 has not (ap_bus.c features_show, ap_card.c ap_functions_show,
     * depth as hwinfo.qd + 1).
     */
    AP_BUS_FEATURES("ap-bus-features", "(upstream title not found) AP bus features attribute, queue ap_functions, queue depth", "6.12",
            "/sys/bus/ap/features and the queues' ap_functions exist; depth shows TAPQ's qd + 1 (before: the raw qd)",
            false),
    /**
     * Upstream f3e3a4008c1d, pushed to the s390 features branch with the ap_config series on
     * 2024-04-22 (Linux 6.10; it comes before ap_config's write support, so no release had the
     * write without it). Debian's 6.12.118 vfio_ap_mdev_link_queue returns early when
     * vfio_ap_mdev_get_queue finds the APQN; 6.1.192 has no such check (and no ap_config).
     */
    IGNORE_DUPLICATE_LINK("ignore-duplicate-link", "s390/vfio-ap: Ignore duplicate link requests in vfio_ap_mdev_link_queue",
            "6.10", "a queue already linked to the mdev is not linked again (before: an ap_config write adding an adapter "
                    + "and a domain together hash_add'ed the queue twice, its hash list pointed to itself, and the next walk "
                    + "of the mdev's queue table loops: the command blocks)", false, AP_CONFIG_ATTR),

    // ------------------------------------------------------------------ 2025
    /**
     * Upstream d33d729afcc8, s390-6.15-2 (Linux 6.15); in Debian's 6.1.192 and 6.12.118 (both have
     * MDEV_IN_USE_ERR in vfio_ap_mdev_verify_no_sharing's logging). Not modelled: the model keeps
     * no kernel log, and the sharing check it fixes the message of refuses the same writes before
     * and after.
     */
    FIX_SHARING_MESSAGE("fix-sharing-message", "s390/vfio-ap: Fix no AP queue sharing allowed message written to kernel log",
            "6.15", "not modelled: the kernel log names the mdev that holds the APQN, and in_use says 'Can not reserve "
                    + "queue ... for host driver: in use by mdev' (the model keeps no kernel log)", false, IN_USE_IMPL),

    // ------------------------------------------------------------------ 2026 fixes
    FIX_CDOM_REMOVAL("fix-cdom-removal", "s390/vfio-ap: Fix control domain removal in vfio_ap_mdev_cfg_remove", "2026",
            "a control domain that leaves the host is removed from the shadows that have it (before: from those that do not)",
            false, CONFIG_CHANGE_HANDLING),
    FIX_LAST_UNPLUG("fix-last-unplug", "s390/vfio-ap: Fix hot-unplug skipped when last AP adapter or domain removed", "2026",
            "the guest is updated when a host change empties its adapters or domains (before: only if something was left)",
            false, CONFIG_CHANGE_HANDLING),
    FIX_STALE_PQAP_HOOK("fix-stale-pqap-hook", "s390/vfio-ap: fix stale pqap_hook pointer on error in vfio_ap_mdev_set_kvm()", "2026",
            "set_kvm/unset_kvm set and clear the guest's PQAP hook under the update locks, pqap_hook_rwsem taken between kvm->lock and mdevs_lock, and a refused start (EPERM: the hook is set) leaves it alone (before: set under the rwsem alone, first, and left on the refused mdev)",
            false, GUESTS_LOCK),
    FIX_MISSING_LOCKS("fix-missing-locks", "s390/vfio-ap: Fix missing lock required to access list of ap_matrix_mdev objects", "2026",
            "mdev creation and the queue status attribute take guests_lock before mdevs_lock", false, GUESTS_LOCK),
    /**
     * In the 2026 batch (kvms390 integration, 2026-08-13). Debian's 6.1.192 and 6.12.118
     * vfio_ap_mdev_cfg_remove and vfio_ap_on_scan_complete take kvm->lock only if matrix_mdev->kvm
     * is set. Not modelled: the model always checks; without the fix the kernel dereferences the
     * NULL kvm of an mdev no guest has (an oops in the bus scan work), which the model does not
     * simulate.
     */
    FIX_NULL_KVM("fix-null-kvm", "s390/vfio-ap: Fix dereference matrix_mdev->kvm without checking for NULL", "2026",
            "not modelled: the configuration-change paths take kvm->lock only for an mdev a guest has (before: a NULL "
                    + "dereference, an oops the model does not simulate)", false, CONFIG_CHANGE_HANDLING),
    /**
     * In the 2026 batch. Debian's 6.1.192 and 6.12.118 vfio_ap_mdev_cfg_remove assign do_remove
     * afresh for each mdev. Not modelled: with the flag left set the next mdevs go through
     * vfio_ap_mdev_hot_unplug_cfg with empty removal sets, which changes no shadow and pushes
     * nothing, with or without fix-last-unplug.
     */
    FIX_STALE_DO_REMOVE("fix-stale-do-remove", "s390/vfio-ap: Fix stale do_remove flag across iterations in vfio_ap_mdev_cfg_remove",
            "2026", "not modelled: each mdev's removal flag is its own (before: left over from the previous mdev, which "
                    + "sends later mdevs through an unplug of nothing)", false, CONFIG_CHANGE_HANDLING),
    /**
     * In the 2026 batch. Debian's 6.12.118 vfio_ap_mdev_hot_plug_cfg zeroes apm_filtered first;
     * 6.1.192 has no apm_filtered (no reset-filtered-queues), so the fix does not apply to it.
     */
    FIX_UNINIT_APM_FILTERED("fix-uninit-apm-filtered", "s390/vfio-ap: fix potential use of uninitialized apm_filtered bitmap",
            "2026", "a scan complete that adds only control domains resets no queues (before: reset_queues_for_apids read "
                    + "an uninitialised apm_filtered; the reset log says which queues are reset depends on stack contents)",
            false, RESET_FILTERED_QUEUES, CONFIG_CHANGE_HANDLING);

    private final String id;
    private final String title;
    private final String release;
    private final String switches;
    private final boolean inSeries;
    private final List<Commit> requires;

    Commit(String id, String title, String release, String switches, boolean inSeries, Commit... requires) {
        this.id = id;
        this.title = title;
        this.release = release;
        this.switches = switches;
        this.inSeries = inSeries;
        this.requires = List.of(requires);
    }

    /** The name on the command line ({@code --without always-filter-entire-matrix}). */
    public String id() {
        return id;
    }

    /** The upstream commit's title, exactly. */
    public String title() {
        return title;
    }

    /** The mainline release it entered ("2026": in the 2026 fix batch, after 6.19). */
    public String release() {
        return release;
    }

    /** What the model does differently with it. */
    public String switches() {
        return switches;
    }

    /** Whether it is one of the dynamic configuration series' patches (switched together). */
    public boolean inSeries() {
        return inSeries;
    }

    /** The commits it builds on (the series' first entry stands for the whole series). */
    public List<Commit> requires() {
        return requires;
    }

    /** The patches of the dynamic configuration series. */
    public static Set<Commit> series() {
        Set<Commit> s = EnumSet.noneOf(Commit.class);
        for (Commit c : values()) {
            if (c.inSeries) {
                s.add(c);
            }
        }
        return Collections.unmodifiableSet(s);
    }

    /** The commit with that id or enum name (case-insensitive); a one-line error naming the ids otherwise. */
    public static Commit parse(String text) {
        String t = text.trim();
        for (Commit c : values()) {
            if (c.id.equalsIgnoreCase(t) || c.name().equalsIgnoreCase(t.replace('-', '_'))) {
                return c;
            }
        }
        throw new IllegalArgumentException("unknown commit '" + text + "' (aplab kernel --list -v lists the catalogue)");
    }

    @Override
    public String toString() {
        return id;
    }
}
