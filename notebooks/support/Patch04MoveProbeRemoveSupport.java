import static aplab.notebook.Nb.*;

import aplab.shell.Session;
import java.util.ArrayList;
import java.util.List;

/** Helpers of notebooks/Patch04MoveProbeRemove.java: the set-ups and probes its cells call. */
class Patch04MoveProbeRemoveSupport {
    /** Binding changes of queues that no mdev has assigned: only probe and remove run. */
    static final String[] BINDINGS = {
        "echo -5,-6 > /sys/bus/ap/apmask",
        "echo 05.0047 > /sys/bus/ap/drivers/vfio_ap/unbind",
        "echo 05.0047 > /sys/bus/ap/drivers/vfio_ap/bind",
        "echo +6 > /sys/bus/ap/apmask",
        "echo -0x47 > /sys/bus/ap/aqmask",
        "aplab host --adapters 5 --domains 4,0x47",
    };

    static Session fresh(String kernel) {
        Session s = host(kernel);
        quietly(s, "aplab host --adapters 5,6 --domains 4,0x47",
                "echo " + U1 + " > " + CREATE);
        return s;
    }

    /**
     * Runs {@link #BINDINGS} on each kernel and prints what the first kernel observed in full,
     * then for each other kernel "identical" or the lines that differ from the first.
     */
    static void compareRuns(String first, String... others) {
        List<String> base = observe(fresh(first));
        System.out.println(first + ":");
        base.forEach(l -> System.out.println("  " + l));
        for (String k : others) {
            List<String> o = observe(fresh(k));
            if (o.equals(base)) {
                System.out.println(k + ": identical to " + first);
                continue;
            }
            System.out.println(k + ", lines that differ from " + first + ":");
            for (int i = 0; i < base.size(); i++) {
                if (!base.get(i).equals(o.get(i))) {
                    System.out.println("  " + o.get(i));
                }
            }
        }
    }

    /** The lock nestings of unbinding and binding again 05.0047, unassigned, on that kernel. */
    static void bindLocks(String kernel) {
        Session s = fresh(kernel);
        quietly(s, "echo -5,-6 > /sys/bus/ap/apmask");
        for (String op : List.of("unbind", "bind")) {
            List<String> l = lockNestings(s, () -> s.execute("echo 05.0047 > /sys/bus/ap/drivers/vfio_ap/" + op));
            System.out.printf("[%s] %-6s %s%n", kernel, op, String.join("; ", l));
        }
    }

    /** What each binding change left: the queues vfio_ap has, and the resets it issued. */
    static List<String> observe(Session s) {
        List<String> out = new ArrayList<>();
        for (String cmd : BINDINGS) {
            List<String> printed = s.execute(cmd);
            List<String> bound = new ArrayList<>();
            for (String e : s.execute("ls /sys/bus/ap/drivers/vfio_ap")) {
                if (e.contains(".")) {
                    bound.add(e);
                }
            }
            out.add(String.format("%-52s vfio_ap has %s%s", "# " + cmd, bound.isEmpty() ? "none" : String.join(" ", bound),
                    printed.isEmpty() ? "" : "  " + printed));
        }
        out.add("resets: " + String.join(", ", s.host().vfioAp().resetLog()));
        return out;
    }
}
