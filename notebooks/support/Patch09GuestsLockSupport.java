import static aplab.notebook.Nb.*;

import aplab.kvm.Kvm;
import aplab.lockdep.LockDep;
import aplab.lockdep.TrackedLock;
import aplab.shell.Session;
import aplab.vfioap.ApMatrix;
import aplab.vfioap.MatrixMdev;
import java.util.ArrayList;
import java.util.List;

/** Helpers of notebooks/Patch09GuestsLock.java: the set-ups and probes its cells call. */
class Patch09GuestsLockSupport {
    /**
     * Adapters 5 and 6, domains 4 and 0x47, all given to vfio_ap (and adapter 7, which the host
     * does not have); the mdev has 05.0004.
     */
    static Session assigned(String kernel) {
        Session s = host(kernel);
        quietly(s, "aplab host --adapters 5,6 --domains 4,0x47", "echo -5,-6,-7 > /sys/bus/ap/apmask",
                "echo " + U1 + " > " + CREATE, "cd " + MDEV, "echo 5 > assign_adapter", "echo 4 > assign_domain");
        return s;
    }

    static final List<String> DRIVER_LOCKS = List.of("ap_perms_mutex", "guests_lock", "kvm->lock",
            "mdevs_lock", "matrix_dev->lock");

    /**
     * The nestings of the driver's locks (and ap_perms_mutex) one command holds, in order: each
     * chain of locks held at a moment just before one of them is released, repeats left out.
     */
    static String nesting(Session s, String cmd) {
        List<String> held = new ArrayList<>();
        List<String> chains = new ArrayList<>();
        boolean[] grew = {false};
        s.host().lockdep().trace(line -> {
            int lock = line.indexOf(": lock ");
            int unlock = line.indexOf(": unlock ");
            if (lock >= 0 && DRIVER_LOCKS.contains(line.substring(lock + 7))) {
                held.add(line.substring(lock + 7));
                grew[0] = true;
            } else if (unlock >= 0 && DRIVER_LOCKS.contains(line.substring(unlock + 9))) {
                String chain = String.join(" -> ", held);
                if (grew[0] && (chains.isEmpty() || !chains.get(chains.size() - 1).equals(chain))) {
                    chains.add(chain);
                }
                grew[0] = false;
                held.remove(line.substring(unlock + 9));
            }
        });
        List<String> out;
        try {
            out = s.execute(cmd);
        } finally {
            s.host().lockdep().trace(null);
        }
        return (chains.isEmpty() ? "(none)" : String.join("; ", chains)) + (out.isEmpty() ? "" : "   " + out);
    }

    static final String[] PATHS = {
        "echo " + U2 + " > " + CREATE,
        "echo 0x47 > assign_domain",
        "aplab guest start g1 --mdev " + U1,
        "echo 6 > assign_adapter",
        "echo 05.0004 > /sys/bus/ap/drivers/vfio_ap/unbind",
        "echo 05.0004 > /sys/bus/ap/drivers/vfio_ap/bind",
        "echo +7 > /sys/bus/ap/apmask",
        "aplab guest stop g1",
    };

    /** kvm_arch_crypto_set_masks with these masks (the caller holds kvm->lock). */
    static void push(ApMatrix masks, Kvm kvm) {
        kvm.setMasks(masks.apm(), masks.aqm(), masks.adm());
    }
}
