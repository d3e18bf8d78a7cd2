import static aplab.notebook.Nb.*;

import aplab.lockdep.LockDep;
import aplab.lockdep.TrackedLock;
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

    /** One measured path: the kernel function (with the value written, if any), and the command that runs it. */
    record Path(String function, String command) {
    }

    /** The paths, in an order that keeps the host consistent (set-up first, guest in the middle). */
    static final List<Path> PATHS = List.of(
            new Path("vfio_ap_mdev_probe (create)", "echo " + U1 + " > " + CREATE),
            new Path("assign_adapter_store (5)", "echo 5 > " + MDEV + "/assign_adapter"),
            new Path("assign_domain_store (4)", "echo 4 > " + MDEV + "/assign_domain"),
            new Path("assign_control_domain_store (4)", "echo 4 > " + MDEV + "/assign_control_domain"),
            new Path("matrix_show", "cat " + MDEV + "/matrix"),
            new Path("guest_matrix_show", "cat " + MDEV + "/guest_matrix"),
            new Path("control_domains_show", "cat " + MDEV + "/control_domains"),
            new Path("ap_config_show", "cat " + MDEV + "/ap_config"),
            new Path("vfio_ap_mdev_set_kvm (guest start)", "aplab guest start g1 --mdev " + U1),
            new Path("assign_adapter_store (6), guest", "echo 6 > " + MDEV + "/assign_adapter"),
            new Path("assign_domain_store (5), guest", "echo 5 > " + MDEV + "/assign_domain"),
            new Path("unassign_domain_store (5), guest", "echo 5 > " + MDEV + "/unassign_domain"),
            new Path("unassign_adapter_store (6), guest", "echo 6 > " + MDEV + "/unassign_adapter"),
            new Path("assign_control_domain_store (5), guest", "echo 5 > " + MDEV + "/assign_control_domain"),
            new Path("unassign_control_domain_store (5), guest", "echo 5 > " + MDEV + "/unassign_control_domain"),
            new Path("ap_config_store (as read), guest", "echo 0x04,0x08,0x08 > " + MDEV + "/ap_config"),
            new Path("status_show (05.0004)", "cat /sys/bus/ap/devices/05.0004/status"),
            new Path("vfio_ap_mdev_remove_queue (unbind 05.0004)", "echo 05.0004 > " + VFIO + "/unbind"),
            new Path("vfio_ap_mdev_probe_queue (bind 05.0004)", "echo 05.0004 > " + VFIO + "/bind"),
            new Path("apmask_store +5 -> in_use (refused)", "echo +5 > /sys/bus/ap/apmask"),
            new Path("apmask_store -7, reprobe", "echo -7 > /sys/bus/ap/apmask"),
            new Path("apmask_store +7 -> in_use, reprobe", "echo +7 > /sys/bus/ap/apmask"),
            new Path("ap_scan_bus (adapter 5 leaves)", "aplab host --adapters 6,7 --domains 4,5"),
            new Path("ap_scan_bus (adapter 5 returns)", "aplab host --adapters 5,6,7 --domains 4,5"),
            new Path("vfio_ap_mdev_unset_kvm (guest stop)", "aplab guest stop g1"),
            new Path("vfio_ap_mdev_remove (remove)", "echo 1 > " + MDEV + "/remove"));

    /** Prints one row per path: its label, its chains, and OUT OF ORDER where a chain leaves the hierarchy. */
    static void printRows(Map<String, String> rows) {
        boolean all = true;
        for (Path p : PATHS) {
            String row = rows.get(p.function());
            boolean ok = inOrder(row);
            all &= ok;
            System.out.printf("%-42s %s%s%n", p.function(), row, ok ? "" : "   OUT OF ORDER");
        }
        System.out.println("every path in order: " + all);
    }

    /**
     * Prints the rows of {@code a} (kernel {@code ka}) that differ from {@code b}'s (mainline); a row
     * that is b's with every {@code ap_scan_bus_mutex -> } taken out is printed as that. Then the
     * lockdep graph of {@code a} as the edges it lacks ({@code -}) or adds ({@code +}) against b's.
     */
    static void printDifferences(String ka, Map<String, String> a, Map<String, String> b) {
        for (Path p : PATHS) {
            String x = a.get(p.function());
            String y = b.get(p.function());
            if (x.equals(y)) {
                continue;
            }
            if (x.equals(y.replace("ap_scan_bus_mutex -> ", ""))) {
                System.out.printf("%-42s %s: mainline's chains without ap_scan_bus_mutex%n", p.function(), ka);
            } else {
                System.out.printf("%-42s %s: %s%n%-42s mainline: %s%n", p.function(), ka, x, "", y);
            }
        }
        List<String> ga = List.of(a.get("lockdep").split("\n"));
        List<String> gb = List.of(b.get("lockdep").split("\n"));
        System.out.println(ka + " lockdep graph against mainline's:");
        gb.stream().filter(l -> !ga.contains(l)).forEach(l -> System.out.println("- " + l));
        ga.stream().filter(l -> !gb.contains(l)).forEach(l -> System.out.println("+ " + l));
    }

    /**
     * In a new thread, takes {@code locks} in the given order as one lockdep operation and releases
     * them; prints how the lockdep report changed ({@code -} gone, {@code +} new).
     */
    static void takeInOrder(Session s, String operation, TrackedLock... locks) {
        LockDep lockdep = s.host().lockdep();
        List<String> before = lockdep.reportLines();
        lockInOrder(s, "bad", operation, locks);
        List<String> now = lockdep.reportLines();
        before.stream().filter(l -> !now.contains(l)).forEach(l -> System.out.println("- " + l));
        now.stream().filter(l -> !before.contains(l)).forEach(l -> System.out.println("+ " + l));
    }

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
