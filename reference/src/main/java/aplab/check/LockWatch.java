package aplab.check;

import aplab.lockdep.LockDep;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Which model locks every thread holds, seen from outside the thread. {@link LockDep} keeps each
 * thread's held stack in a thread-local; a watchdog needs all of them at once. LockWatch installs
 * itself as the lock-order checker's tracer (every acquire and release is reported on the acquiring
 * thread) and keeps a per-thread stack of lock classes in a concurrent map; the JVM's thread dump
 * adds which lock a blocked thread waits for and who owns it.
 */
public final class LockWatch {
    private final Map<Thread, Deque<String>> held = new ConcurrentHashMap<>();

    /** Installs a watch as {@code lockdep}'s tracer (replacing any other tracer). */
    public static LockWatch install(LockDep lockdep) {
        LockWatch w = new LockWatch();
        lockdep.trace(w::event);
        return w;
    }

    private void event(String line) {
        int colon = line.lastIndexOf(": ");
        if (colon < 0) {
            return;
        }
        String what = line.substring(colon + 2);
        Thread t = Thread.currentThread();
        if (what.startsWith("lock ") || what.startsWith("trylock ")) {
            String cls = what.substring(what.indexOf(' ') + 1);
            Deque<String> d = held.computeIfAbsent(t, k -> new ArrayDeque<>());
            synchronized (d) {
                d.push(cls);
            }
        } else if (what.startsWith("unlock ")) {
            String cls = what.substring(7);
            Deque<String> d = held.get(t);
            if (d != null) {
                synchronized (d) {
                    d.removeFirstOccurrence(cls);
                }
            }
        }
    }

    /**
     * The lock classes {@code t} holds or is acquiring, outermost first (the last one may be the
     * lock it waits for: {@link #dump} tells).
     */
    public List<String> heldBy(Thread t) {
        Deque<String> d = held.get(t);
        if (d == null) {
            return List.of();
        }
        synchronized (d) {
            List<String> out = new ArrayList<>(d);
            java.util.Collections.reverse(out);
            return out;
        }
    }

    /**
     * A dump of the given threads: state, the model locks each holds (and the one it waits for,
     * with its owner), and its stack.
     */
    public String dump(List<Thread> threads) {
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        StringBuilder b = new StringBuilder();
        for (Thread t : threads) {
            ThreadInfo ti = mx.getThreadInfo(new long[] {t.getId()}, true, true)[0];
            List<String> locks = heldBy(t);
            b.append('"').append(t.getName()).append("\" ").append(t.getState());
            // waiting in TrackedLock.lock: the last class reported is the one it waits for
            boolean waiting = ti != null && ti.getLockInfo() != null
                    && ti.getLockInfo().getClassName().startsWith("java.util.concurrent.locks.ReentrantLock");
            if (waiting && !locks.isEmpty()) {
                b.append("\n    model locks held: ").append(locks.subList(0, locks.size() - 1));
                b.append("\n    waiting for: ").append(locks.get(locks.size() - 1));
            } else {
                b.append("\n    model locks held: ").append(locks);
            }
            if (ti != null && ti.getLockInfo() != null) {
                b.append("\n    blocked on ").append(ti.getLockInfo());
                if (ti.getLockOwnerName() != null) {
                    b.append(" owned by \"").append(ti.getLockOwnerName()).append('"');
                }
            }
            for (StackTraceElement e : t.getStackTrace()) {
                b.append("\n        at ").append(e);
            }
            b.append('\n');
        }
        return b.toString();
    }

    /** Threads that wait, directly or through others, for a lock held by one of them (a deadlock). */
    public static List<Long> deadlocked() {
        long[] ids = ManagementFactory.getThreadMXBean().findDeadlockedThreads();
        List<Long> out = new ArrayList<>();
        if (ids != null) {
            for (long id : ids) {
                out.add(id);
            }
        }
        return out;
    }
}
