import static aplab.notebook.Nb.*;

import aplab.shell.Session;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

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

    /** How many resets each host has logged so far (the start for {@link #printNewResets}). */
    static int[] resetsSoFar(List<Session> hosts) {
        int[] seen = new int[hosts.size()];
        for (int i = 0; i < hosts.size(); i++) {
            seen[i] = hosts.get(i).host().vfioAp().resetLog().size();
        }
        return seen;
    }

    /** The queue resets since the last call (vfioAp().resetLog() is cumulative); hosts with the same resets share a line. */
    static void printNewResets(List<Session> hosts, int[] seen) {
        Map<String, List<String>> byResets = new LinkedHashMap<>();
        for (int i = 0; i < hosts.size(); i++) {
            List<String> log = hosts.get(i).host().vfioAp().resetLog();
            List<String> fresh = log.subList(seen[i], log.size());
            seen[i] = log.size();
            byResets.computeIfAbsent(fresh.isEmpty() ? "none" : String.join(", ", fresh), k -> new ArrayList<>())
                    .add(hosts.get(i).host().version().release());
        }
        byResets.forEach((resets, kernels) ->
                System.out.println("  [" + String.join(", ", kernels) + "] resets: " + resets));
    }

    /**
     * Runs the commands on every host and prints them as {@code sh} prints one host's: "# command",
     * a short output after "  →" (its lines joined by "; "), consecutive silent commands on one
     * line; a command whose output differs between the hosts is printed once per host, labelled.
     */
    static void shOnEach(List<Session> hosts, String... commands) {
        List<String> labels = new ArrayList<>();
        hosts.forEach(h -> labels.add(h.host().version().release()));
        System.out.println("[" + String.join(", ", labels) + "]");
        List<String> silent = new ArrayList<>();
        for (String c : commands) {
            List<List<String>> outs = new ArrayList<>();
            hosts.forEach(h -> outs.add(h.execute(c)));
            boolean same = outs.stream().distinct().count() == 1;
            if (same && outs.get(0).isEmpty()) {
                silent.add(c);
                continue;
            }
            if (!silent.isEmpty()) {
                System.out.println("# " + String.join("; ", silent));
                silent.clear();
            }
            for (int i = 0; i < (same ? 1 : hosts.size()); i++) {
                String prefix = same ? "# " : "# [" + labels.get(i) + "] ";
                String joined = String.join("; ", outs.get(i));
                if (outs.get(i).isEmpty()) {
                    System.out.println(prefix + c);
                } else if (outs.get(i).size() <= 6 && prefix.length() + c.length() + joined.length() + 3 <= 150) {
                    System.out.println(prefix + c + "  → " + joined);
                } else {
                    System.out.println(prefix + c);
                    outs.get(i).forEach(System.out::println);
                }
            }
        }
        if (!silent.isEmpty()) {
            System.out.println("# " + String.join("; ", silent));
        }
    }
}
