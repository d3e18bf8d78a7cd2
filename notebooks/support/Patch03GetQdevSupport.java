import static aplab.notebook.Nb.*;

import aplab.ap.ApDriver;
import aplab.ap.ApQueue;
import aplab.ap.Apqn;
import aplab.shell.Session;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/** Helpers of notebooks/Patch03GetQdev.java: the set-ups and probes its cells call. */
class Patch03GetQdevSupport {
    /**
     * The old search, {@code driver_find_device(&vfio_ap_drv->driver, ...)}: walk the devices bound
     * to vfio_ap (what {@code ls /sys/bus/ap/drivers/vfio_ap} lists) and keep the APQNs.
     */
    static List<String> byDriverList(Session s) {
        List<String> out = new ArrayList<>();
        for (String e : s.execute("ls /sys/bus/ap/drivers/vfio_ap")) {
            if (Apqn.parse(e) != null) {
                out.add(e);
            }
        }
        return out;
    }

    /**
     * The new search, {@code vfio_ap_find_queue(apqn)}: {@code ap_get_qdev(apqn)} on the bus's
     * table, then the driver check; tried for every one of the 65536 APQNs.
     */
    static List<String> byApqn(Session s) {
        List<String> out = new ArrayList<>();
        for (int apid = 0; apid < 256; apid++) {
            for (int apqi = 0; apqi < 256; apqi++) {
                Apqn apqn = new Apqn(apid, apqi);
                if (s.host().vfioAp().vfioQueue(apqn) != null) {
                    out.add(apqn.toString());
                }
            }
        }
        return out;
    }

    /** A table of APQNs: does the queue device exist, which driver has it, what the lookup returns. */
    static void lookups(Session s, String... apqns) {
        System.out.printf("%-8s %-14s %-10s %s%n", "APQN", "device exists", "bound to", "vfio_ap_find_queue()");
        for (String apqn : apqns) {
            row(s, apqn);
        }
    }

    /**
     * Runs {@code states} operations drawn from {@link #OPS} (random, with {@code seed}) and after
     * each compares {@link #byDriverList} with {@link #byApqn}; prints how many states agreed, the
     * first difference, and how many queues vfio_ap had after every 50th operation.
     */
    static void compareSearches(Session r, int states, long seed) {
        Random rnd = new Random(seed);
        int same = 0;
        String firstDifference = null;
        List<String> sizes = new ArrayList<>();
        for (int i = 0; i < states; i++) {
            String op = OPS[rnd.nextInt(OPS.length)];
            r.execute(op);
            List<String> walk = byDriverList(r);
            List<String> lookup = byApqn(r);
            if (walk.equals(lookup)) {
                same++;
            } else if (firstDifference == null) {
                firstDifference = "after '" + op + "': walk " + walk + ", lookup " + lookup;
            }
            if (i % 50 == 49) {
                sizes.add(walk.size() + "");
            }
        }
        System.out.printf("%d of %d states: the driver walk and the APQN lookup find the same queues%n", same, states);
        System.out.println("first difference: " + (firstDifference == null ? "none" : firstDifference));
        System.out.println("queues bound to vfio_ap after every 50th operation: " + String.join(", ", sizes));
    }

    /** One row: does the queue device exist, which driver has it, what the lookup returns. */
    static void row(Session s, String name) {
        Apqn apqn = Apqn.parse(name);
        ApQueue q = s.host().bus().queue(apqn);
        ApDriver d = q == null ? null : q.driver();
        String found = s.host().vfioAp().vfioQueue(apqn) == null ? "NULL" : "its vfio_ap_queue";
        System.out.printf("%-8s %-14s %-10s %s%n", name, q == null ? "no" : "yes",
                q == null ? "-" : d == null ? "(none)" : d.name(), found);
    }

    static final String[] OPS = {
        "echo 05.0047 > /sys/bus/ap/drivers/vfio_ap/unbind", "echo 05.0047 > /sys/bus/ap/drivers/vfio_ap/bind",
        "echo 06.0004 > /sys/bus/ap/drivers/vfio_ap/unbind", "echo 06.0004 > /sys/bus/ap/drivers/cex4queue/bind",
        "echo +6 > /sys/bus/ap/apmask", "echo -6 > /sys/bus/ap/apmask", "echo -7 > /sys/bus/ap/apmask",
        "echo +7 > /sys/bus/ap/apmask", "echo +0x47 > /sys/bus/ap/aqmask", "echo -0x47 > /sys/bus/ap/aqmask",
        "aplab host --adapters 5,6,7 --domains 4,0x47", "aplab host --adapters 5,6 --domains 4,0x47,0x48",
        "echo 5 > " + MDEV + "/assign_adapter", "echo 0x47 > " + MDEV + "/assign_domain",
    };
}
