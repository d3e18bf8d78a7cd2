import static aplab.notebook.Nb.*;

import aplab.ap.ApQueue;
import aplab.shell.Session;
import aplab.vfioap.MatrixMdev;
import aplab.vfioap.VfioApQueue;
import java.util.ArrayList;
import java.util.List;

/** Helpers of notebooks/Patch05QueueLinks.java: the set-ups and probes its cells call. */
class Patch05QueueLinksSupport {
    /** Adapters 5 and 6, domains 4 and 0x47, all given to vfio_ap; two mdevs. */
    static Session twoMdevs(String kernel) {
        Session s = host(kernel);
        quietly(s, "aplab host --adapters 5,6 --domains 4,0x47", "echo -5,-6 > /sys/bus/ap/apmask",
                "echo " + U1 + " > " + CREATE, "echo " + U2 + " > " + CREATE, "cd " + MATRIX + U1);
        return s;
    }

    static String shortName(MatrixMdev m) {
        return m == null ? "-" : m.uuid().substring(0, 4);
    }

    /** Each mdev's qtable, then each vfio_ap queue's back pointer (q->matrix_mdev). */
    static List<String> links(Session s) {
        List<String> out = new ArrayList<>();
        for (MatrixMdev m : s.host().vfioAp().mdevs()) {
            List<String> keys = new ArrayList<>();
            m.qtable().keySet().stream().sorted().forEach(k -> keys.add(k.toString()));
            out.add("qtable " + shortName(m) + ": " + (keys.isEmpty() ? "empty" : String.join(" ", keys)));
        }
        List<String> back = new ArrayList<>();
        for (ApQueue q : s.host().bus().queues().values()) {
            VfioApQueue vq = s.host().vfioAp().vfioQueue(q.apqn());
            if (vq != null) {
                back.add(q.apqn() + "->" + shortName(vq.matrixMdev()));
            }
        }
        out.add("matrix_mdev: " + String.join(" ", back));
        return out;
    }

    /** The links after each command: one row per command (its output, if any, on the rows after it). */
    static List<String> stepLines(Session s, String... cmds) {
        List<String> rows = new ArrayList<>();
        rows.add(String.format("%-63s %-15s %-11s %s", "command", "qtable 1111", "qtable 2222", "q->matrix_mdev"));
        for (String c : cmds) {
            List<String> printed = s.execute(c);
            String t1 = "(removed)";
            String t2 = "(removed)";
            for (MatrixMdev m : s.host().vfioAp().mdevs()) {
                List<String> keys = new ArrayList<>();
                m.qtable().keySet().stream().sorted().forEach(k -> keys.add(k.toString()));
                String t = keys.isEmpty() ? "empty" : String.join(" ", keys);
                if (shortName(m).equals("1111")) {
                    t1 = t;
                } else {
                    t2 = t;
                }
            }
            List<String> back = new ArrayList<>();
            for (ApQueue q : s.host().bus().queues().values()) {
                VfioApQueue vq = s.host().vfioAp().vfioQueue(q.apqn());
                if (vq != null) {
                    back.add(q.apqn() + "->" + shortName(vq.matrixMdev()));
                }
            }
            rows.add(String.format("%-63s %-15s %-11s %s", c, t1, t2, String.join(" ", back)).stripTrailing());
            rows.addAll(printed);
        }
        return rows;
    }

    /** Runs each command and prints a row of the links after it ({@link #stepLines}). */
    static void step(Session s, String... cmds) {
        stepLines(s, cmds).forEach(System.out::println);
    }

    /** Runs the commands on both kernels and prints whether the links agree after every one. */
    static void sameLinks(String kernel, String other, String... cmds) {
        List<String> a = stepLines(twoMdevs(kernel), cmds);
        List<String> b = stepLines(twoMdevs(other), cmds);
        if (a.equals(b)) {
            System.out.println(kernel + ": after each of the " + cmds.length + " commands the links are those of " + other);
            return;
        }
        System.out.println(kernel + ", rows that differ from " + other + ":");
        for (int i = 0; i < a.size(); i++) {
            if (i >= b.size() || !a.get(i).equals(b.get(i))) {
                System.out.println(a.get(i));
            }
        }
    }

    /**
     * Adapters 5 and 6 and domains 4 and 0x47 assigned to mdev 1111, 06.0047 unbound; prints the
     * links, then the resets (sorted) each of guest start, guest stop and mdev removal issued.
     */
    static void resetsOnBoth(String kernel) {
        Session k = twoMdevs(kernel);
        quietly(k, "echo 5 > assign_adapter", "echo 6 > assign_adapter", "echo 4 > assign_domain",
                "echo 0x47 > assign_domain", "echo 06.0047 > /sys/bus/ap/drivers/vfio_ap/unbind");
        System.out.println("[" + kernel + "] " + String.join(" | ", links(k)));
        for (String c : List.of("aplab guest start g1 --mdev " + U1, "aplab guest stop g1", "echo 1 > remove")) {
            int before = k.host().vfioAp().resetLog().size();
            quietly(k, c);
            List<String> log = new ArrayList<>(k.host().vfioAp().resetLog());
            List<String> done = new ArrayList<>(log.subList(before, log.size()));
            done.sort(null);
            System.out.printf("    %-20s resets: %s%n", c.startsWith("aplab guest start") ? "aplab guest start g1" : c,
                    done.isEmpty() ? "none" : String.join(", ", done));
        }
    }
}
