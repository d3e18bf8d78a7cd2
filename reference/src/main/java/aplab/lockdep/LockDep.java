package aplab.lockdep;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/**
 * A lock-order checker in the spirit of the kernel's lockdep: locks belong to classes (every
 * guest's {@code kvm->lock} is one class), each acquisition while another lock is held records the
 * dependency "held -> acquired", and a new dependency that closes a cycle in that graph is reported
 * with both chains, the one that was there and the new one, before the thread blocks (a possible
 * deadlock is reported even when the timing did not produce one).
 *
 * <p>As in lockdep ({@code check_prevs_add}), a dependency is recorded from the most recently
 * acquired lock still held (plus any trylocks above it), not from every held lock: the graph is
 * transitive. One instance per modelled host; safe to use from many threads.
 */
public final class LockDep {
    /** One "A -> B" dependency and where it was first seen. */
    public record Edge(String from, String to, String chain, String operation, String thread) {
        @Override
        public String toString() {
            return from + " -> " + to;
        }
    }

    /** A circular dependency: the chain already known from B to A, and the new edge A -> B. */
    public record Report(List<Edge> existing, Edge added) {
        public List<String> lines() {
            List<String> out = new ArrayList<>();
            out.add("possible circular locking dependency detected");
            out.add("  " + added.thread() + " (" + added.operation() + ") is trying to acquire "
                    + added.to() + " while holding " + added.from() + ":");
            out.add("    new chain:      " + added.chain());
            out.add("  but the reverse order was seen before:");
            for (Edge e : existing) {
                out.add("    existing chain: " + e.chain() + "  [" + e.thread() + ", " + e.operation() + "]");
            }
            return out;
        }
    }

    private static final class Held {
        final TrackedLock lock;
        final boolean trylock;

        Held(TrackedLock lock, boolean trylock) {
            this.lock = lock;
            this.trylock = trylock;
        }
    }

    /*
     * What a thread holds and runs, for every LockDep at once (one thread-local each, not one per
     * instance: the explorer makes millions of hosts, and per-instance thread-locals fill every
     * thread's map with dead entries). Entries belong to their lock's LockDep; each instance looks
     * only at its own.
     */
    private static final ThreadLocal<Deque<Held>> HELD = ThreadLocal.withInitial(ArrayDeque::new);
    private static final ThreadLocal<Deque<String>> OPERATIONS = ThreadLocal.withInitial(ArrayDeque::new);
    private Map<String, Map<String, Edge>> graph = new LinkedHashMap<>();
    private List<Edge> edges = new ArrayList<>();
    private List<Report> reports = new ArrayList<>();
    /** The graph, edges and reports are shared with the LockDep this was copied from (or a copy of it) until the first change. */
    private boolean sharedGraph;
    private volatile Consumer<String> tracer;
    private volatile Consumer<String> switchHook;

    /**
     * A copy for a copied host (the explorer restores states from copies): the dependencies and
     * reports seen so far, no tracer. Call it on a quiescent host: no thread holds a lock.
     */
    public synchronized LockDep copy() {
        LockDep c = new LockDep();
        c.graph = graph;
        c.edges = edges;
        c.reports = reports;
        c.sharedGraph = true;
        sharedGraph = true;
        return c;
    }

    /** Before a change: a graph shared with copies becomes this instance's own. */
    private void own() {
        if (sharedGraph) {
            Map<String, Map<String, Edge>> g = new LinkedHashMap<>();
            graph.forEach((from, out) -> g.put(from, new LinkedHashMap<>(out)));
            graph = g;
            edges = new ArrayList<>(edges);
            reports = new ArrayList<>(reports);
            sharedGraph = false;
        }
    }

    /** A new lock of the given class (e.g. "guests_lock", "kvm->lock"). */
    public TrackedLock newLock(String lockClass) {
        return new TrackedLock(this, lockClass);
    }

    /** Names the kernel function running on this thread, for the chains in reports and traces. */
    public Operation operation(String name) {
        Deque<String> ops = OPERATIONS.get();
        ops.push(name);
        return ops::pop;
    }

    /** A scope opened by {@link #operation}; closing it ends the operation. */
    public interface Operation extends AutoCloseable {
        @Override
        void close();
    }

    /** Every acquire and release is passed to {@code tracer} (null: no tracing). */
    public void trace(Consumer<String> tracer) {
        this.tracer = tracer;
    }

    /**
     * Every {@link #switchPoint} is passed to {@code hook} (null: none). Separate from
     * {@link #trace} so lock traces (notebooks) stay as they are; a scheduler installs both.
     */
    public void switchPoints(Consumer<String> hook) {
        this.switchHook = hook;
    }

    /**
     * A place where the model acts on shared state it read outside any tracked lock (or under a
     * lock it has since released), so another thread running here can change the outcome. Reported
     * as {@code "THREAD OPERATION: switch WHAT"} to the {@link #switchPoints} hook, on the calling
     * thread, which may stop there; with no hook installed it does nothing.
     */
    public void switchPoint(String what) {
        Consumer<String> h = switchHook;
        if (h != null) {
            h.accept(Thread.currentThread().getName() + " " + currentOperation() + ": switch " + what);
        }
    }

    private String currentOperation() {
        String op = OPERATIONS.get().peek();
        return op == null ? "?" : op;
    }

    void beforeAcquire(TrackedLock lock, boolean trylock) {
        Deque<Held> stack = HELD.get();
        for (Held h : stack) {
            if (h.lock == lock) {
                throw new IllegalStateException("recursive locking: " + Thread.currentThread().getName()
                        + " already holds " + lock.lockClass() + " in " + currentOperation());
            }
        }
        if (!trylock && !stack.isEmpty()) {
            // lockdep's check_prevs_add: the top lock, and below it only through trylocks
            for (Held h : stack) {
                if (h.lock.lockdep() != this) {
                    continue; // another host's lock (tests that drive two hosts at once)
                }
                addEdge(h.lock.lockClass(), lock.lockClass(), stack, lock);
                if (!h.trylock) {
                    break;
                }
            }
        }
        Consumer<String> t = tracer;
        if (t != null) {
            t.accept(Thread.currentThread().getName() + " " + currentOperation() + ": "
                    + (trylock ? "trylock " : "lock ") + lock.lockClass());
        }
    }

    void acquired(TrackedLock lock, boolean trylock) {
        HELD.get().push(new Held(lock, trylock));
    }

    void released(TrackedLock lock) {
        Deque<Held> stack = HELD.get();
        for (var it = stack.iterator(); it.hasNext(); ) {
            if (it.next().lock == lock) {
                it.remove();
                break;
            }
        }
        Consumer<String> t = tracer;
        if (t != null) {
            t.accept(Thread.currentThread().getName() + " " + currentOperation() + ": unlock "
                    + lock.lockClass());
        }
    }

    boolean heldByCurrentThread(TrackedLock lock) {
        for (Held h : HELD.get()) {
            if (h.lock == lock) {
                return true;
            }
        }
        return false;
    }

    /** The held locks, outermost first, then the one being acquired: "a -> b -> c". */
    private String chain(Deque<Held> stack, TrackedLock lock) {
        StringBuilder chain = new StringBuilder();
        for (var it = stack.descendingIterator(); it.hasNext(); ) {
            Held h = it.next();
            if (h.lock.lockdep() == this) {
                chain.append(h.lock.lockClass()).append(" -> ");
            }
        }
        return chain.append(lock.lockClass()).toString();
    }

    private synchronized void addEdge(String from, String to, Deque<Held> stack, TrackedLock lock) {
        if (from.equals(to)) {
            return;
        }
        Map<String, Edge> known = graph.get(from);
        if (known != null && known.containsKey(to)) {
            return; // known: the chain text is built only for a new dependency
        }
        own();
        Map<String, Edge> out = graph.computeIfAbsent(from, k -> new LinkedHashMap<>());
        Edge edge = new Edge(from, to, chain(stack, lock), currentOperation(), Thread.currentThread().getName());
        List<Edge> back = path(to, from);
        out.put(to, edge);
        edges.add(edge);
        if (back != null) {
            reports.add(new Report(back, edge));
        }
    }

    /** A path of edges from {@code a} to {@code b} (breadth first), or null. */
    private List<Edge> path(String a, String b) {
        Map<String, Edge> via = new LinkedHashMap<>();
        Deque<String> queue = new ArrayDeque<>(List.of(a));
        Set<String> seen = new HashSet<>(List.of(a));
        while (!queue.isEmpty()) {
            String n = queue.poll();
            if (n.equals(b)) {
                List<Edge> p = new ArrayList<>();
                for (String x = b; !x.equals(a); x = via.get(x).from()) {
                    p.add(0, via.get(x));
                }
                return p;
            }
            for (Edge e : graph.getOrDefault(n, Map.of()).values()) {
                if (seen.add(e.to())) {
                    via.put(e.to(), e);
                    queue.add(e.to());
                }
            }
        }
        return null;
    }

    /** Every dependency seen so far, in the order first seen. */
    public synchronized List<Edge> edges() {
        return List.copyOf(edges);
    }

    /** Every circular dependency found so far. */
    public synchronized List<Report> reports() {
        return List.copyOf(reports);
    }

    /** The {@code aplab lockdep} report: the edges, then the verdict. */
    public synchronized List<String> reportLines() {
        List<String> out = new ArrayList<>();
        for (Edge e : edges) {
            out.add(e.toString());
        }
        if (reports.isEmpty()) {
            out.add("no circular dependency");
        } else {
            for (Report r : reports) {
                out.addAll(r.lines());
            }
        }
        return out;
    }

    /** The locks this thread holds, outermost first (for watchdog dumps). */
    public List<String> heldByThisThread() {
        List<String> out = new ArrayList<>();
        for (var it = HELD.get().descendingIterator(); it.hasNext(); ) {
            Held h = it.next();
            if (h.lock.lockdep() == this) {
                out.add(h.lock.lockClass());
            }
        }
        return out;
    }
}
