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
