import static aplab.notebook.Nb.*;

import aplab.shell.Session;
import java.util.List;

/** Helpers of notebooks/Patch08AssignUnavailable.java: the set-ups and probes its cells call. */
class Patch08AssignUnavailableSupport {
    /**
     * Adapters 5 and 6 with domains 4 and 0x47; apmask gives adapters 5, 6 and 7 to vfio_ap
     * (aqmask stays all ones); adapter 7 and domain 0xab are not in the host; queue 05.0047 is
     * unbound from vfio_ap; one mdev.
     */
    static Session oneMdev(String kernel) {
        Session s = host(kernel);
        quietly(s, "aplab host --adapters 5,6 --domains 4,0x47", "echo -5,-6,-7 > /sys/bus/ap/apmask",
                "echo 05.0047 > /sys/bus/ap/drivers/vfio_ap/unbind",
                "echo " + U1 + " > " + CREATE, "cd " + MATRIX + U1);
        return s;
    }

    /** Adapters 5 and 6 with domains 4 and 0x47, all given to vfio_ap; mdevs 1111 and 2222; cwd the matrix device. */
    static Session twoMdevs(String kernel) {
        Session s = host(kernel);
        quietly(s, "aplab host --adapters 5,6 --domains 4,0x47", "echo -5,-6 > /sys/bus/ap/apmask",
                "echo " + U1 + " > " + CREATE, "echo " + U2 + " > " + CREATE, "cd " + MATRIX);
        return s;
    }

    /** twoMdevs with 05.0004 assigned to 1111 and 05.0047 to 2222; cwd 1111's directory. */
    static Session twoAssigned(String kernel) {
        Session s = twoMdevs(kernel);
        quietly(s, "echo 5 > " + U1 + "/assign_adapter", "echo 4 > " + U1 + "/assign_domain",
                "echo 5 > " + U2 + "/assign_adapter", "echo 0x47 > " + U2 + "/assign_domain", "cd " + U1);
        return s;
    }

    /** Stops the recording and prints each host's filter calls ("none" if there were none). */
    static void printFilterTrace(List<Session> hosts, List<List<String>> logs) {
        for (int i = 0; i < hosts.size(); i++) {
            hosts.get(i).host().vfioAp().traceFilter(null);
            List<String> log = logs.get(i);
            System.out.println("filter calls on " + hosts.get(i).host().version().release() + ":"
                    + (log.isEmpty() ? " none" : ""));
            log.forEach(l -> System.out.println("  " + l));
        }
    }
}
