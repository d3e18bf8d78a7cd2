import static aplab.notebook.Nb.*;

import aplab.shell.Session;
import java.util.ArrayList;
import java.util.List;

/** Helpers of notebooks/Patch08AssignUnavailable.java: the set-ups and probes its cells call. */
class Patch08AssignUnavailableSupport {
    /**
     * Adapters 5 and 6 with domains 4 and 0x47; apmask gives adapters 5, 6 and 7 to vfio_ap
     * (aqmask stays all ones); adapter 7 and domain 0xab are not in the host; one mdev.
     */
    static Session oneMdev(String kernel) {
        Session s = host(kernel);
        quietly(s, "aplab host --adapters 5,6 --domains 4,0x47", "echo -5,-6,-7 > /sys/bus/ap/apmask",
                "echo " + U1 + " > " + CREATE, "cd " + MATRIX + U1);
        return s;
    }
}
