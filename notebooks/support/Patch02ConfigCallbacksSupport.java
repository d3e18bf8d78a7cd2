import static aplab.notebook.Nb.*;

import aplab.shell.Session;
import java.util.ArrayList;
import java.util.List;

/** Helpers of notebooks/Patch02ConfigCallbacks.java: the set-ups and probes its cells call. */
class Patch02ConfigCallbacksSupport {
    /** A host with adapters 5 and 6 and domain 4; adapters 5, 6 and 7 are given to vfio_ap. */
    static Session twoAdapters(String kernel) {
        Session s = host(kernel);
        quietly(s, "aplab host --adapters 5,6 --domains 4", "echo -5,-6,-7 > /sys/bus/ap/apmask",
                "echo " + U1 + " > " + CREATE, "cd " + MDEV);
        return s;
    }

    /**
     * Runs {@code cmd} with lock tracing and prints the functions that took a lock, in order, one
     * line per run of the same function (the bus's own {@code ap_scan_bus} left out).
     */
    static void driverCalls(Session s, String cmd) {
        List<String> trace = new ArrayList<>();
        s.host().lockdep().trace(trace::add);
        List<String> out;
        try {
            out = s.execute(cmd);
        } finally {
            s.host().lockdep().trace(null);
        }
        System.out.println("# " + cmd);
        out.forEach(System.out::println);
        String prev = null;
        int n = 0;
        for (String line : trace) {
            String fn = line.substring(line.indexOf(' ') + 1, line.indexOf(':'));
            if (!fn.equals("ap_scan_bus") && !fn.equals(prev)) {
                System.out.println("  " + (++n) + ". " + fn);
            }
            if (!fn.equals("ap_scan_bus")) {
                prev = fn;
            }
        }
        if (n == 0) {
            System.out.println("  (no driver function took a lock)");
        }
    }
}
