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

    /** assigned, with guest g1 started. */
    static Session guestRunning(String kernel) {
        Session s = assigned(kernel);
        quietly(s, "aplab guest start g1 --mdev " + U1);
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

    /** The PATHS run in order on a fresh {@link #assigned} host, each with its nestings. */
    static List<String> nestings(String kernel) {
        Session s = assigned(kernel);
        List<String> lines = new ArrayList<>();
        for (String cmd : PATHS) {
            String shown = cmd.replace(U1, "UUID1").replace(U2, "UUID2").replace(CREATE, ".../create");
            lines.add(String.format("  %-52s %s", "# " + shown, nesting(s, cmd)));
        }
        return lines;
    }

    /** Prints the nestings of every path on that kernel. */
    static void printNestings(String kernel) {
        System.out.println("[" + kernel + "]");
        nestings(kernel).forEach(System.out::println);
    }

    /** Prints only the paths whose nestings on {@code kernel} differ from those on {@code than}. */
    static void printNestingsDiffering(String kernel, String than) {
        List<String> mine = nestings(kernel);
        List<String> theirs = nestings(than);
        System.out.println("[" + kernel + "] as " + than + ", except:");
        for (int i = 0; i < mine.size(); i++) {
            if (!mine.get(i).equals(theirs.get(i))) {
                System.out.println(mine.get(i));
            }
        }
    }

    /**
     * A hypothetical hot plug with the 5.17 locks: holds matrix_dev->lock, reads matrix_mdev->kvm
     * and takes that guest's kvm->lock, then releases both.
     */
    static void hotPlugUnderDriverLock(Session s) {
        LockDep lockdep = s.host().lockdep();
        TrackedLock driverLock = s.host().vfioAp().matrixDev().mdevsLock();
        try (var op = lockdep.operation("hot plug under matrix_dev->lock (hypothetical)")) {
            driverLock.lock();
            Kvm kvm = s.host().vfioAp().mdev(U1).kvm();
            kvm.lock().lock();
            kvm.lock().unlock();
            driverLock.unlock();
        }
    }

    /**
     * A hypothetical hot plug with the 5.17 locks: reads matrix_mdev->kvm under matrix_dev->lock
     * and drops it; then (forced, one thread) the guest stops; then the hot plug takes the stale
     * kvm->lock and matrix_dev->lock and pushes the matrix. Prints the stop and the stale guest's
     * CRYCB updates.
     */
    static void hotPlugWithWindow(Session s) {
        MatrixMdev m = s.host().vfioAp().mdev(U1);
        TrackedLock driverLock = s.host().vfioAp().matrixDev().mdevsLock();
        Kvm stale;
        try (var op = s.host().lockdep().operation("hot plug, pointer read then lock dropped (hypothetical)")) {
            driverLock.lock();
            stale = m.kvm();
            driverLock.unlock();
            sh(s, "aplab guest stop g1");
            stale.lock().lock();
            driverLock.lock();
            push(m.matrix(), stale);
            driverLock.unlock();
            stale.lock().unlock();
        }
        System.out.println("CRYCB updates of the stopped guest g1:");
        stale.updates().forEach(u -> System.out.println("  " + u));
    }

    /**
     * A hand-written mainline hot plug: takes guests_lock, reads matrix_mdev->kvm, starts "aplab
     * guest stop g1" on another thread, takes kvm->lock and mdevs_lock, pushes the shadow APCB,
     * releases in reverse order; then waits for the stop and prints g1's CRYCB updates.
     */
    static void hotPlugUnderGuestsLock(Session s) {
        MatrixMdev m = s.host().vfioAp().mdev(U1);
        TrackedLock guests = s.host().vfioAp().matrixDev().guestsLock();
        TrackedLock mdevs = s.host().vfioAp().matrixDev().mdevsLock();
        Kvm kvm;
        Thread stopper;
        try (var op = s.host().lockdep().operation("hot plug under guests_lock (hand-written)")) {
            guests.lock();
            kvm = m.kvm();
            stopper = new Thread(() -> s.execute("aplab guest stop g1"), "qemu-exit");
            stopper.start();
            kvm.lock().lock();
            mdevs.lock();
            push(m.shadowApcb(), kvm);
            mdevs.unlock();
            kvm.lock().unlock();
            guests.unlock();
        }
        try {
            stopper.join(60_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        System.out.println("CRYCB updates of g1:");
        kvm.updates().forEach(u -> System.out.println("  " + u));
    }

    /** kvm_arch_crypto_set_masks with these masks (the caller holds kvm->lock). */
    static void push(ApMatrix masks, Kvm kvm) {
        kvm.setMasks(masks.apm(), masks.aqm(), masks.adm());
    }
}
