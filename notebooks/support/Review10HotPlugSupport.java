import static aplab.notebook.Nb.*;

import aplab.lockdep.LockDep;
import aplab.lockdep.TrackedLock;
import aplab.shell.Session;
import aplab.vfioap.MatrixMdev;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CountDownLatch;

/** Helpers of notebooks/Review10HotPlug.java: the set-ups and probes its cells call. */
class Review10HotPlugSupport {
    /** A host with adapters 5, 6, 7 and domains 4, 0x47 given to vfio_ap, and one mdev. */
    static Session reviewHost(String kernel) {
        Session s = host(kernel);
        quietly(s, "aplab host --adapters 5,6,7 --domains 4,0x47",
                "echo -5,-6,-7 > /sys/bus/ap/apmask", "echo -4,-0x47 > /sys/bus/ap/aqmask",
                "echo " + U1 + " > " + CREATE, "cd " + MDEV);
        return s;
    }

    static MatrixMdev mdev(Session s) {
        return s.host().vfioAp().mdev(U1);
    }

    static final String[] OPS = {
        "echo 5 > assign_adapter", "echo 6 > assign_adapter", "echo 7 > assign_adapter",
        "echo 5 > unassign_adapter", "echo 6 > unassign_adapter",
        "echo 4 > assign_domain", "echo 0x47 > assign_domain", "echo 4 > unassign_domain", "echo 0x47 > unassign_domain",
        "echo 05.0047 > /sys/bus/ap/drivers/vfio_ap/unbind", "echo 05.0047 > /sys/bus/ap/drivers/vfio_ap/bind",
        "echo 06.0004 > /sys/bus/ap/drivers/vfio_ap/unbind", "echo 06.0004 > /sys/bus/ap/drivers/vfio_ap/bind",
    };

    /** The deepest nesting of the locks in {@code order} that a command holds at once. */
    static String driverLocks(Session s, String cmd, List<String> order) {
        List<String> held = new ArrayList<>();
        List<String> deepest = new ArrayList<>();
        s.host().lockdep().trace(line -> {
            int lock = line.indexOf(": lock ");
            int unlock = line.indexOf(": unlock ");
            if (lock >= 0 && order.contains(line.substring(lock + 7))) {
                held.add(line.substring(lock + 7));
                if (held.size() > deepest.size()) {
                    deepest.clear();
                    deepest.addAll(held);
                }
            } else if (unlock >= 0) {
                held.remove(line.substring(unlock + 9));
            }
        });
        List<String> out = s.execute(cmd);
        s.host().lockdep().trace(null);
        int last = -1;
        boolean inOrder = true;
        for (String l : deepest) {
            int k = order.indexOf(l);
            inOrder &= k > last;
            last = k;
        }
        return String.join(" -> ", deepest) + (inOrder ? "" : "   OUT OF ORDER") + (out.isEmpty() ? "" : "   " + out);
    }

    /** The first APQN of guest_matrix whose queue is not bound to vfio_ap, or null. */
    static String unboundInGuest(Session s) {
        List<String> bound = s.execute("ls /sys/bus/ap/drivers/vfio_ap");
        for (String apqn : s.execute("cat " + MDEV + "/guest_matrix")) {
            if (apqn.matches("[0-9a-f]{2}\\.[0-9a-f]{4}") && !bound.contains(apqn)) {
                return apqn;
            }
        }
        return null;
    }

    static String randomOp(Random rnd) {
        return OPS[rnd.nextInt(OPS.length)];
    }

    static void runConcurrently(Runnable... bodies) {
        CountDownLatch start = new CountDownLatch(1);
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < bodies.length; i++) {
            Runnable b = bodies[i];
            Thread th = new Thread(() -> {
                try {
                    start.await();
                } catch (InterruptedException e) {
                    return;
                }
                b.run();
            }, "worker-" + i);
            threads.add(th);
            th.start();
        }
        start.countDown();
        threads.forEach(Review10HotPlugSupport::join);
    }

    static void join(Thread th) {
        try {
            th.join(60_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (th.isAlive()) {
            throw new IllegalStateException(th.getName() + " did not finish in 60 s: a deadlock?");
        }
    }
}
