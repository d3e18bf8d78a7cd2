import static aplab.notebook.Nb.*;

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

    /**
     * The set-up of the CVE-2024-26620 commit message: adapters 0x14, 0x16 and domains 4, 5, 6, all
     * given to vfio_ap and assigned to the mdev, which guest g1 uses.
     */
    static Session cveHost(String kernel) {
        Session s = host(kernel);
        quietly(s, "aplab host --adapters 0x14,0x16 --domains 4,5,6", "echo -0x14,-0x16 > /sys/bus/ap/apmask",
                "echo " + U1 + " > " + CREATE, "cd " + MDEV, "echo 0x14 > assign_adapter", "echo 0x16 > assign_adapter",
                "echo 4 > assign_domain", "echo 5 > assign_domain", "echo 6 > assign_domain",
                "aplab guest start g1 --mdev " + U1);
        return s;
    }

    static MatrixMdev mdev(Session s) {
        return s.host().vfioAp().mdev(U1);
    }

    /**
     * A guest start on that kernel (adapter 5, domain 4 assigned): the filter trace (who calls
     * kvm_arch_crypto_set_masks) and the lock nestings, two lines.
     */
    static void guestStartTrace(String kernel) {
        Session g = reviewHost(kernel);
        quietly(g, "echo 5 > assign_adapter", "echo 4 > assign_domain");
        List<String> calls = new ArrayList<>();
        g.host().vfioAp().traceFilter(calls::add);
        List<String> locks = lockNestings(g, () -> g.execute("aplab guest start g1 --mdev " + U1));
        g.host().vfioAp().traceFilter(null);
        System.out.printf("[%s] calls: %s%n       locks: %s%n", kernel,
                calls.isEmpty() ? "kvm_arch_crypto_set_masks (direct)" : String.join(", ", calls), String.join(" | ", locks));
    }

    /** Runs each write and prints the masks KVM received from it, or "no push"; first the pushes so far. */
    static void pushes(Session s, String... writes) {
        List<String> kvm = s.host().guest("g1").kvm().updates();
        System.out.printf("%-38s %s%n", "# aplab guest start g1 (set_kvm)", String.join("; ", kvm));
        for (String w : writes) {
            int before = kvm.size();
            List<String> out = s.execute(w);
            kvm = s.host().guest("g1").kvm().updates();
            String got = kvm.size() == before ? "no push" : String.join("; ", kvm.subList(before, kvm.size()));
            System.out.printf("%-38s %s%s%n", "# " + w, got, out.isEmpty() ? "" : "  " + out);
        }
    }

    /**
     * Runs each command and prints it (with what it printed) and, indented, the filtering it did;
     * vfio_ap_mdev_update_guest_apcb lines are left out when no guest uses the mdev.
     */
    static void filterTrace(Session s, String... commands) {
        List<String> log = new ArrayList<>();
        s.host().vfioAp().traceFilter(log::add);
        try {
            for (String c : commands) {
                List<String> out = s.execute(c);
                System.out.println("# " + c + (out.isEmpty() ? "" : "   " + out));
                log.stream().filter(l -> !l.endsWith("update_guest_apcb: no guest")).forEach(l -> System.out.println("  " + l));
                log.clear();
            }
        } finally {
            s.host().vfioAp().traceFilter(null);
        }
    }

    /**
     * Runs {@code sequences} random sequences of {@code length} operations from {@link #OPS} on fresh
     * hosts of that kernel (one {@link Random} of that seed for all) and prints how many put an APQN
     * whose queue is not bound to vfio_ap into guest_matrix (checked after every operation), and
     * the first such sequence.
     */
    static void leakingSequences(String kernel, int sequences, int length, long seed) {
        Random rnd = new Random(seed);
        int leaking = 0;
        String firstExample = null;
        for (int i = 0; i < sequences; i++) {
            Session h = reviewHost(kernel);
            List<String> steps = new ArrayList<>();
            for (int n = 0; n < length; n++) {
                String op = randomOp(rnd);
                steps.add(op);
                h.execute(op);
                String leak = unboundInGuest(h);
                if (leak != null) {
                    leaking++;
                    if (firstExample == null) {
                        firstExample = String.join("; ", steps) + " -> " + leak + " in guest_matrix";
                    }
                    break;
                }
            }
        }
        System.out.printf("[%s] %d of %d sequences pass a queue not bound to vfio_ap into the guest matrix%n", kernel, leaking,
                sequences);
        if (firstExample != null) {
            System.out.println("  the first: " + firstExample);
        }
    }

    /** In a new thread, takes {@code locks} in the given order as one lockdep operation, then releases them. */
    static void takeInOrder(Session s, String operation, TrackedLock... locks) {
        lockInOrder(s, "inverted", operation, locks);
    }

    /**
     * Runs each command on one host per kernel (adapter 5, domain 4 assigned first) and prints a
     * table of the deepest nesting of {@code LOCKS} each holds, for the first two kernels; then
     * whether the third kernel's rows equal the second's. Row labels shorten the driver's sysfs
     * path to vfio_ap/ and drop {@code --mdev UUID}.
     */
    static void lockSets(List<String> kernels, String... commands) {
        List<Session> hosts = new ArrayList<>();
        for (String k : kernels) {
            Session r = reviewHost(k);
            quietly(r, "echo 5 > assign_adapter", "echo 4 > assign_domain");
            hosts.add(r);
        }
        var table = table("path (the deepest nesting of the driver's locks)", kernels.subList(0, 2));
        List<String> differ = new ArrayList<>();
        for (String cmd : commands) {
            List<String> row = new ArrayList<>();
            for (Session r : hosts) {
                row.add(driverLocks(r, cmd, LOCKS));
            }
            String label = cmd.replace("/sys/bus/ap/drivers/", "").replace(" --mdev " + U1, "");
            table.row(label, row.subList(0, 2));
            if (!row.get(2).equals(row.get(1))) {
                differ.add(label + ": " + row.get(2));
            }
        }
        System.out.print(table.render());
        System.out.println(kernels.get(2) + (differ.isEmpty() ? ": every row as " + kernels.get(1) : " differs: " + differ));
    }

    static final List<String> LOCKS = List.of("ap_perms_mutex", "guests_lock", "kvm->lock", "matrix_dev->lock", "mdevs_lock");

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
