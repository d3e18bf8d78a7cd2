import static aplab.notebook.Nb.*;

import aplab.shell.Session;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Helpers of notebooks/Patch12ResetOnUnassign.java: the set-ups and probes its cells call. */
class Patch12ResetOnUnassignSupport {
    /**
     * Runs each command and returns how {@link #withResets} prints it: "# command", a short output
     * after "  →" (its lines joined by "; "; a long one on the lines below), then the queue resets
     * it caused in brackets; consecutive commands that print nothing and reset nothing share a line.
     */
    static List<String> runWithResets(Session s, String... commands) {
        List<String> lines = new ArrayList<>();
        List<String> silent = new ArrayList<>();
        for (String c : commands) {
            int before = s.host().vfioAp().resetLog().size();
            List<String> out = s.execute(c);
            List<String> log = s.host().vfioAp().resetLog();
            List<String> resets = List.copyOf(log.subList(before, log.size()));
            if (out.isEmpty() && resets.isEmpty()) {
                silent.add(c);
                continue;
            }
            if (!silent.isEmpty()) {
                lines.add("# " + String.join("; ", silent));
                silent.clear();
            }
            String joined = String.join("; ", out);
            String tail = resets.isEmpty() ? "" : "  [" + String.join(", ", resets) + "]";
            if (out.size() <= 6 && c.length() + joined.length() + tail.length() + 7 <= 150) {
                lines.add("# " + c + (out.isEmpty() ? "" : "  → " + joined) + tail);
            } else {
                lines.add("# " + c + tail);
                lines.addAll(out);
            }
        }
        if (!silent.isEmpty()) {
            lines.add("# " + String.join("; ", silent));
        }
        return lines;
    }

    /** Runs each command and prints it, what it printed, and the queue resets it caused. */
    static void withResets(Session s, String... commands) {
        runWithResets(s, commands).forEach(System.out::println);
    }

    /** {@link #withResets} on every host; hosts that print the same lines share one "[kernels]" block. */
    static void withResetsOnEach(List<Session> hosts, String... commands) {
        Map<List<String>, List<String>> byLines = new LinkedHashMap<>();
        for (Session h : hosts) {
            byLines.computeIfAbsent(runWithResets(h, commands), k -> new ArrayList<>()).add(h.host().version().release());
        }
        byLines.forEach((lines, kernels) -> {
            System.out.println("[" + String.join(", ", kernels) + "]");
            lines.forEach(System.out::println);
        });
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

    /** Adapters 5 and 6 and domains 4, 0x47, all bound to vfio_ap; the mdev has 05.0004 and 06.0004; guest g1 runs. */
    static Session twoAdapters(String kernel) {
        Session s = host(kernel);
        quietly(s, "aplab host --adapters 5,6 --domains 4,0x47", "echo -5,-6 > /sys/bus/ap/apmask",
                "echo " + U1 + " > " + CREATE, "cd " + MDEV,
                "echo 5 > assign_adapter", "echo 6 > assign_adapter", "echo 4 > assign_domain",
                "aplab guest start g1 --mdev " + U1);
        return s;
    }

    /**
     * twoAdapters; then card 5 is configured off, adapter 5 unassigned (its queue 05.0004 is reset
     * while the card is off) and card 5 configured on again.
     */
    static Session deconfiguredReset(String kernel) {
        Session s = twoAdapters(kernel);
        quietly(s, "echo 0 > /sys/bus/ap/devices/card05/config", "echo 5 > unassign_adapter",
                "echo 1 > /sys/bus/ap/devices/card05/config");
        return s;
    }

    /** Each host's reset log so far; hosts with the same log share a line. */
    static void printResetLogs(List<Session> hosts) {
        Map<List<String>, List<String>> byLog = new LinkedHashMap<>();
        for (Session h : hosts) {
            byLog.computeIfAbsent(List.copyOf(h.host().vfioAp().resetLog()), k -> new ArrayList<>())
                    .add(h.host().version().release());
        }
        byLog.forEach((log, kernels) -> System.out.println("[" + String.join(", ", kernels) + "] resets so far: "
                + (log.isEmpty() ? "none" : String.join(", ", log))));
    }
}
