package aplab.explore;

import aplab.check.HostOp;
import aplab.check.Invariants;
import aplab.host.Host;
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
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * Exhaustive small-scope exploration of the model ({@link Space}: 2 adapters x 2 domains x 2 mdevs x
 * 1 guest, 44 operations).
 *
 * <p><b>Distinct states, breadth first.</b> Level {@code d} holds the distinct states first reached
 * after {@code d} operations. Each is kept as a {@link Host} (not as a path to replay): expanding it
 * applies every alphabet operation to a {@link Host#copy copy}. A successor is <em>generated</em>
 * (one transition checked); its canonical {@link Fingerprint} (mdev UUIDs reduced by symmetry,
 * see there) is looked up in the visited set, and only a state not seen before is kept for the next
 * level and checked against {@link Invariants#check}. Every transition that ends in a whole-matrix
 * filtering (a successful assignment that changed the matrix, an {@code ap_config} write) is also
 * checked against the exact form {@link Invariants#checkFilteredExactly}, seen before or not. Levels
 * are expanded by all worker threads and merged deterministically (for each new state the smallest
 * path by operation index wins), so the counts and the counterexample do not depend on the thread
 * count or timing. {@code maxStates} (distinct states) and {@code maxSeconds} stop the search
 * cleanly in the middle of a level; the result says so.
 *
 * <p><b>Interleavings.</b> From every distinct state within {@code concurrentDepth} operations of the
 * start (states reached by earlier operations, not only the start state), every unordered pair of
 * alphabet operations (an operation with itself included) runs in two threads under
 * {@link Interleaver}'s deterministic scheduler, and every schedule at lock granularity (plus the
 * model's declared switch points, where it touches shared state outside a lock) is enumerated, each
 * on its own copy of the root. Each end state is checked like the others, and so are the lock-order
 * checker's reports (a circular dependency fails) and the schedule itself (a deadlock fails).
 *
 * <p>The shortest counterexample (fewest operations; among equals the first by operation index) is
 * kept and can be written as a transcript ({@link Counterexample}).
 */
public final class Explorer {
    /**
     * What to explore. {@code maxStates <= 0} and {@code maxSeconds <= 0}: no bound.
     * {@code concurrentOps}: the alphabet indices whose pairs are interleaved (empty: all).
     */
    public record Options(int depth, int concurrentDepth, int preemptions, Kernel version, Set<PlantedBug> planted,
            int threads, long maxStates, double maxSeconds, boolean symmetry, Set<Integer> concurrentOps) {
        public Options {
            planted = Set.copyOf(planted);
            concurrentOps = Set.copyOf(concurrentOps);
        }

        /** No bound on states or time; symmetry reduction on; every pair interleaved. */
        public Options(int depth, int concurrentDepth, int preemptions, Kernel version, Set<PlantedBug> planted,
                int threads) {
            this(depth, concurrentDepth, preemptions, version, planted, threads, 0, 0, true, Set.of());
        }

        /** Every pair interleaved. */
        public Options(int depth, int concurrentDepth, int preemptions, Kernel version, Set<PlantedBug> planted,
                int threads, long maxStates, double maxSeconds, boolean symmetry) {
            this(depth, concurrentDepth, preemptions, version, planted, threads, maxStates, maxSeconds, symmetry, Set.of());
        }

        boolean interleaves(int op) {
            return concurrentOps.isEmpty() || concurrentOps.contains(op);
        }
    }

    /** One level of the breadth-first search. */
    public record Level(int depth, long expanded, long generated, long distinct, long totalDistinct, double seconds) {
    }

    /** What was explored and found. */
    public record Result(Options options, long sequentialRuns, long distinctStates, int depthReached,
            long interleavingPairs, long schedules, long interleavedNewStates, double seconds, Counterexample counterexample,
            List<Long> statesPerDepth, List<Level> levels, double sequentialSeconds, double interleavingSeconds,
            String stopped) {
        public long statesExplored() {
            return sequentialRuns + schedules;
        }

        public double statesPerSecond() {
            return seconds <= 0 ? 0 : statesExplored() / seconds;
        }

        /** Generated states (transitions checked) per second of the sequential search. */
        public double generatedPerSecond() {
            return sequentialSeconds <= 0 ? 0 : sequentialRuns / sequentialSeconds;
        }

        /** Interleaved schedules run per second. */
        public double schedulesPerSecond() {
            return interleavingSeconds <= 0 ? 0 : schedules / interleavingSeconds;
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
    /** For each operation, the mdev whose whole matrix it filters when it succeeds (or null). */
    private final String[] filters = alphabet.stream().map(Space::filteredMdev).toArray(String[]::new);
    /**
     * The (plain fingerprint, mdev) pairs whose exact filtering check passed: the check reads only
     * the state it is given, so a transition into a state already checked for that mdev passes too.
     */
    private final Set<ExactChecked> exactPassed = ConcurrentHashMap.newKeySet();

    private record ExactChecked(Fingerprint.Key state, String mdev) {
    }

    private final Consumer<String> progress;

    public Explorer(Options options, Consumer<String> progress) {
        this.options = options;
        this.progress = progress == null ? s -> { } : progress;
    }

    public List<HostOp> alphabet() {
        return alphabet;
    }

    /** A distinct state: the host in it and the (smallest) path that reached it first. */
    private record Node(Host host, int[] path) {
    }

    /**
     * A state found at a level: its node, what it breaks ({@link Invariants#check}, the same for
     * every path to it) and what the transition that reached it broke (the exact filtering check).
     */
    private record Found(Node node, List<Invariants.Violation> stateViolations, List<Invariants.Violation> exact) {
        List<Invariants.Violation> violations() {
            return exact.isEmpty() ? stateViolations : exact;
        }
    }

    private Fingerprint.Key key(Host h) {
        return options.symmetry() ? Fingerprint.canonical(h, Space.U1, Space.U2) : Fingerprint.of(h);
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

    private boolean overTime(long t0) {
        return options.maxSeconds() > 0 && (System.nanoTime() - t0) / 1e9 > options.maxSeconds();
    }

    private Result explore(ExecutorService pool, long t0) {
        Set<Fingerprint.Key> seen = ConcurrentHashMap.newKeySet();
        AtomicLong runs = new AtomicLong();
        List<Long> perDepth = new ArrayList<>();
        List<Level> levels = new ArrayList<>();
        Host start = Space.start(options.version(), options.planted());
        seen.add(key(start));
        perDepth.add(1L);
        levels.add(new Level(0, 0, 0, 1, 1, 0));
        Counterexample cex = null;
        List<Invariants.Violation> v0 = Invariants.check(start);
        if (!v0.isEmpty()) {
            cex = Counterexample.sequential(options, alphabet, new int[0], v0);
        }
        List<Node> frontier = List.of(new Node(start, new int[0]));
        List<Node> concurrentRoots = new ArrayList<>(frontier);
        int depthReached = 0;
        String stopped = null;
        AtomicBoolean stop = new AtomicBoolean();
        for (int level = 1; level <= options.depth() && cex == null && !frontier.isEmpty() && stopped == null; level++) {
            long l0 = System.nanoTime();
            long runs0 = runs.get();
            Map<Fingerprint.Key, Found> found = new ConcurrentHashMap<>();
            List<Node> parents = frontier;
            AtomicInteger next = new AtomicInteger();
            AtomicInteger expanded = new AtomicInteger();
            long distinctBefore = seen.size();
            List<Future<?>> jobs = new ArrayList<>();
            for (int w = 0; w < Math.max(1, options.threads()); w++) {
                jobs.add(pool.submit(() -> {
                    for (int i = next.getAndIncrement(); i < parents.size(); i = next.getAndIncrement()) {
                        if (stop.get()) {
                            return;
                        }
                        expand(parents.get(i), seen, found, runs);
                        expanded.incrementAndGet();
                        if ((options.maxStates() > 0 && distinctBefore + found.size() >= options.maxStates())
                                || ((i & 15) == 0 && overTime(t0))) {
                            stop.set(true);
                        }
                    }
                }));
            }
            waitAll(jobs);
            List<Found> fresh = new ArrayList<>(found.values());
            fresh.sort((x, y) -> PATH_ORDER.compare(x.node().path(), y.node().path()));
            for (Found f : fresh) {
                if (!f.violations().isEmpty()) {
                    cex = Counterexample.sequential(options, alphabet, f.node().path(), f.violations());
                    break;
                }
            }
            seen.addAll(found.keySet());
            frontier = fresh.stream().map(Found::node).toList();
            perDepth.add((long) frontier.size());
            depthReached = level;
            if (stop.get()) {
                stopped = String.format(java.util.Locale.ROOT, "%s reached during depth %d (%d of %d states of depth %d expanded)",
                        options.maxStates() > 0 && seen.size() >= options.maxStates() ? "--max-states " + options.maxStates()
                                : "--max-seconds " + options.maxSeconds(), level, expanded.get(), parents.size(), level - 1);
            }
            if (level <= options.concurrentDepth()) {
                concurrentRoots.addAll(frontier);
            }
            Level lv = new Level(level, expanded.get(), runs.get() - runs0, frontier.size(), seen.size(),
                    (System.nanoTime() - l0) / 1e9);
            levels.add(lv);
            progress.accept(String.format(java.util.Locale.ROOT, "depth %d: %d generated, %d new distinct (%d distinct in all), %.1f s",
                    level, lv.generated(), lv.distinct(), lv.totalDistinct(), lv.seconds()));
        }
        double seqSeconds = (System.nanoTime() - t0) / 1e9;
        long pairs = 0;
        AtomicLong schedules = new AtomicLong();
        AtomicLong newStates = new AtomicLong();
        long i0 = System.nanoTime();
        if (cex == null && stopped == null && options.concurrentDepth() >= 0) {
            List<Node> roots = concurrentRoots.stream().filter(n -> n.path().length <= options.concurrentDepth()).toList();
            Map<String, Counterexample> bad = new ConcurrentHashMap<>();
            List<Future<?>> jobs = new ArrayList<>();
            for (Node root : roots) {
                for (int i = 0; i < alphabet.size(); i++) {
                    for (int j = i; j < alphabet.size(); j++) {
                        if (!options.interleaves(i) || !options.interleaves(j)) {
                            continue;
                        }
                        int ii = i;
                        int jj = j;
                        pairs++;
                        jobs.add(pool.submit(() -> {
                            if (!overTime(t0)) {
                                interleave(root, ii, jj, seen, schedules, newStates, bad);
                            }
                        }));
                    }
                }
            }
            waitAll(jobs);
            if (overTime(t0)) {
                stopped = "--max-seconds " + options.maxSeconds() + " reached during the interleavings";
            }
            cex = bad.values().stream().min(Comparator.comparing(Counterexample::sortKey)).orElse(null);
            double is = (System.nanoTime() - i0) / 1e9;
            progress.accept(String.format(java.util.Locale.ROOT,
                    "interleavings: %d roots x %d pairs, %d schedules, %d new states, %.1f s (%.0f schedules/s)", roots.size(),
                    roots.isEmpty() ? 0 : pairs / roots.size(), schedules.get(), newStates.get(), is,
                    is <= 0 ? 0 : schedules.get() / is));
        }
        double iSeconds = pairs == 0 ? 0 : (System.nanoTime() - i0) / 1e9;
        double secs = (System.nanoTime() - t0) / 1e9;
        return new Result(options, runs.get(), seen.size(), depthReached, pairs, schedules.get(), newStates.get(), secs,
                cex, List.copyOf(perDepth), List.copyOf(levels), seqSeconds, iSeconds, stopped);
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

    /** The plain and canonical fingerprints of {@code h}; only the plain one if it is {@code unchanged}. */
    private Fingerprint.Key[] keys(Host h, Fingerprint.Key unchanged) {
        return options.symmetry() ? Fingerprint.plainAndCanonical(h, Space.U1, Space.U2, unchanged)
                : Fingerprint.plainAndCanonical(h, null, null, unchanged);
    }

    /**
     * Applies every operation to a copy of {@code parent}'s host. A transition that leaves the state
     * as it was (a refused write changes nothing; so do many idempotent ones) leaves its copy in the
     * parent's state, so the next operation reuses it instead of copying again: "as it was" is the
     * plain fingerprint (not the canonical one: a mirror image is not the parent).
     */
    private void expand(Node parent, Set<Fingerprint.Key> seen, Map<Fingerprint.Key, Found> found, AtomicLong runs) {
        int[] path = parent.path();
        Fingerprint.Key parentPlain = Fingerprint.of(parent.host());
        Host h = null;
        Sysfs sysfs = null;
        long generated = 0;
        for (int op = 0; op < alphabet.size(); op++) {
            if (h == null) {
                h = parent.host().copy();
                sysfs = new Sysfs(h);
            }
            HostOp o = alphabet.get(op);
            String filtered = filters[op];
            ApMatrix before = filtered == null ? null : matrixOf(h, filtered);
            String outcome = o.apply(h, sysfs);
            generated++;
            Fingerprint.Key[] ks = keys(h, parentPlain);
            if (ks[1] == null) {
                continue; // the parent's own state (seen): the copy is reused as it is
            }
            Fingerprint.Key k = ks[1];
            List<Invariants.Violation> exact = List.of();
            if (filtered != null && outcome.equals("ok") && before != null && !before.equals(matrixOf(h, filtered))) {
                ExactChecked done = new ExactChecked(ks[0], filtered);
                if (!exactPassed.contains(done)) {
                    exact = Invariants.checkFilteredExactly(h, filtered);
                    if (exact.isEmpty()) {
                        exactPassed.add(done);
                    }
                }
            }
            if (exact.isEmpty() && seen.contains(k)) {
                if (!ks[0].equals(parentPlain)) {
                    h = null; // somewhere else: the next operation needs a fresh copy
                }
                continue;
            }
            int[] next = java.util.Arrays.copyOf(path, path.length + 1);
            next[path.length] = op;
            Found prev = found.get(k);
            // each new state is checked once its first time here (a race may check it twice, with the
            // same verdict); the candidates for a key do not depend on timing, nor does the winner
            List<Invariants.Violation> state = prev != null ? prev.stateViolations() : Invariants.check(h);
            found.merge(k, new Found(new Node(h, next), state, exact), Explorer::better);
            h = null; // kept (or may be): never reused
        }
        runs.addAndGet(generated);
    }

    /** Keep a violating one, then the smallest path. */
    private static Found better(Found x, Found y) {
        if (x.violations().isEmpty() != y.violations().isEmpty()) {
            return x.violations().isEmpty() ? y : x;
        }
        return PATH_ORDER.compare(x.node().path(), y.node().path()) <= 0 ? x : y;
    }

    private static ApMatrix matrixOf(Host host, String uuid) {
        MatrixMdev m = host.vfioAp().mdev(uuid);
        return m == null ? null : m.matrix();
    }

    private void interleave(Node root, int i, int j, Set<Fingerprint.Key> seen, AtomicLong schedules,
            AtomicLong newStates, Map<String, Counterexample> bad) {
        List<Integer> forced = new ArrayList<>();
        Set<List<Integer>> done = new HashSet<>();
        int[] path = root.path();
        while (true) {
            Host h = root.host().copy();
            Interleaver.Execution e = Interleaver.run(h, new Sysfs(h), alphabet.get(i), alphabet.get(j), forced,
                    options.preemptions());
            List<Integer> taken = e.branches().stream().map(Interleaver.Branch::chosen).toList();
            List<Interleaver.Branch> br = e.branches();
            boolean redundant = !forced.isEmpty() && forced.size() <= br.size() && br.get(forced.size() - 1).degenerate()
                    && forced.get(forced.size() - 1) == 1;
            if (!redundant) {
                if (!done.add(taken)) {
                    // the model did not follow the forced schedule (it is not deterministic here)
                    bad.putIfAbsent("nondet " + java.util.Arrays.toString(path) + i + "," + j, Counterexample.interleaved(
                            options, alphabet, path, i, j, taken, e,
                            List.of(new Invariants.Violation("deterministic-schedule",
                                    "replaying the forced choices " + forced + " gave the branches " + taken))));
                    return;
                }
                schedules.incrementAndGet();
                List<Invariants.Violation> v = new ArrayList<>();
                if (e.failure() != null) {
                    v.add(new Invariants.Violation(e.deadlock() ? "no-deadlock" : "no-crash", e.failure()));
                } else {
                    if (seen.add(key(h))) {
                        newStates.incrementAndGet();
                    }
                    v.addAll(Invariants.check(h));
                    LockDep ld = h.lockdep();
                    ld.reports().forEach(r -> v.add(new Invariants.Violation("lock-order", String.join("\n", r.lines()))));
                }
                if (!v.isEmpty()) {
                    bad.putIfAbsent(java.util.Arrays.toString(path) + i + "," + j,
                            Counterexample.interleaved(options, alphabet, path, i, j, taken, e, v));
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

    /** A host at the state reached by {@code path}, replayed from the start state (and each outcome). */
    private record Built(Host host, Sysfs sysfs, List<String> outcomes) {
    }

    private Built build(int[] path) {
        Host host = Space.start(options.version(), options.planted());
        Sysfs sysfs = new Sysfs(host);
        List<String> outcomes = new ArrayList<>();
        for (int p : path) {
            outcomes.add(alphabet.get(p).apply(host, sysfs));
        }
        return new Built(host, sysfs, outcomes);
    }

    /** How many schedules the pair (i, j) has from the start state (for measurements). */
    long schedulesOfPair(int i, int j) {
        AtomicLong n = new AtomicLong();
        interleave(new Node(build(new int[0]).host(), new int[0]), i, j, ConcurrentHashMap.newKeySet(), n, new AtomicLong(),
                new ConcurrentHashMap<>());
        return n.get();
    }

    /** Replays one interleaving (as printed by a counterexample) and returns its report lines. */
    public List<String> replay(int[] root, int i, int j, List<Integer> choices) {
        Built b = build(root);
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
