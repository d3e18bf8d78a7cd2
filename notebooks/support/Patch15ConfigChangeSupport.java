import static aplab.notebook.Nb.*;

import aplab.shell.Session;
import java.util.List;

/** Helpers of notebooks/Patch15ConfigChange.java: the set-ups and probes its cells call. */
class Patch15ConfigChangeSupport {
    /**
     * Adapters 5 and 6, usage domains 4 and 5, control domains 4, 5 and 6; apmask gives adapters
     * 5-7 to vfio_ap. The mdev has adapters 5, 6, domain 4 and control domain 5; guest g1 runs.
     */
    static Session runningGuest(String kernel) {
        Session s = host(kernel);
        quietly(s, "aplab host --adapters 5,6 --domains 4,5 --control-domains 4,5,6",
                "echo -5,-6,-7 > /sys/bus/ap/apmask",
                "echo " + U1 + " > " + CREATE, "cd " + MDEV,
                "echo 5 > assign_adapter", "echo 6 > assign_adapter", "echo 4 > assign_domain",
                "echo 5 > assign_control_domain",
                "aplab guest start g1 --mdev " + U1);
        return s;
    }

    /**
     * Adapter 5, usage domains 4 and 5; apmask gives adapters 5-7 to vfio_ap. The mdev has
     * adapters 5, 6 and 7 and domains 4 and 5; guest g1 runs.
     */
    static Session threeAdapters(String kernel) {
        Session s = host(kernel);
        quietly(s, "aplab host --adapters 5 --domains 4,5", "echo -5,-6,-7 > /sys/bus/ap/apmask",
                "echo " + U1 + " > " + CREATE, "cd " + MDEV,
                "echo 5 > assign_adapter", "echo 6 > assign_adapter", "echo 7 > assign_adapter",
                "echo 4 > assign_domain", "echo 5 > assign_domain", "aplab guest start g1 --mdev " + U1);
        return s;
    }

    /** Adapters 5 and 6, domains 4 and 5 given to vfio_ap; the mdev has 05.0004 and 06.0004, no guest. */
    static Session idleMdev() {
        Session s = host("mainline");
        quietly(s, "aplab host --adapters 5,6 --domains 4,5", "echo -5,-6 > /sys/bus/ap/apmask",
                "echo " + U1 + " > " + CREATE, "cd " + MDEV,
                "echo 5 > assign_adapter", "echo 6 > assign_adapter", "echo 4 > assign_domain");
        return s;
    }

    /** Runs one {@code aplab host} command (a new QCI, then a bus scan) on each host; it prints nothing. */
    static void hostChange(List<Session> hosts, String command) {
        for (Session s : hosts) {
            quietly(s, command);
        }
    }

    /** How many CRYCB writes guest g1 has had so far on each host (the start for printNewPushes). */
    static int[] pushCounts(List<Session> hosts) {
        int[] seen = new int[hosts.size()];
        for (int i = 0; i < hosts.size(); i++) {
            seen[i] = hosts.get(i).host().guest("g1").kvm().updates().size();
        }
        return seen;
    }

    /** The CRYCB writes of guest g1 since the last call. */
    static void printNewPushes(List<Session> hosts, int[] seen) {
        for (int i = 0; i < hosts.size(); i++) {
            List<String> u = hosts.get(i).host().guest("g1").kvm().updates();
            List<String> fresh = u.subList(seen[i], u.size());
            seen[i] = u.size();
            System.out.printf("  [%-8s] pushes: %s%n", hosts.get(i).host().version().release(),
                    fresh.isEmpty() ? "none" : String.join(" | ", fresh));
        }
    }
}
