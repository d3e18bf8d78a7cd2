import static aplab.notebook.Nb.*;

import aplab.lockdep.LockDep;
import aplab.shell.Session;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;

/** Helpers of notebooks/Patch17LockingDoc.java: the set-ups and probes its cells call. */
class Patch17LockingDocSupport {
    static final String M = "/sys/devices/vfio_ap/matrix";
    static final String VFIO = "/sys/bus/ap/drivers/vfio_ap";

    /** The hierarchy, outermost first (before the stale-pqap_hook fix the rwsem is taken alone). */
    static final List<String> HIERARCHY = List.of("ap_scan_bus_mutex", "&dev->mutex", "ap_perms_mutex",
            "guests_lock", "kvm->lock", "kvm->arch.crypto.pqap_hook_rwsem", "mdevs_lock");

    /** One measured path: what the kernel function is, and the command that runs it. */
    record Path(String function, String command) {
    }

    /** The paths, in an order that keeps the host consistent (set-up first, guest in the middle). */
    static final List<Path> PATHS = List.of(
            new Path("vfio_ap_mdev_probe (create)", "echo " + U1 + " > " + CREATE),
            new Path("assign_adapter_store", "echo 5 > " + MDEV + "/assign_adapter"),
            new Path("assign_domain_store", "echo 4 > " + MDEV + "/assign_domain"),
            new Path("assign_control_domain_store", "echo 4 > " + MDEV + "/assign_control_domain"),
            new Path("matrix_show", "cat " + MDEV + "/matrix"),
            new Path("guest_matrix_show", "cat " + MDEV + "/guest_matrix"),
            new Path("control_domains_show", "cat " + MDEV + "/control_domains"),
            new Path("ap_config_show", "cat " + MDEV + "/ap_config"),
            new Path("vfio_ap_mdev_set_kvm (guest start)", "aplab guest start g1 --mdev " + U1),
            new Path("assign_adapter_store, guest", "echo 6 > " + MDEV + "/assign_adapter"),
            new Path("assign_domain_store, guest", "echo 5 > " + MDEV + "/assign_domain"),
            new Path("unassign_domain_store, guest", "echo 5 > " + MDEV + "/unassign_domain"),
            new Path("unassign_adapter_store, guest", "echo 6 > " + MDEV + "/unassign_adapter"),
            new Path("assign_control_domain_store, guest", "echo 5 > " + MDEV + "/assign_control_domain"),
            new Path("unassign_control_domain_store, guest", "echo 5 > " + MDEV + "/unassign_control_domain"),
            new Path("ap_config_store, guest", "echo 0x04,0x08,0x08 > " + MDEV + "/ap_config"),
            new Path("status_show", "cat /sys/bus/ap/devices/05.0004/status"),
            new Path("vfio_ap_mdev_remove_queue (unbind)", "echo 05.0004 > " + VFIO + "/unbind"),
            new Path("vfio_ap_mdev_probe_queue (bind)", "echo 05.0004 > " + VFIO + "/bind"),
            new Path("apmask_store -> in_use (refused)", "echo +5 > /sys/bus/ap/apmask"),
            new Path("apmask_store (clear), reprobe", "echo -7 > /sys/bus/ap/apmask"),
            new Path("apmask_store -> in_use, reprobe", "echo +7 > /sys/bus/ap/apmask"),
            new Path("ap_scan_bus (adapter 5 leaves)", "aplab host --adapters 6,7 --domains 4,5"),
            new Path("ap_scan_bus (adapter 5 returns)", "aplab host --adapters 5,6,7 --domains 4,5"),
            new Path("vfio_ap_mdev_unset_kvm (guest stop)", "aplab guest stop g1"),
            new Path("vfio_ap_mdev_remove (remove)", "echo 1 > " + MDEV + "/remove"));

    /** A host with adapters 5, 6, 7 and domains 4, 5; adapters 5 and 6 given to vfio_ap in apmask. */
    static Session freshHost(String kernel) {
        Session s = host(kernel);
        quietly(s, "aplab host --adapters 5,6,7 --domains 4,5", "echo -5,-6 > /sys/bus/ap/apmask");
        return s;
    }

    /**
     * Runs one command with lock tracing and returns every chain of locks held at once that is not
     * the beginning of a longer one, in the order first seen ("A -> B -> C"; several separated by
     * "; ").
     */
    static String chains(Session s, String command, List<String> printed) {
        List<String> stack = new ArrayList<>();
        LinkedHashSet<String> all = new LinkedHashSet<>();
        s.host().lockdep().trace(line -> {
            int lock = line.indexOf(": lock ");
            int unlock = line.indexOf(": unlock ");
            if (lock >= 0) {
                stack.add(line.substring(lock + 7));
                all.add(String.join(" -> ", stack));
            } else if (unlock >= 0) {
                stack.remove(line.substring(unlock + 9));
            }
        });
        try {
            printed.addAll(s.execute(command));
        } finally {
            s.host().lockdep().trace(null);
        }
        List<String> longest = new ArrayList<>();
        for (String c : all) {
            boolean prefix = false;
            for (String d : all) {
                prefix |= d.startsWith(c + " -> ");
            }
            if (!prefix) {
                longest.add(c);
            }
        }
        return longest.isEmpty() ? "(none)" : String.join("; ", longest);
    }

    /** Whether every chain in {@code text} goes down the hierarchy. */
    static boolean inOrder(String text) {
        for (String chain : text.split("; ")) {
            int last = -1;
            for (String l : chain.split(" -> ")) {
                int k = HIERARCHY.indexOf(l);
                if (k < 0) {
                    continue;
                }
                if (k <= last) {
                    return false;
                }
                last = k;
            }
        }
        return true;
    }

    /** Runs every path on a fresh host of that kernel: function -> chains (and what it printed). */
    static Map<String, String> measure(String kernel) {
        Session s = freshHost(kernel);
        Map<String, String> rows = new LinkedHashMap<>();
        for (Path p : PATHS) {
            List<String> printed = new ArrayList<>();
            String c = chains(s, p.command(), printed);
            rows.put(p.function(), c + (printed.isEmpty() || p.command().startsWith("cat ") ? "" : "   [" + String.join(" ", printed) + "]"));
        }
        rows.put("lockdep", String.join("\n", s.host().lockdep().reportLines()));
        return rows;
    }
}
