import static aplab.notebook.Nb.*;

import aplab.shell.Session;
import aplab.vfioap.ApMatrix;
import java.util.List;

/** Helpers of notebooks/Patch06ShadowApcb.java: the set-ups and probes its cells call. */
class Patch06ShadowApcbSupport {
    /** Adapters 5 and 6, domains (and control domains) 4 and 0x47, all given to vfio_ap; one mdev. */
    static Session oneMdev(String kernel) {
        Session s = host(kernel);
        quietly(s, "aplab host --adapters 5,6 --domains 4,0x47", "echo -5,-6 > /sys/bus/ap/apmask",
                "echo " + U1 + " > " + CREATE, "cd " + MDEV);
        return s;
    }

    /** The mdev's shadow APCB as the driver holds it: masks and limits. */
    static void printShadow(Session s) {
        ApMatrix sh = s.host().vfioAp().mdev(U1).shadowApcb();
        System.out.printf("shadow_apcb: apm=%s aqm=%s adm=%s (apm_max=%d aqm_max=%d adm_max=%d)%n",
                sh.apm().toIdList(2), sh.aqm().toIdList(4), sh.adm().toIdList(4), sh.apmMax(), sh.aqmMax(), sh.admMax());
    }

    /** The CRYCB updates of g1's current KVM instance, in order, on one line. */
    static void printUpdates(Session s) {
        System.out.println("CRYCB updates of g1: " + String.join("; ", s.host().guest("g1").kvm().updates()));
    }
}
