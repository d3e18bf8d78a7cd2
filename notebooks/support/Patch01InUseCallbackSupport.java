import static aplab.notebook.Nb.*;

import aplab.shell.Session;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Helpers of notebooks/Patch01InUseCallback.java: the set-ups and probes its cells call. */
class Patch01InUseCallbackSupport {
    static final String ALL_ONES = "0x" + "f".repeat(64);

    /**
     * Adapters 5 and 6 with domains 4 and 0x47; apmask gives adapters 5 and 6 to vfio_ap (aqmask
     * stays all ones, so all four queues of each adapter go to vfio_ap). The mdev has 05.0004.
     */
    static Session assigned(String kernel) {
        Session s = host(kernel);
        quietly(s, "aplab host --adapters 5,6 --domains 4,0x47",
                "echo -5,-6 > /sys/bus/ap/apmask",
                "echo " + U1 + " > " + CREATE, "cd " + MDEV,
                "echo 5 > assign_adapter", "echo 4 > assign_domain");
        return s;
    }

    /**
     * Runs {@code cmd} and prints its lock nestings ({@link aplab.notebook.Nb#lockNestings}), each
     * distinct one once, in the order first seen, with {@code (xN)} when it occurred N times.
     */
    static void lockCounts(Session s, String cmd) {
        List<String> lines = lockNestings(s, () -> s.execute(cmd));
        Map<String, Integer> counts = new LinkedHashMap<>();
        lines.forEach(l -> counts.merge(l, 1, Integer::sum));
        counts.forEach((l, n) -> System.out.println(l + (n > 1 ? " (x" + n + ")" : "")));
    }
}
