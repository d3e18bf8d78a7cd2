import static aplab.notebook.Nb.*;

import aplab.shell.Session;
import java.util.List;

/** Helpers of notebooks/Patch12ResetOnUnassign.java: the set-ups and probes its cells call. */
class Patch12ResetOnUnassignSupport {
    /** Runs each command and prints it, what it printed, and the queue resets it caused. */
    static void withResets(Session s, String... commands) {
        for (String c : commands) {
            int before = s.host().vfioAp().resetLog().size();
            List<String> out = s.execute(c);
            List<String> log = s.host().vfioAp().resetLog();
            List<String> resets = log.subList(before, log.size());
            System.out.println("# " + c);
            out.forEach(System.out::println);
            if (!resets.isEmpty()) {
                System.out.println("    " + String.join(", ", resets));
            }
        }
    }

    /**
     * Adapters 5, 6, 7 and domains 4, 0x47; all their queues bound to vfio_ap. The mdev has
     * adapters 5, 6 and 8 (8 is not in the host) and domains 4 and 0x47; queue 06.0047 is unbound,
     * so filtering keeps adapter 6 out of the shadow.
     */
    static Session prepared(String kernel) {
        Session s = host(kernel);
        quietly(s, "aplab host --adapters 5,6,7 --domains 4,0x47",
                "echo -5,-6,-7,-8 > /sys/bus/ap/apmask",
                "echo " + U1 + " > " + CREATE, "cd " + MDEV,
                "echo 5 > assign_adapter", "echo 6 > assign_adapter", "echo 8 > assign_adapter",
                "echo 4 > assign_domain", "echo 0x47 > assign_domain",
                "echo 06.0047 > /sys/bus/ap/drivers/vfio_ap/unbind");
        return s;
    }
}
