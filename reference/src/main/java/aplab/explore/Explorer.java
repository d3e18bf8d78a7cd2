package aplab.explore;

import aplab.check.HostOp;
import aplab.check.Invariants;
import aplab.host.Host;
import aplab.host.HostState;
import aplab.kernel.Kernel;
import aplab.kernel.PlantedBug;
import aplab.lockdep.LockDep;
import aplab.sysfs.Sysfs;
import aplab.vfioap.ApMatrix;
import aplab.vfioap.MatrixMdev;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * Exhaustive small-scope exploration of the model ({@link Space}: 2 adapters x 2 domains x 2 mdevs x
 * 1 guest).
 *
 * <p><b>Sequences.</b> Breadth first from the start state: every sequence of alphabet operations up
 * to {@code depth}. A state is the host's {@link HostState} text (kept as a 128-bit hash); a state
 * seen before is not expanded again. Every new state is checked against {@link Invariants#check},
 * and every transition that ends in a whole-matrix filtering (a successful assignment that changed
 * the matrix, an {@code ap_config} write) against the exact form {@link Invariants#checkFilteredExactly}.
 * Hosts cannot be copied, so a state is re-created by replaying its (shortest) path from a fresh
 * host; levels are expanded in parallel and merged deterministically (the smallest path by operation
 * index wins), so the counts and the counterexample do not depend on the thread count.
 *
 * <p><b>Interleavings.</b> From every distinct state within {@code concurrentDepth} operations of the
 * start, every unordered pair of alphabet operations (an operation with itself included) runs in two
 * threads under {@link Interleaver}'s deterministic scheduler, and every schedule at lock granularity
 * is enumerated. Each end state is checked like the others, and so are the lock-order checker's
 * reports (a circular dependency fails) and the schedule itself (a deadlock fails).
 *
 * <p>The shortest counterexample (fewest operations; among equals the first by operation index) is
 * kept and can be written as a transcript ({@link Counterexample}).
 */
public final class Explorer {
    /** What to explore. */
    public record Options(int depth, int concurrentDepth, int preemptions, Kernel version, Set<PlantedBug> planted,
            int threads) {
        public Options {
            planted = Set.copyOf(planted);
        }
    }

    /** What was explored and found. */
    public record Result(Options options, long sequentialRuns, long distinctStates, int depthReached,
            long interleavingPairs, long schedules, long interleavedNewStates, double seconds, Counterexample counterexample,
            List<Long> statesPerDepth) {
        public long statesExplored() {
            return sequentialRuns + schedules;
        }

        public double statesPerSecond() {
            return seconds <= 0 ? 0 : statesExplored() / seconds;
        }
    }

    private record Key(long a, long b) {
        static Key of(String s) {
            long h1 = 0xcbf29ce484222325L;
            long h2 = 0x6a09e667f3bcc909L;
            for (int i = 0; i < s.length(); i++) {
                char c = s.charAt(i);
                h1 = (h1 ^ c) * 0x100000001b3L;
                h2 = Long.rotateLeft(h2 ^ c, 7) * 0x9E3779B97F4A7C15L;
            }
            return new Key(h1, h2 ^ s.length());
        }
    }

    /** A path: alphabet indices from the start state. */
    private static final Comparator<int[]> PATH_ORDER = (x, y) -> {
        if (x.length != y.length) {
            return Integer.compare(x.length, y.length);
        }
        for (int i = 0; i < x.length; i++) {
            if (x[i] != y[i]) {
                return Integer.compare(x[i], y[i]);
            }
        }
        return 0;
    };

    private final Options options;
    private final List<HostOp> alphabet = Space.alphabet();
    private final Consumer<String> progress;

    public Explorer(Options options, Consumer<String> progress) {
        this.options = options;
        this.progress = progress == null ? s -> { } : progress;
    }

    public List<HostOp> alphabet() {
        return alphabet;
    }

    /** A host at the state reached by {@code path} (and its sysfs). */
    private record Built(Host host, Sysfs sysfs, List<String> outcomes) {
    }

    private Built build(int[] path, int upTo) {
        Host host = Space.start(options.version(), options.planted());
        Sysfs sysfs = new Sysfs(host);
        List<String> outcomes = new ArrayList<>();
        for (int i = 0; i < upTo; i++) {
            outcomes.add(alphabet.get(path[i]).apply(host, sysfs));
        }
        return new Built(host, sysfs, outcomes);
    }

    /** One candidate found at a level: its path and, if it breaks an invariant, what. */
    private record Found(int[] path, List<Invariants.Violation> violations) {
    }

    public Result run() {
        long t0 = System.nanoTime();
        ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, options.threads()), r -> {
            Thread t = new Thread(r, "explore-worker");
            t.setDaemon(true);
            return t;
        });
        try {
            return explore(pool, t0);
        } finally {
            pool.shutdownNow();
        }
    }

    private Result explore(ExecutorService pool, long t0) {
        Set<Key> seen = ConcurrentHashMap.newKeySet();
        AtomicLong runs = new AtomicLong();
        List<Long> perDepth = new ArrayList<>();
        Built start = build(new int[0], 0);
        seen.add(Key.of(HostState.of(start.host())));
        perDepth.add(1L);
        Counterexample cex = null;
        List<Invariants.Violation> v0 = Invariants.check(start.host());
        if (!v0.isEmpty()) {
            cex = Counterexample.sequential(options, alphabet, new int[0], v0);
        }
        List<int[]> frontier = List.of(new int[0]);
        List<int[]> concurrentRoots = new ArrayList<>(List.of(new int[0]));
        int depthReached = 0;
        for (int level = 1; level <= options.depth() && cex == null && !frontier.isEmpty(); level++) {
            Map<Key, Found> found = new ConcurrentHashMap<>();
            List<Future<?>> jobs = new ArrayList<>();
            for (int[] path : frontier) {
                jobs.add(pool.submit(() -> expand(path, seen, found, runs)));
            }
            waitAll(jobs);
            List<Found> fresh = new ArrayList<>(found.values());
            fresh.sort((x, y) -> PATH_ORDER.compare(x.path(), y.path()));
            for (Found f : fresh) {
                if (!f.violations().isEmpty()) {
                    cex = Counterexample.sequential(options, alphabet, f.path(), f.violations());
                    break;
                }
            }
            found.keySet().forEach(seen::add);
            frontier = fresh.stream().map(Found::path).toList();
            perDepth.add((long) frontier.size());
            depthReached = level;
            if (level <= options.concurrentDepth()) {
                concurrentRoots.addAll(frontier);
            }
            progress.accept(String.format("depth %d: %d new states (%d distinct, %d runs)", level, frontier.size(),
                    seen.size(), runs.get()));
        }
        long pairs = 0;
        AtomicLong schedules = new AtomicLong();
        AtomicLong newStates = new AtomicLong();
        if (cex == null && options.concurrentDepth() >= 0) {
            List<int[]> roots = concurrentRoots.stream().filter(p -> p.length <= options.concurrentDepth()).toList();
            Map<String, Counterexample> bad = new ConcurrentHashMap<>();
            List<Future<?>> jobs = new ArrayList<>();
            for (int[] root : roots) {
                for (int i = 0; i < alphabet.size(); i++) {
                    for (int j = i; j < alphabet.size(); j++) {
                        int ii = i;
                        int jj = j;
                        pairs++;
                        jobs.add(pool.submit(() -> interleave(root, ii, jj, seen, schedules, newStates, bad)));
                    }
                }
            }
            waitAll(jobs);
            cex = bad.values().stream().min(Comparator.comparing(Counterexample::sortKey)).orElse(null);
            progress.accept(String.format("interleavings: %d roots x %d pairs, %d schedules, %d new states", roots.size(),
                    roots.isEmpty() ? 0 : pairs / roots.size(), schedules.get(), newStates.get()));
        }
        double secs = (System.nanoTime() - t0) / 1e9;
        return new Result(options, runs.get(), seen.size(), depthReached, pairs, schedules.get(), newStates.get(), secs,
                cex, List.copyOf(perDepth));
    }

    private static void waitAll(List<Future<?>> jobs) {
        for (Future<?> f : jobs) {
            try {
                f.get();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted", e);
            } catch (java.util.concurrent.ExecutionException e) {
                throw new IllegalStateException("explorer task failed: " + e.getCause(), e.getCause());
            }
        }
    }

    private void expand(int[] path, Set<Key> seen, Map<Key, Found> found, AtomicLong runs) {
        for (int op = 0; op < alphabet.size(); op++) {
            int[] next = java.util.Arrays.copyOf(path, path.length + 1);
            next[path.length] = op;
            Built b = build(next, path.length);
            HostOp o = alphabet.get(op);
            String filtered = Space.filteredMdev(o);
            ApMatrix before = filtered == null ? null : matrixOf(b.host(), filtered);
            String outcome = o.apply(b.host(), b.sysfs());
            runs.incrementAndGet();
            Key k = Key.of(HostState.of(b.host()));
            List<Invariants.Violation> exact = List.of();
            if (filtered != null && outcome.equals("ok") && before != null
                    && !before.equals(matrixOf(b.host(), filtered))) {
                exact = Invariants.checkFilteredExactly(b.host(), filtered);
            }
            if (seen.contains(k) && exact.isEmpty()) {
                continue;
            }
            List<Invariants.Violation> v = !exact.isEmpty() ? exact : Invariants.check(b.host());
            Found f = new Found(next, v);
            found.merge(k, f, (x, y) -> {
                // keep a violating one, then the smallest path
                if (x.violations().isEmpty() != y.violations().isEmpty()) {
                    return x.violations().isEmpty() ? y : x;
                }
                return PATH_ORDER.compare(x.path(), y.path()) <= 0 ? x : y;
            });
        }
    }

    private static ApMatrix matrixOf(Host host, String uuid) {
        MatrixMdev m = host.vfioAp().mdev(uuid);
        return m == null ? null : m.matrix();
    }

    private void interleave(int[] root, int i, int j, Set<Key> seen, AtomicLong schedules, AtomicLong newStates,
            Map<String, Counterexample> bad) {
        List<Integer> forced = new ArrayList<>();
        Set<List<Integer>> done = new HashSet<>();
        while (true) {
            Built b = build(root, root.length);
            Interleaver.Execution e = Interleaver.run(b.host(), b.sysfs(), alphabet.get(i), alphabet.get(j), forced, options.preemptions());
            List<Integer> taken = e.branches().stream().map(Interleaver.Branch::chosen).toList();
            List<Interleaver.Branch> br = e.branches();
            boolean redundant = !forced.isEmpty() && forced.size() <= br.size() && br.get(forced.size() - 1).degenerate()
                    && forced.get(forced.size() - 1) == 1;
            if (!redundant) {
                if (!done.add(taken)) {
                    // the model did not follow the forced schedule (it is not deterministic here)
                    bad.putIfAbsent("nondet " + java.util.Arrays.toString(root) + i + "," + j, Counterexample.interleaved(
                            options, alphabet, root, i, j, taken, e,
                            List.of(new Invariants.Violation("deterministic-schedule",
                                    "replaying the forced choices " + forced + " gave the branches " + taken))));
                    return;
                }
                schedules.incrementAndGet();
                List<Invariants.Violation> v = new ArrayList<>();
                if (e.failure() != null) {
                    v.add(new Invariants.Violation(e.deadlock() ? "no-deadlock" : "no-crash", e.failure()));
                } else {
                    Key k = Key.of(HostState.of(b.host()));
                    if (seen.add(k)) {
                        newStates.incrementAndGet();
                    }
                    v.addAll(Invariants.check(b.host()));
                    LockDep ld = b.host().lockdep();
                    ld.reports().forEach(r -> v.add(new Invariants.Violation("lock-order", String.join("\n", r.lines()))));
                }
                if (!v.isEmpty()) {
                    bad.putIfAbsent(java.util.Arrays.toString(root) + i + "," + j,
                            Counterexample.interleaved(options, alphabet, root, i, j, taken, e, v));
                    return;
                }
            } else if (e.failure() != null) {
                return;
            }
            // backtrack: the last non-degenerate choice of A becomes B (a degenerate flip is skipped,
            // its subtree is the other choice's); beyond a redundant flip only its prefix counts
            int limit = redundant ? forced.size() - 1 : br.size();
            int last = -1;
            for (int k = limit - 1; k >= 0; k--) {
                if (br.get(k).chosen() == 0 && !br.get(k).degenerate()) {
                    last = k;
                    break;
                }
            }
            if (last < 0) {
                return;
            }
            forced = new ArrayList<>(taken.subList(0, last));
            forced.add(1);
        }
    }

    /** How many schedules the pair (i, j) has from the start state (for measurements). */
    long schedulesOfPair(int i, int j) {
        AtomicLong n = new AtomicLong();
        interleave(new int[0], i, j, ConcurrentHashMap.newKeySet(), n, new AtomicLong(), new ConcurrentHashMap<>());
        return n.get();
    }

    /** Replays one interleaving (as printed by a counterexample) and returns its report lines. */
    public List<String> replay(int[] root, int i, int j, List<Integer> choices) {
        Built b = build(root, root.length);
        Interleaver.Execution e = Interleaver.run(b.host(), b.sysfs(), alphabet.get(i), alphabet.get(j), choices, options.preemptions());
        List<String> out = new ArrayList<>();
        for (int k = 0; k < root.length; k++) {
            out.add("$ " + alphabet.get(root[k]).command() + "    -> " + b.outcomes().get(k));
        }
        out.add("concurrently: A = " + alphabet.get(i).command() + ", B = " + alphabet.get(j).command());
        e.steps().forEach(s -> out.add("  " + s));
        out.add("A -> " + e.outcomeA() + ", B -> " + e.outcomeB());
        if (e.failure() != null) {
            out.add(e.failure());
        } else {
            Invariants.check(b.host()).forEach(v -> out.add("violation: " + v));
            b.host().lockdep().reports().forEach(r -> out.addAll(r.lines()));
        }
        return out;
    }
}
