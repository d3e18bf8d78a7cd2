import static aplab.notebook.Nb.*;

import aplab.shell.Session;
import aplab.vfioap.ApMatrix;
import aplab.vfioap.MatrixMdev;
import java.util.List;

/** Helpers of notebooks/Patch07FilterApcb.java: the set-ups and probes its cells call. */
class Patch07FilterApcbSupport {
    /**
     * Adapters 5 and 6, usage and control domains 4 and 0x47; adapters 5, 6 and 7 are given to
     * vfio_ap (7 is not in the host); one mdev.
     */
    static Session oneMdev(String kernel) {
        Session s = host(kernel);
        quietly(s, "aplab host --adapters 5,6 --domains 4,0x47", "echo -5,-6,-7 > /sys/bus/ap/apmask",
                "echo " + U1 + " > " + CREATE, "cd " + MDEV);
        return s;
    }

    /**
     * oneMdev with adapters 5 and 6, domain 4 and control domains 0x47 and 0xab assigned; queue
     * 05.0004 unbound from vfio_ap; guest g1 started.
     */
    static Session startedUnbound(String kernel) {
        Session s = oneMdev(kernel);
        quietly(s, "echo 5 > assign_adapter", "echo 6 > assign_adapter", "echo 4 > assign_domain",
                "echo 0x47 > assign_control_domain", "echo 0xab > assign_control_domain",
                "echo 05.0004 > /sys/bus/ap/drivers/vfio_ap/unbind", "aplab guest start g1 --mdev " + U1);
        return s;
    }

    /** oneMdev with adapters 5 and 6 and domain 4 assigned; guest g1 started. */
    static Session started(String kernel) {
        Session s = oneMdev(kernel);
        quietly(s, "echo 5 > assign_adapter", "echo 6 > assign_adapter", "echo 4 > assign_domain",
                "aplab guest start g1 --mdev " + U1);
        return s;
    }

    /** Stops the recording and prints each host's filter calls, a repeated call once with "(twice)". */
    static void printFilterTrace(List<Session> hosts, List<List<String>> logs) {
        for (int i = 0; i < hosts.size(); i++) {
            hosts.get(i).host().vfioAp().traceFilter(null);
            System.out.println("filter calls on " + hosts.get(i).host().version().release() + ":");
            List<String> log = logs.get(i);
            for (int j = 0; j < log.size(); j++) {
                boolean twice = j + 1 < log.size() && log.get(j + 1).equals(log.get(j));
                System.out.println("  " + log.get(j) + (twice ? " (twice)" : ""));
                if (twice) {
                    j++;
                }
            }
        }
    }

    /** APXA with maximum ids 15; adapter 5 with domain 4 given to vfio_ap; one mdev. */
    static Session limitsHost() {
        Session s = host();
        quietly(s, "aplab host --adapters 5 --domains 4 --max-adapter 15 --max-domain 15",
                "echo -5 > /sys/bus/ap/apmask", "echo " + U1 + " > " + CREATE, "cd " + MDEV);
        return s;
    }

    static void limits(Session s, String when) {
        MatrixMdev m = s.host().vfioAp().mdev(U1);
        ApMatrix a = m.matrix();
        ApMatrix b = m.shadowApcb();
        System.out.printf("%-42s matrix limits %d/%d/%d, shadow limits %d/%d/%d%n", when,
                a.apmMax(), a.aqmMax(), a.admMax(), b.apmMax(), b.aqmMax(), b.admMax());
    }
}
