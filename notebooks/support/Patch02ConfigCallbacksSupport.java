import static aplab.notebook.Nb.*;

import aplab.shell.Session;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

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
     * {@link #twoAdapters} with adapters 5, 6 and 7 and domain 4 assigned (5.17 refuses adapter 7,
     * which the host does not have yet) and guest g1 started on the mdev.
     */
    static Session started(String kernel) {
        Session s = twoAdapters(kernel);
        for (String c : List.of("echo 5 > assign_adapter", "echo 6 > assign_adapter", "echo 7 > assign_adapter",
                "echo 4 > assign_domain", "aplab guest start g1 --mdev " + U1)) {
            s.execute(c);
        }
        return s;
    }

    /**
     * Runs {@code cmd} with lock tracing and prints the driver functions that took a lock, in
     * order, one line per run of the same function (the bus's own {@code ap_scan_bus} left out),
     * each with the distinct lock chains held when it released a lock it had just taken.
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
        List<String> held = new ArrayList<>();
        boolean rising = false;
        String fn = null;
        Set<String> chains = new LinkedHashSet<>();
        int n = 0;
        for (String e : trace) {
            int sp = e.indexOf(' ');
            int colon = e.indexOf(": ", sp);
            String f = e.substring(sp + 1, colon);
            String rest = e.substring(colon + 2);
            if (rest.startsWith("lock ") || rest.startsWith("trylock ")) {
                if (!f.equals("ap_scan_bus") && !f.equals(fn)) {
                    if (fn != null) {
                        System.out.println("  " + (++n) + ". " + fn + ": " + String.join("; ", chains));
                    }
                    fn = f;
                    chains.clear();
                }
                held.add(rest.substring(rest.indexOf(' ') + 1));
                rising = true;
            } else if (rest.startsWith("unlock ")) {
                if (rising && f.equals(fn)) {
                    chains.add(String.join(" > ", held));
                }
                rising = false;
                held.remove(held.lastIndexOf(rest.substring(7)));
            }
        }
        if (fn != null) {
            System.out.println("  " + (++n) + ". " + fn + ": " + String.join("; ", chains));
        } else {
            System.out.println("  (no driver function took a lock)");
        }
    }
}
