package aplab.explore;

import aplab.check.HostOp;
import aplab.host.Host;
import aplab.sysfs.Sysfs;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.LockSupport;

/**
 * Runs two operations on one host in two real threads under a deterministic scheduler, at lock
 * granularity.
 *
 * <p><b>What "lock granularity" means here.</b> The model's code is the kernel's: an operation is a
 * sequence of critical sections, each entered by taking a model lock ({@code ap_perms_mutex},
 * {@code guests_lock}, {@code kvm->lock}, {@code mdevs_lock}, a queue's device lock, the pqap hook
 * rwsem, the bus scan mutex). Every acquisition goes through the lock-order checker, which reports
 * it to its tracer on the acquiring thread <em>before</em> the thread takes the lock. The scheduler
 * installs itself as that tracer and makes each such report a yield point: the thread stops there
 * until the scheduler lets it go on. Exactly one thread runs at a time; it runs to its next
 * acquisition (or to the end of the operation) and stops. So a step is "run from one lock
 * acquisition to the next"; the scheduler chooses, at every point where both threads are stopped
 * at a yield point, which one takes its next step, and the explorer tries every choice. A preemption
 * between a release and the next acquisition is equivalent to one just before that next
 * acquisition, because code between them touches no state guarded by the released locks (if it did,
 * that would be a data race the model itself should not have). Operations also start at a yield
 * point, so either may go first.
 *
 * <p>A granted thread may block on a lock (or a Java monitor of the model, such as the
 * hypervisor's) that the other thread holds while stopped; the JVM tells the owner
 * ({@link ThreadInfo#getLockOwnerId()}), and the thread counts as blocked, not enabled, until the
 * owner releases it. When the owner releases it during its step, the blocked thread wakes and runs
 * to its next yield point within that step (it needs the lock the owner just gave up, so the two
 * touch disjoint state). Two threads each blocked by the other is a deadlock, reported as such.
 *
 * <p>The model also declares <em>switch points</em> ({@link aplab.lockdep.LockDep#switchPoint}): places
 * where it acts on shared state it read outside a tracked lock (the exception to the argument
 * above, and where the AP bus's bind races lived). Each is a yield point too, shown in a schedule
 * as {@code switch WHAT}.
 *
 * <p>One execution follows a list of forced choices and then lets the running thread go on; its
 * branch points come back in {@link Execution#branches()} so the explorer can enumerate every
 * schedule depth first (stateless model checking). Optionally the number of preemptions (switching
 * away from a thread that could go on) is bounded, as in CHESS's context bounding; unbounded, every
 * schedule at lock granularity is run.
 */
final class Interleaver {
    private static final ThreadMXBean MX = ManagementFactory.getThreadMXBean();
    private static final long SETTLE_LIMIT_NANOS = 20_000_000_000L;
    /** Lock classes with one instance per host: "the other thread holds one" means "holds it". */
    private static final java.util.Set<String> SINGLETONS = java.util.Set.of("ap_perms_mutex", "ap_scan_bus_mutex",
            "guests_lock", "mdevs_lock", "matrix_dev->lock");

    /**
     * One branch point: whether the thread that ran the last step went on (0) or the other one was
     * chosen (1; at the start 0 is A and 1 is B), and whether the choice was degenerate: the chosen thread blocked at once on a lock the other
     * holds (the same instance of a per-queue or per-guest lock class), so the step did nothing and
     * the schedule is the other choice's. Degenerate choices are not alternatives.
     */
    record Branch(int chosen, boolean degenerate) {
    }

    /** The outcome of one schedule. */
    record Execution(List<Branch> branches, List<String> steps, String outcomeA, String outcomeB, String failure,
            boolean deadlock) {
    }

    private static final class OpThread implements Runnable {
        static final int RUNNING = 0;
        static final int AT_GATE = 1;
        static final int DONE = 2;

        final String name;
        final HostOp op;
        final Host host;
        final Sysfs sysfs;
        final Thread controller;
        final Thread thread;
        volatile int status = RUNNING;
        volatile boolean granted;
        volatile String label = "begin";
        volatile String outcome;
        volatile Throwable crash;
        /** Lock classes this thread holds (it runs one at a time, so a plain list is safe). */
        final List<String> held = new java.util.concurrent.CopyOnWriteArrayList<>();
        volatile String wants;

        OpThread(String name, HostOp op, Host host, Sysfs sysfs, Thread controller) {
            this.name = name;
            this.op = op;
            this.host = host;
            this.sysfs = sysfs;
            this.controller = controller;
            this.thread = new Thread(this, "explore-" + name);
            this.thread.setDaemon(true);
        }

        void gate(String what) {
            label = what;
            granted = false;
            status = AT_GATE;
            LockSupport.unpark(controller);
            while (!granted) {
                LockSupport.park(this);
            }
        }

        @Override
        public void run() {
            try {
                gate("begin " + op.command());
                outcome = op.apply(host, sysfs);
            } catch (Throwable t) {
                crash = t;
                outcome = "crash: " + t;
            } finally {
                status = DONE;
                LockSupport.unpark(controller);
            }
        }

        void grant() {
            status = RUNNING;
            granted = true;
            LockSupport.unpark(thread);
        }
    }

    private Interleaver() {
    }

    /**
     * Runs {@code a} and {@code b} concurrently on {@code host}. At each branch point (both threads
     * stopped at a yield point and able to go on) choice 0 lets the thread that ran the last step go
     * on and choice 1 switches to the other (a preemption; at the very start 0 is A, 1 is B). The
     * first choices come from {@code forced}, the rest are 0. With {@code maxPreemptions >= 0}, once
     * that many preemptions were made the running thread always goes on (context bounding).
     */
    static Execution run(Host host, Sysfs sysfs, HostOp a, HostOp b, List<Integer> forced, int maxPreemptions) {
        Thread me = Thread.currentThread();
        OpThread ta = new OpThread("A", a, host, sysfs, me);
        OpThread tb = new OpThread("B", b, host, sysfs, me);
        host.lockdep().trace(line -> {
            Thread t = Thread.currentThread();
            OpThread ot = t == ta.thread ? ta : t == tb.thread ? tb : null;
            if (ot == null) {
                return;
            }
            int colon = line.lastIndexOf(": ");
            String what = colon < 0 ? line : line.substring(colon + 2);
            if (what.startsWith("lock ") || what.startsWith("trylock ")) {
                String op = line.substring(line.indexOf(' ') + 1, colon < 0 ? line.length() : colon);
                String cls = what.substring(what.indexOf(' ') + 1);
                ot.wants = cls;
                ot.gate(what + " (" + op + ")");
                ot.wants = null;
                ot.held.add(cls);
            } else if (what.startsWith("unlock ")) {
                ot.held.remove(what.substring(7));
            }
        });
        // the model's switch points (shared state used outside a lock): a yield point like a lock
        host.lockdep().switchPoints(line -> {
            Thread t = Thread.currentThread();
            OpThread ot = t == ta.thread ? ta : t == tb.thread ? tb : null;
            if (ot == null) {
                return;
            }
            int at = line.indexOf(": switch ");
            String op = at < 0 ? "?" : line.substring(line.indexOf(' ') + 1, at);
            String what = at < 0 ? line : line.substring(at + 2);
            ot.gate(what + " (" + op + ")");
        });
        List<Branch> branches = new ArrayList<>();
        List<String> steps = new ArrayList<>();
        OpThread last = null;
        int preemptions = 0;
        String failure = null;
        boolean deadlock = false;
        try {
            ta.thread.start();
            tb.thread.start();
            while (true) {
                String stuck = settle(ta, tb);
                if (stuck != null) {
                    failure = stuck;
                    deadlock = stuck.startsWith("deadlock");
                    break;
                }
                boolean ea = ta.status == OpThread.AT_GATE;
                boolean eb = tb.status == OpThread.AT_GATE;
                if (!ea && !eb) {
                    if (ta.status == OpThread.DONE && tb.status == OpThread.DONE) {
                        break;
                    }
                    failure = "deadlock: no thread can run\n" + dump(ta, tb);
                    deadlock = true;
                    break;
                }
                // a singleton lock the other thread holds: that thread is not enabled
                if (ea && eb && ta.wants != null && SINGLETONS.contains(ta.wants) && tb.held.contains(ta.wants)) {
                    ea = false;
                }
                if (ea && eb && tb.wants != null && SINGLETONS.contains(tb.wants) && ta.held.contains(tb.wants)) {
                    eb = false;
                }
                OpThread next;
                boolean branch = ea && eb;
                OpThread cont = last == null ? ta : last == ta ? ta : tb;
                OpThread other0 = cont == ta ? tb : ta;
                if (branch && last != null && maxPreemptions >= 0 && preemptions >= maxPreemptions) {
                    branch = false; // no preemption left: the running thread goes on
                    next = cont;
                } else if (branch) {
                    int k = branches.size();
                    int choice = k < forced.size() ? forced.get(k) : 0;
                    next = choice == 0 ? cont : other0;
                    if (choice == 1 && last != null) {
                        preemptions++;
                    }
                } else {
                    next = ea ? ta : tb;
                }
                last = next;
                steps.add(next.name + ": " + next.label);
                next.grant();
                if (branch) {
                    String stuck2 = settle(ta, tb);
                    if (stuck2 != null) {
                        failure = stuck2;
                        deadlock = stuck2.startsWith("deadlock");
                        break;
                    }
                    OpThread other = next == ta ? tb : ta;
                    boolean degenerate = blocked(next, other);
                    branches.add(new Branch(next == cont ? 0 : 1, degenerate));
                    if (degenerate) {
                        steps.set(steps.size() - 1, steps.get(steps.size() - 1) + "  [blocks: held by " + other.name + "]");
                    }
                }
            }
        } finally {
            host.lockdep().trace(null);
            host.lockdep().switchPoints(null);
        }
        if (failure == null) {
            join(ta);
            join(tb);
            for (OpThread t : List.of(ta, tb)) {
                if (t.crash != null) {
                    failure = "crash in " + t.name + " (" + t.op.command() + "): " + t.crash;
                }
            }
        }
        return new Execution(List.copyOf(branches), List.copyOf(steps), ta.outcome, tb.outcome, failure, deadlock);
    }

    private static void join(OpThread t) {
        try {
            t.thread.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Waits until each thread is at a yield point, done, or blocked on something the other thread
     * owns. Returns null, or a description of a deadlock or of a thread that never settles.
     */
    private static String settle(OpThread ta, OpThread tb) {
        long start = System.nanoTime();
        int spins = 0;
        while (true) {
            // A again after B: a thread that finished between the two reads (a waiter it released
            // still looks blocked by it) is seen as finished, and its waiter as running
            boolean sa = settled(ta, tb);
            boolean sb = settled(tb, ta);
            if (sa && sb && settled(ta, tb)) {
                if (blocked(ta, tb) && blocked(tb, ta)) {
                    return "deadlock: each thread waits for a lock the other holds\n" + dump(ta, tb);
                }
                return null;
            }
            if (System.nanoTime() - start > SETTLE_LIMIT_NANOS) {
                return "stuck: a thread neither reaches a lock nor finishes nor waits for the other\n" + dump(ta, tb);
            }
            if (++spins < 200) {
                Thread.onSpinWait();
            } else {
                LockSupport.parkNanos(20_000);
            }
        }
    }

    private static boolean settled(OpThread t, OpThread other) {
        int s = t.status;
        return s == OpThread.AT_GATE || s == OpThread.DONE || blocked(t, other);
    }

    private static boolean blocked(OpThread t, OpThread other) {
        if (t.status != OpThread.RUNNING || other.status == OpThread.DONE) {
            // a finished thread holds nothing: a waiter it released only has not been scheduled yet
            // (the JVM still names the old owner until it runs), so it is running, not blocked
            return false;
        }
        Thread.State st = t.thread.getState();
        if (st != Thread.State.BLOCKED && st != Thread.State.WAITING && st != Thread.State.TIMED_WAITING) {
            return false;
        }
        ThreadInfo ti = MX.getThreadInfo(t.thread.getId());
        return ti != null && ti.getLockOwnerId() == other.thread.getId();
    }

    private static String dump(OpThread... ts) {
        StringBuilder b = new StringBuilder();
        for (OpThread t : ts) {
            ThreadInfo ti = MX.getThreadInfo(new long[] {t.thread.getId()}, true, true)[0];
            b.append("  ").append(t.name).append(" (").append(t.op.command()).append("): ").append(t.thread.getState())
                    .append(", last yield point: ").append(t.label);
            if (ti != null && ti.getLockInfo() != null) {
                b.append(", waits for ").append(ti.getLockInfo()).append(" owned by ").append(ti.getLockOwnerName());
            }
            b.append('\n');
            StackTraceElement[] st = t.thread.getStackTrace();
            for (int i = 0; i < Math.min(st.length, 12); i++) {
                b.append("      at ").append(st[i]).append('\n');
            }
        }
        return b.toString();
    }
}
