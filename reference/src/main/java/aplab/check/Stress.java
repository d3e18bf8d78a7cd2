package aplab.check;

import aplab.ap.ApMask;
import aplab.host.Host;
import aplab.kernel.Kernel;
import aplab.kernel.PlantedBug;
import aplab.lockdep.LockDep;
import aplab.sysfs.Sysfs;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.ArrayDeque;
import java.util.Collections;
import java.util.Deque;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Phaser;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * Concurrent stress on one modelled host: real threads issue random sysfs writes and reads, mask
 * writes, card config on/off, host configuration changes, mdev create/remove and guest
 * start/stop. A run is {@code rounds} rounds; in each, every worker does {@code opsPerRound}
 * operations, then all stop and the coordinator checks, at that quiescent moment, the
 * {@link Invariants} and the lock-order checker (no circular dependency). A watchdog turns a hang
 * (no operation finished for {@code hangMillis}) into a failure with every worker's state, stack
 * and held model locks ({@link LockWatch}).
 *
 * <p>Replay: worker {@code w}'s operations in round {@code r} come from a {@link Random} seeded with
 * {@link #streamSeed}{@code (seed, r, w)}, so a seed gives the same operation sequences again; with
 * one worker the whole run is deterministic, with more the interleaving is the scheduler's.
 *
 * <p>Long runs: {@code java -cp reference/target/classes aplab.check.Stress --ops 100000 --rounds 100}
 * (see {@link #main}).
 */
public final class Stress {
    /** What to run. */
    public record Config(long seed, int workers, int rounds, int opsPerRound, Kernel version,
            Set<PlantedBug> planted, long hangMillis, boolean serializeVfio) {
        public Config {
            planted = Set.copyOf(planted);
        }

        public static Config of(long seed, int workers, int rounds, int opsPerRound) {
            return new Config(seed, workers, rounds, opsPerRound, Kernel.DEFAULT, Set.of(), 60_000, true);
        }

        public Config withPlanted(Set<PlantedBug> p) {
            return new Config(seed, workers, rounds, opsPerRound, version, p, hangMillis, serializeVfio);
        }

        public Config withHangMillis(long ms) {
            return new Config(seed, workers, rounds, opsPerRound, version, planted, ms, serializeVfio);
        }

        /**
         * Whether the harness serializes guest start/stop with mdev removal, as the vfio core does
         * for a real device (open, close and unregister exclude each other; a device being
         * unregistered cannot be opened). The model does not (yet): without this, a guest can start
         * on an mdev that is being removed and stay attached to it (see the explorer's
         * {@code removed-mdev-detached} counterexample).
         */
        public Config withSerializeVfio(boolean on) {
            return new Config(seed, workers, rounds, opsPerRound, version, planted, hangMillis, on);
        }

        public long totalOps() {
            return (long) workers * rounds * opsPerRound;
        }

        /** The command line that runs this again. */
        public String replay() {
            return "java -cp reference/target/classes aplab.check.Stress --seed " + seed + " --workers " + workers
                    + " --rounds " + rounds + " --ops " + opsPerRound + " --kernel " + version.release()
                    + (planted.isEmpty() ? "" : " --plant " + String.join(",",
                        planted.stream().map(p -> p.name().toLowerCase(Locale.ROOT)).sorted().toList()))
                    + (serializeVfio ? "" : " --no-vfio-serialization");
        }
    }

    /** What a run did and found. */
    public record Report(Config config, long ops, Map<String, Long> outcomes, int invariantChecks,
            List<String> failures, int lockEdges, int lockCycles, boolean hung, double seconds) {
        public boolean passed() {
            return failures.isEmpty();
        }

        public double opsPerSecond() {
            return seconds <= 0 ? 0 : ops / seconds;
        }

        public String summary() {
            return String.format(Locale.ROOT,
                    "stress: seed=%d workers=%d: %d operations in %d rounds, %.0f ops/s; %d invariant checks, %d invariant"
                    + " breaks; %d lock-order edges, %d circular dependencies; %s; %s",
                    config.seed(), config.workers(), ops, invariantChecks, opsPerSecond(), invariantChecks,
                    failures.stream().filter(f -> f.startsWith("invariant")).count(), lockEdges, lockCycles,
                    hung ? "HUNG (deadlock or livelock)" : "0 deadlocks", passed() ? "PASSED" : "FAILED");
        }
    }

    private Stress() {
    }

    /** The seed of worker {@code w}'s random stream in round {@code r}. */
    public static long streamSeed(long seed, int round, int worker) {
        long z = seed + 0x9E3779B97F4A7C15L * (1 + round * 1009L + worker);
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    // ------------------------------------------------------------------ the host and its operations

    static final String[] UUIDS = {
        "11111111-1111-1111-1111-111111111111", "22222222-2222-2222-2222-222222222222",
        "33333333-3333-3333-3333-333333333333", "44444444-4444-4444-4444-444444444444"};
    static final String[] GUESTS = {"g0", "g1", "g2"};
    /** Ids the operations use: 0..4 exist in the largest configuration; 5 never does. */
    static final int IDS = 6;

    /** The starting state: adapters and domains 0-3, most queues given to vfio_ap, two mdevs. */
    public static Host newHost(Kernel version, Set<PlantedBug> planted) {
        Host host = new Host(version, planted);
        Sysfs sysfs = new Sysfs(host);
        List<HostOp> setup = List.of(
                new HostOp.Configure(ApMask.range(0, 3), ApMask.range(0, 3), ApMask.range(0, 3)),
                new HostOp.Write(HostOp.APMASK, "-0,-1,-2"),
                new HostOp.Write(HostOp.AQMASK, "-0,-1"),
                new HostOp.Write(HostOp.CREATE, UUIDS[0]),
                new HostOp.Write(HostOp.CREATE, UUIDS[1]));
        for (HostOp op : setup) {
            String r = op.apply(host, sysfs);
            if (!r.equals("ok")) {
                throw new IllegalStateException("stress setup: " + op.command() + ": " + r);
            }
        }
        return host;
    }

    /** A random operation. */
    public static HostOp randomOp(Random r) {
        String uuid = UUIDS[r.nextInt(UUIDS.length)];
        int p = r.nextInt(100);
        if (p < 30) {
            String[] attrs = {"assign_adapter", "unassign_adapter", "assign_domain", "unassign_domain",
                "assign_control_domain", "unassign_control_domain"};
            String attr = attrs[r.nextInt(attrs.length)];
            return new HostOp.Write(HostOp.mdev(uuid, attr), idValue(r));
        }
        if (p < 34) {
            return new HostOp.Write(HostOp.mdev(uuid, "ap_config"), smallMask(r) + "," + smallMask(r) + "," + smallMask(r));
        }
        if (p < 44) {
            String mask = r.nextBoolean() ? HostOp.APMASK : HostOp.AQMASK;
            String v = r.nextInt(8) == 0 ? smallMaskInverted(r) : (r.nextBoolean() ? "+" : "-") + r.nextInt(IDS);
            return new HostOp.Write(mask, v);
        }
        if (p < 52) {
            String drv = r.nextBoolean() ? "vfio_ap" : "cex4queue";
            return new HostOp.Write(HostOp.driver(drv, r.nextBoolean() ? "bind" : "unbind"), queueName(r));
        }
        if (p < 56) {
            return new HostOp.Write(HostOp.card(r.nextInt(IDS)), String.valueOf(r.nextInt(2)));
        }
        if (p < 60) {
            ApMask apm = new ApMask();
            ApMask aqm = new ApMask();
            ApMask adm = new ApMask();
            for (int i = 0; i < 5; i++) {
                if (r.nextInt(4) != 0) {
                    apm.set(i);
                }
                if (r.nextInt(4) != 0) {
                    aqm.set(i);
                }
                if (r.nextInt(3) != 0) {
                    adm.set(i);
                }
            }
            return new HostOp.Configure(apm, aqm, adm);
        }
        if (p < 64) {
            return new HostOp.Write(HostOp.CREATE, uuid);
        }
        if (p < 68) {
            return new HostOp.Write(HostOp.mdev(uuid, "remove"), "1");
        }
        if (p < 74) {
            return new HostOp.StartGuest(GUESTS[r.nextInt(GUESTS.length)], uuid);
        }
        if (p < 80) {
            return new HostOp.StopGuest(GUESTS[r.nextInt(GUESTS.length)]);
        }
        String[] reads = {HostOp.mdev(uuid, "matrix"), HostOp.mdev(uuid, "guest_matrix"),
            HostOp.mdev(uuid, "control_domains"), HostOp.mdev(uuid, "ap_config"), HostOp.APMASK, HostOp.AQMASK,
            "/sys/bus/ap/devices/" + queueName(r) + "/status",
            "/sys/devices/vfio_ap/matrix/mdev_supported_types/vfio_ap-passthrough/available_instances"};
        return new HostOp.Read(reads[r.nextInt(reads.length)]);
    }

    private static String idValue(Random r) {
        int k = r.nextInt(20);
        if (k == 0) {
            String[] junk = {"-1", "0x", "256", "08", " 1", "1 ", "+2", "0x3", "04", "99999999999999999999999"};
            return junk[r.nextInt(junk.length)];
        }
        return String.valueOf(r.nextInt(IDS));
    }

    private static String smallMask(Random r) {
        // ids 0..7 live in the first hex digits
        return String.format("0x%02x", r.nextInt(256) & 0xfc);
    }

    private static String smallMaskInverted(Random r) {
        return String.format("0x%02xffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff", r.nextInt(256));
    }

    private static String queueName(Random r) {
        return String.format("%02x.%04x", r.nextInt(IDS), r.nextInt(IDS));
    }

    // ------------------------------------------------------------------ the run

    /** Runs the stress; never throws for a model failure (the report says it). */
    public static Report run(Config c) {
        return run(c, Stress::randomOp);
    }

    /** Runs the stress with another operation generator (tests: e.g. one that deadlocks). */
    public static Report run(Config c, java.util.function.Function<Random, HostOp> generator) {
        Host host = newHost(c.version(), c.planted());
        Sysfs sysfs = new Sysfs(host);
        LockDep lockdep = host.lockdep();
        LockWatch watch = LockWatch.install(lockdep);
        Map<String, LongAdder> outcomes = new ConcurrentHashMap<>();
        List<String> failures = Collections.synchronizedList(new ArrayList<>());
        AtomicLong progress = new AtomicLong();
        AtomicBoolean stop = new AtomicBoolean();
        // phase 2r: workers finish round r's operations; phase 2r+1: the coordinator has checked
        Phaser phaser = new Phaser(c.workers() + 1);
        java.util.concurrent.locks.ReentrantLock vfioDevice = new java.util.concurrent.locks.ReentrantLock();
        List<Thread> threads = new ArrayList<>();
        List<Deque<String>> recent = new ArrayList<>();
        for (int w = 0; w < c.workers(); w++) {
            Deque<String> log = new ArrayDeque<>();
            recent.add(log);
            int worker = w;
            Thread t = new Thread(() -> {
                for (int round = 0; round < c.rounds() && !stop.get(); round++) {
                    Random rnd = new Random(streamSeed(c.seed(), round, worker));
                    for (int i = 0; i < c.opsPerRound(); i++) {
                        HostOp op = generator.apply(rnd);
                        synchronized (log) {
                            if (log.size() == 12) {
                                log.removeFirst();
                            }
                            log.addLast(op.command());
                        }
                        boolean serialize = c.serializeVfio() && vfioDeviceOp(op);
                        if (serialize) {
                            vfioDevice.lock();
                        }
                        try {
                            String outcome = op.apply(host, sysfs);
                            outcomes.computeIfAbsent(kind(op) + " -> " + outcome, k -> new LongAdder()).increment();
                        } catch (RuntimeException | AssertionError e) {
                            failures.add("crash: round " + round + " worker " + worker + " op " + i + ": "
                                    + op.command() + "\n" + stack(e));
                        } finally {
                            if (serialize) {
                                vfioDevice.unlock();
                            }
                        }
                        progress.incrementAndGet();
                    }
                    phaser.arriveAndAwaitAdvance();
                    phaser.arriveAndAwaitAdvance();
                }
            }, "stress-w" + w);
            t.setDaemon(true);
            threads.add(t);
        }
        int checks = 0;
        boolean hung = false;
        long t0 = System.nanoTime();
        threads.forEach(Thread::start);
        for (int round = 0; round < c.rounds(); round++) {
            int phase = phaser.arrive();
            long last = progress.get();
            long lastChange = System.nanoTime();
            while (!hung) {
                try {
                    phaser.awaitAdvanceInterruptibly(phase, 50, TimeUnit.MILLISECONDS);
                    break;
                } catch (TimeoutException e) {
                    long now = progress.get();
                    if (now != last) {
                        last = now;
                        lastChange = System.nanoTime();
                    } else if ((System.nanoTime() - lastChange) / 1_000_000 > c.hangMillis()) {
                        hung = true;
                        StringBuilder b = new StringBuilder("hang: no operation finished for " + c.hangMillis()
                                + " ms in round " + round
                                + (LockWatch.deadlocked().isEmpty() ? "" : " (the JVM sees a deadlock)") + "\n"
                                + watch.dump(threads));
                        for (int w = 0; w < recent.size(); w++) {
                            synchronized (recent.get(w)) {
                                b.append("last operations of stress-w").append(w).append(": ")
                                        .append(recent.get(w)).append('\n');
                            }
                        }
                        failures.add(b.toString());
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    failures.add("interrupted");
                    hung = true;
                }
            }
            if (hung) {
                break;
            }
            checks++;
            List<Invariants.Violation> v = Invariants.check(host);
            if (!v.isEmpty()) {
                StringBuilder b = new StringBuilder("invariant broken after round " + round + ":");
                v.forEach(x -> b.append("\n  ").append(x));
                for (int w = 0; w < recent.size(); w++) {
                    b.append("\n  last operations of stress-w").append(w).append(": ").append(recent.get(w));
                }
                failures.add(b.toString());
            }
            if (!lockdep.reports().isEmpty()) {
                StringBuilder b = new StringBuilder("lock order: circular dependency after round " + round + ":");
                lockdep.reports().forEach(rep -> rep.lines().forEach(l -> b.append("\n  ").append(l)));
                failures.add(b.toString());
            }
            if (!failures.isEmpty()) {
                stop.set(true);
            }
            phaser.arriveAndAwaitAdvance();
            if (stop.get()) {
                break;
            }
        }
        double secs = (System.nanoTime() - t0) / 1e9;
        if (!hung) {
            for (Thread t : threads) {
                try {
                    t.join();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            lockdep.trace(null);
        }
        Map<String, Long> counts = new TreeMap<>();
        outcomes.forEach((k, a) -> counts.put(k, a.sum()));
        return new Report(c, progress.get(), counts, checks, List.copyOf(failures), lockdep.edges().size(),
                lockdep.reports().size(), hung, secs);
    }

    /** Guest start/stop (vfio device open/close) and mdev removal (vfio device unregistration). */
    static boolean vfioDeviceOp(HostOp op) {
        return op instanceof HostOp.StartGuest || op instanceof HostOp.StopGuest
                || op instanceof HostOp.Write w && w.path().endsWith("/remove");
    }

    private static String kind(HostOp op) {
        if (op instanceof HostOp.Write w) {
            String p = w.path();
            return "write " + p.substring(p.lastIndexOf('/') + 1);
        }
        if (op instanceof HostOp.Read) {
            return "read";
        }
        if (op instanceof HostOp.Configure) {
            return "host config";
        }
        if (op instanceof HostOp.Custom c) {
            return c.command();
        }
        return op instanceof HostOp.StartGuest ? "guest start" : "guest stop";
    }

    private static String stack(Throwable e) {
        StringWriter w = new StringWriter();
        e.printStackTrace(new PrintWriter(w));
        String[] lines = w.toString().split("\n");
        return String.join("\n", java.util.Arrays.asList(lines).subList(0, Math.min(lines.length, 14)));
    }

    /**
     * {@code aplab.check.Stress [--seed N] [--workers N] [--rounds N] [--ops N] [--hang-seconds N]
     * [--kernel mainline] [--plant BUG,...] [--no-vfio-serialization] [--verbose] [--for-seconds S]}: one run; prints the
     * seed first, then the summary (and every failure). With {@code --for-seconds S}: runs with seeds N, N+1, ...
     * (each as given) until S seconds have passed, one summary line each, then the totals. Exit status 0 passed, 1
     * failed, 2 bad usage (every number is checked: counts at least 1, seconds at least 1).
     */
    public static void main(String[] args) {
        long seed = System.nanoTime();
        int workers = Math.max(2, Runtime.getRuntime().availableProcessors() * 2);
        int rounds = 2_000;
        int ops = 50;
        long hang = 60_000;
        Kernel version = Kernel.DEFAULT;
        Set<PlantedBug> planted = EnumSet.noneOf(PlantedBug.class);
        boolean verbose = false;
        boolean serialize = true;
        long forSeconds = 0;
        try {
            for (int i = 0; i < args.length; i++) {
                switch (args[i]) {
                    case "--seed" -> seed = Long.parseLong(value(args, i++));
                    case "--workers" -> workers = (int) atLeastOne(args, i++, 4096);
                    case "--rounds" -> rounds = (int) atLeastOne(args, i++, Integer.MAX_VALUE);
                    case "--ops" -> ops = (int) atLeastOne(args, i++, 1_000_000);
                    case "--hang-seconds" -> hang = atLeastOne(args, i++, 86_400) * 1000;
                    case "--for-seconds" -> forSeconds = atLeastOne(args, i++, 7 * 86_400);
                    case "--kernel" -> version = Kernel.parse(args[++i]);
                    case "--plant" -> {
                        for (String s : args[++i].split(",")) {
                            planted.add(PlantedBug.valueOf(s.trim().toUpperCase(Locale.ROOT)));
                        }
                    }
                    case "--verbose" -> verbose = true;
                    case "--no-vfio-serialization" -> serialize = false;
                    default -> throw new IllegalArgumentException("unknown option " + args[i]);
                }
            }
        } catch (RuntimeException e) {
            System.err.println("stress: " + e.getMessage());
            System.err.println("usage: aplab.check.Stress [--seed N] [--workers N] [--rounds N] [--ops N]"
                    + " [--hang-seconds N] [--kernel NAME] [--plant BUG,...] [--no-vfio-serialization] [--verbose]"
                    + " [--for-seconds S]");
            System.exit(2);
        }
        Config c = new Config(seed, workers, rounds, ops, version, planted, hang, serialize);
        if (forSeconds > 0) {
            System.exit(runFor(c, forSeconds) ? 0 : 1);
        }
        System.out.println("stress: seed=" + seed + " (replay: " + c.replay() + ")");
        Report r = run(c);
        if (verbose) {
            r.outcomes().forEach((k, v) -> System.out.printf(Locale.ROOT, "  %8d  %s%n", v, k));
        }
        r.failures().forEach(System.out::println);
        System.out.println(r.summary());
        System.exit(r.passed() ? 0 : 1);
    }

    /** Runs seeds c.seed(), c.seed()+1, ... until {@code seconds} have passed; true if all passed. */
    static boolean runFor(Config c, long seconds) {
        long start = System.nanoTime();
        long end = start + seconds * 1_000_000_000L;
        long runs = 0;
        long failed = 0;
        long ops = 0;
        long checks = 0;
        long breaks = 0;
        long cycles = 0;
        long hangs = 0;
        for (long s = c.seed(); System.nanoTime() < end; s++) {
            Config one = new Config(s, c.workers(), c.rounds(), c.opsPerRound(), c.version(), c.planted(), c.hangMillis(),
                    c.serializeVfio());
            Report r = run(one);
            runs++;
            ops += r.ops();
            checks += r.invariantChecks();
            breaks += r.failures().stream().filter(f -> f.startsWith("invariant")).count();
            cycles += r.lockCycles();
            hangs += r.hung() ? 1 : 0;
            if (!r.passed()) {
                failed++;
                r.failures().forEach(System.out::println);
                System.out.println("  replay: " + one.replay());
            }
            System.out.println(r.summary());
        }
        double took = (System.nanoTime() - start) / 1e9;
        System.out.printf(Locale.ROOT, "stress total: %d runs (seeds %d..%d, %d workers each) in %.0f s: %d operations,"
                + " %d invariant checks, %d invariant breaks, %d circular dependencies, %d hangs; %d runs failed; %s%n",
                runs, c.seed(), c.seed() + runs - 1, c.workers(), took, ops, checks, breaks, cycles, hangs, failed,
                failed == 0 ? "PASSED" : "FAILED");
        return failed == 0;
    }

    private static String value(String[] args, int i) {
        if (i + 1 >= args.length) {
            throw new IllegalArgumentException(args[i] + " needs a value");
        }
        return args[i + 1];
    }

    /** The number after option {@code args[i]}: an integer from 1 to max, else a one-line error. */
    private static long atLeastOne(String[] args, int i, long max) {
        String v = value(args, i);
        long n;
        try {
            n = Long.parseLong(v);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(args[i] + " " + v + ": not a whole number");
        }
        if (n < 1 || n > max) {
            throw new IllegalArgumentException(args[i] + " " + v + ": must be 1.." + max);
        }
        return n;
    }
}
