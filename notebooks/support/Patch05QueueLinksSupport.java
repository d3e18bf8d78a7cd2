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

    /** Runs each command and prints, under it, what it printed and the links after it. */
    static void step(Session s, String... cmds) {
        for (String c : cmds) {
            System.out.println("# " + c);
            s.execute(c).forEach(System.out::println);
            links(s).forEach(l -> System.out.println("    " + l));
        }
    }
}
