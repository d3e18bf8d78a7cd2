import static aplab.notebook.Nb.*;

import aplab.lockdep.LockDep;
import aplab.lockdep.TrackedLock;
import aplab.shell.Session;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;

/** Helpers of notebooks/Patch13InUseImpl.java: the set-ups and probes its cells call. */
class Patch13InUseImplSupport {
    /** Adapters 5, 6 and domains 4, 5 given to vfio_ap; the mdev has 05.0004 (no guest). */
    static Session assigned(String kernel) {
        Session s = host(kernel);
        quietly(s, "aplab host --adapters 5,6 --domains 4,5",
                "echo -5,-6 > /sys/bus/ap/apmask",
                "echo " + U1 + " > " + CREATE, "cd " + MDEV,
                "echo 5 > assign_adapter", "echo 4 > assign_domain");
        return s;
    }

    /** Prints every queue reset vfio_ap has done so far on each host. */
    static void printResets(List<Session> hosts) {
        for (Session k : hosts) {
            System.out.println("queue resets on " + k.host().version().release() + ": " + k.host().vfioAp().resetLog());
        }
    }

    /**
     * Prints the lines of the host's {@code aplab lockdep} report that name {@code lock} (its
     * edges), then the report's verdict (its last line).
     */
    static void printLockdepEdges(Session s, String lock) {
        List<String> report = s.execute("aplab lockdep");
        System.out.println("# aplab lockdep   (the edges with " + lock + ", and the verdict)");
        for (String l : report.subList(0, report.size() - 1)) {
            if (l.contains(lock)) {
                System.out.println(l);
            }
        }
        System.out.println(report.get(report.size() - 1));
    }

    // ------------------------------------------------------------------ v18, written out by hand

    /**
     * The three locks of the v18 design, on a lock checker of their own (the model's driver runs
     * the merged design only; these few lines restate v18's lock order, nothing more).
     */
    static final class V18 {
        final LockDep lockdep = new LockDep();
        final TrackedLock guests = lockdep.newLock("guests_lock");
        final TrackedLock mdevs = lockdep.newLock("mdevs_lock");
        final TrackedLock perms = lockdep.newLock("ap_perms_mutex");

        /**
         * v18 assign_adapter_store: the driver's update locks, then vfio_ap_mdev_validate_masks ->
         * ap_apqn_in_matrix_owned_by_def_drv, which took ap_perms_mutex itself (5.18 AP bus).
         */
        void assignTail() {
            perms.lock();
            perms.unlock();
            mdevs.unlock();
            guests.unlock();
        }

        void assignHead() {
            guests.lock();
            mdevs.lock();
        }

        /** v18 assign_adapter_store from start to end. */
        void assign() {
            assignHead();
            assignTail();
        }

        /** apmask_store -> in_use with blocking locks (what v18 avoided). */
        String apmaskStoreBlocking() {
            perms.lock();
            guests.lock();
            mdevs.lock();
            mdevs.unlock();
            guests.unlock();
            perms.unlock();
            return "0 (in_use ran)";
        }

        /** apmask_store -> v18 vfio_ap_mdev_resource_in_use: mutex_trylock, EBUSY if taken. */
        String apmaskStoreTrylock() {
            perms.lock();
            try {
                if (!guests.tryLock()) {
                    return "-EBUSY (in_use could not take guests_lock)";
                }
                if (!mdevs.tryLock()) {
                    guests.unlock();
                    return "-EBUSY (in_use could not take mdevs_lock)";
                }
                mdevs.unlock();
                guests.unlock();
                return "0 (in_use ran)";
            } finally {
                perms.unlock();
            }
        }
    }

    /**
     * v18's spurious EBUSY, sequenced with latches: thread "assign" takes the update locks, then
     * thread "apmask" runs the mask write (trylock) to its end, then the assignment finishes.
     * Returns what each reported, in that order.
     */
    static List<String> trylockRace(V18 v) {
        CountDownLatch assignHoldsLocks = new CountDownLatch(1);
        CountDownLatch writeDone = new CountDownLatch(1);
        List<String> outcome = Collections.synchronizedList(new ArrayList<>());
        Thread assign = new Thread(() -> {
            try (var op = v.lockdep.operation("assign_adapter_store (v18)")) {
                v.assignHead();
                assignHoldsLocks.countDown();
                await(writeDone);
                v.assignTail();
                outcome.add("assign_adapter_store: completed");
            }
        }, "assign");
        Thread write = new Thread(() -> {
            await(assignHoldsLocks);
            try (var op = v.lockdep.operation("apmask_store -> in_use (v18 trylock)")) {
                outcome.add("apmask_store: in_use returned " + v.apmaskStoreTrylock());
            }
            writeDone.countDown();
        }, "apmask");
        assign.start();
        write.start();
        join(write);
        join(assign);
        return outcome;
    }

    /**
     * Holds {@code lock} on the calling thread, starts {@code body} on another thread, and
     * releases the lock once that thread is parked (at most 10 s); returns whether it parked,
     * after the thread has finished.
     */
    static boolean waitsFor(TrackedLock lock, Runnable body) {
        Thread t = new Thread(body, "aqmask");
        boolean waited;
        lock.lock();
        try {
            t.start();
            waited = parked(t);
        } finally {
            lock.unlock();
        }
        join(t);
        return waited;
    }

    static void run(String name, LockDep lockdep, String operation, Runnable body) {
        Thread t = new Thread(() -> {
            try (var op = lockdep.operation(operation)) {
                body.run();
            }
        }, name);
        t.start();
        join(t);
    }

    static void join(Thread t) {
        try {
            t.join(60_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (t.isAlive()) {
            throw new IllegalStateException(t.getName() + " did not finish in 60 s");
        }
    }

    static void await(CountDownLatch l) {
        try {
            l.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Waits (at most 10 s) until {@code t} is parked on a lock. */
    static boolean parked(Thread t) {
        for (int i = 0; i < 1000; i++) {
            Thread.State st = t.getState();
            if (st == Thread.State.WAITING || st == Thread.State.TIMED_WAITING) {
                return true;
            }
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return false;
    }
}
