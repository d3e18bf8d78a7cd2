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
