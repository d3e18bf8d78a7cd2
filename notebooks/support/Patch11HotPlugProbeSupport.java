import static aplab.notebook.Nb.*;

import aplab.shell.Session;
import java.util.List;

/** Helpers of notebooks/Patch11HotPlugProbe.java: the set-ups and probes its cells call. */
class Patch11HotPlugProbeSupport {
    static final String VFIO = "/sys/bus/ap/drivers/vfio_ap";

    /**
     * Adapters 5 and 6, domains 4, 0x47 and 0xab. Adapters 5 and 6 are cleared in apmask, so every
     * queue of them is bound to vfio_ap. The mdev has adapters 5, 6 and domains 4, 0x47 (not
     * 0xab); guest g1 runs with it.
     */
    static Session runningGuest(String kernel) {
        Session s = host(kernel);
        quietly(s, "aplab host --adapters 5,6 --domains 4,0x47,0xab",
                "echo -5,-6 > /sys/bus/ap/apmask",
                "echo " + U1 + " > " + CREATE, "cd " + MDEV,
                "echo 5 > assign_adapter", "echo 6 > assign_adapter",
                "echo 4 > assign_domain", "echo 0x47 > assign_domain",
                "aplab guest start g1 --mdev " + U1);
        return s;
    }

    /** The queue resets since the last call (vfioAp().resetLog() is cumulative). */
    static void printNewResets(List<Session> hosts, int[] seen) {
        for (int i = 0; i < hosts.size(); i++) {
            List<String> log = hosts.get(i).host().vfioAp().resetLog();
            List<String> fresh = log.subList(seen[i], log.size());
            seen[i] = log.size();
            System.out.printf("  [%-8s] resets: %s%n", hosts.get(i).host().version().release(),
                    fresh.isEmpty() ? "none" : String.join(", ", fresh));
        }
    }
}
