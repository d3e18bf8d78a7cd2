import static aplab.notebook.Nb.*;

import aplab.shell.Session;
import aplab.vfioap.ApMatrix;
import aplab.vfioap.MatrixMdev;
import java.util.ArrayList;
import java.util.List;

/** Helpers of notebooks/Patch07FilterApcb.java: the set-ups and probes its cells call. */
class Patch07FilterApcbSupport {
    /**
     * Adapters 5 and 6, usage and control domains 4 and 0x47; adapters 5, 6 and 7 are given to
     * vfio_ap (7 is not in the host); one mdev.
     */
    static Session oneMdev(String kernel) {
        Session s = host(kernel);
        quietly(s, "aplab host --adapters 5,6 --domains 4,0x47", "echo -5,-6,-7 > /sys/bus/ap/apmask",
                "echo " + U1 + " > " + CREATE, "cd " + MDEV);
        return s;
    }

    static void limits(Session s, String when) {
        MatrixMdev m = s.host().vfioAp().mdev(U1);
        ApMatrix a = m.matrix();
        ApMatrix b = m.shadowApcb();
        System.out.printf("%-42s matrix limits %d/%d/%d, shadow limits %d/%d/%d%n", when,
                a.apmMax(), a.aqmMax(), a.admMax(), b.apmMax(), b.aqmMax(), b.admMax());
    }
}
