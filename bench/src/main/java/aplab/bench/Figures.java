package aplab.bench;

import aplab.explore.Explorer;
import aplab.kernel.Kernel;
import aplab.transcript.Transcript;
import aplab.transcript.TranscriptRunner;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The issue-13 figures in one run, each next to its target as a ratio (tools/bench --figures):
 * explorer generated states per second and exhaustive depth 6 (and, with {@code --depth8}, 8) on
 * 2 cores, the interleaving search's schedules per second, golden transcript commands per second in
 * one JVM, and full filtering at 256 x 256 against the bare bitmap-word bound measured in the same
 * loop. Rows are printed as a Markdown table; the load average at the start and end is printed
 * with it, because the machine may be shared. Not a test: a measurement.
 */
public final class Figures {
    private Figures() {
    }

    private record Row(String figure, String measured, String target, double ratio, boolean ok) {
    }

    /**
     * All figures in this JVM, or with {@code --part explorer|transcripts|filtering} one group of
     * them (tools/bench runs each group in a JVM of its own, so that no figure is measured on a heap
     * and compiled code another workload left behind). {@code --rows}: the table rows only.
     */
    public static void main(String[] args) throws Exception {
        List<String> a = List.of(args);
        boolean depth8 = a.contains("--depth8");
        boolean rowsOnly = a.contains("--rows");
        int at = a.indexOf("--part");
        String part = at >= 0 && at + 1 < a.size() ? a.get(at + 1) : "all";
        if (!List.of("all", "explorer", "transcripts", "filtering").contains(part)) {
            System.err.println("Figures: --part is explorer, transcripts or filtering, not " + part);
            System.exit(2);
        }
        List<Row> rows = new ArrayList<>();
        double load0 = ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
        int cpus = Runtime.getRuntime().availableProcessors();
        if (part.equals("all") || part.equals("explorer")) {
            explorer(rows, cpus, depth8);
        }
        if (part.equals("all") || part.equals("transcripts")) {
            transcripts(rows);
        }
        if (part.equals("all") || part.equals("filtering")) {
            filtering(rows);
        }
        double load1 = ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
        if (!rowsOnly) {
            System.out.printf(Locale.ROOT, "load average %.1f at the start, %.1f at the end, %d CPUs%n%n", load0, load1, cpus);
            System.out.println("| figure | measured | target | measured/target | met |");
            System.out.println("|---|---:|---:|---:|---|");
        }
        for (Row r : rows) {
            System.out.printf(Locale.ROOT, "| %s | %s | %s | %s | %s |%n", r.figure(), r.measured(), r.target(),
                    Double.isNaN(r.ratio()) ? "-" : String.format(Locale.ROOT, "%.2f", r.ratio()),
                    Double.isNaN(r.ratio()) ? "-" : r.ok() ? "yes" : "no");
        }
    }

    /**
     * Exhaustive depth 6 on every core, first in a cold JVM (what one {@code aplab explore --depth 6}
     * pays, JIT compilation included), then again warm for the rate, and warm on one worker beside
     * it; depth 8 (with {@code --depth8}); and the interleaving search's own rate.
     */
    private static void explorer(List<Row> rows, int cpus, boolean depth8) {
        Explorer.Result cold = new Explorer(new Explorer.Options(6, -1, 0, Kernel.MAINLINE, Set.of(), cpus), null).run();
        // warm: three rounds, each all workers then one (alternating, so that neither is measured on
        // a JIT the other warmed more); the median of each
        double[] all = new double[3];
        double[] single = new double[3];
        for (int r = 0; r < 3; r++) {
            all[r] = new Explorer(new Explorer.Options(6, -1, 0, Kernel.MAINLINE, Set.of(), cpus), null).run().generatedPerSecond();
            single[r] = cpus > 1
                    ? new Explorer(new Explorer.Options(6, -1, 0, Kernel.MAINLINE, Set.of(), 1), null).run().generatedPerSecond()
                    : all[r];
        }
        java.util.Arrays.sort(all);
        java.util.Arrays.sort(single);
        double rate = all[1];
        rows.add(new Row("explorer: generated states/s (depth 6, " + cpus + " threads, warm)",
                String.format(Locale.ROOT, "%.0f (median of 3, %.0f-%.0f; cold, the first run in the JVM: %.0f)", rate, all[0],
                        all[2], cold.generatedPerSecond()), ">= 100000", rate / 100000, rate >= 100000));
        rows.add(new Row("explorer: exhaustive depth 6 (cold JVM)", String.format(Locale.ROOT, "%.1f s (%d generated, %d distinct)",
                cold.sequentialSeconds(), cold.sequentialRuns(), cold.distinctStates()), "<= 60 s", cold.sequentialSeconds() / 60,
                cold.sequentialSeconds() <= 60));
        if (cpus > 1) {
            // beside it, one worker: how much the second core adds
            rows.add(new Row("explorer: generated states/s (depth 6, 1 thread, warm, beside it)",
                    String.format(Locale.ROOT, "%.0f (median of 3, %.0f-%.0f; %d threads: %.2fx of it)", single[1], single[0],
                            single[2], cpus, rate / single[1]), "(reported)", Double.NaN, true));
        }
        if (depth8) {
            Explorer.Result d8 = new Explorer(new Explorer.Options(8, -1, 0, Kernel.MAINLINE, Set.of(), cpus), null).run();
            rows.add(new Row("explorer: generated states/s (depth 8, " + cpus + " threads)",
                    String.format(Locale.ROOT, "%.0f", d8.generatedPerSecond()), ">= 100000",
                    d8.generatedPerSecond() / 100000, d8.generatedPerSecond() >= 100000));
            rows.add(new Row("explorer: exhaustive depth 8", String.format(Locale.ROOT, "%.1f s (%d generated, %d distinct)",
                    d8.sequentialSeconds(), d8.sequentialRuns(), d8.distinctStates()), "<= 600 s",
                    d8.sequentialSeconds() / 600, d8.sequentialSeconds() <= 600));
        }
        // interleavings at lock granularity: the bus operations from every state within one operation
        Explorer.Result il = new Explorer(new Explorer.Options(1, 1, 1, Kernel.MAINLINE, Set.of(), cpus, 0, 0, true,
                Set.of(31, 32, 33, 34, 35, 36, 41, 42, 43)), null).run();
        rows.add(new Row("interleavings: schedules/s (bus ops, 1 preemption)", String.format(Locale.ROOT, "%.0f (%d schedules)",
                il.schedulesPerSecond(), il.schedules()), "(reported)", Double.NaN, true));
    }

    /**
     * Every golden transcript in one thread: the first round (a cold JVM, what one {@code aplab
     * check} pays) is reported beside the figure; the figure is the median of 7 batches of 15
     * rounds, after 60 rounds of warm-up (C2 settles after about 50 rounds: with 10, the figure
     * measured the compiler as much as the model).
     */
    private static void transcripts(List<Row> rows) throws Exception {
        List<Transcript> ts = WholeSystemBenchmarks.goldens();
        int cmds = ts.stream().mapToInt(t -> t.commands().size()).sum();
        long c0 = System.nanoTime();
        runAll(ts);
        double cold = cmds / ((System.nanoTime() - c0) / 1e9);
        for (int i = 1; i < 60; i++) {
            runAll(ts);
        }
        int rounds = 15;
        double[] batches = new double[7];
        for (int b = 0; b < batches.length; b++) {
            long t0 = System.nanoTime();
            for (int i = 0; i < rounds; i++) {
                runAll(ts);
            }
            batches[b] = (double) cmds * rounds / ((System.nanoTime() - t0) / 1e9);
        }
        java.util.Arrays.sort(batches);
        double cps = batches[batches.length / 2];
        rows.add(new Row("golden transcripts: commands/s (one JVM, one thread, warm)", String.format(Locale.ROOT,
                "%.0f (median of 7 batches, %.0f-%.0f; %d files, %d commands; first round, cold: %.0f)", cps, batches[0],
                batches[batches.length - 1], ts.size(), cmds, cold), ">= 30000", cps / 30000, cps >= 30000));
    }

    /** Full filtering at 256 x 256 and the bare bitmap-word bound, alternating in one loop. */
    private static void filtering(List<Row> rows) {
        FilterBenchmarks f = new FilterBenchmarks();
        f.setUp();
        double[] ns = filterTimes(f);
        double ratio = ns[0] / ns[1];
        rows.add(new Row("full filtering 256x256 / bare bitmap-word bound", String.format(Locale.ROOT,
                "%.0f ns / %.0f ns", ns[0], ns[1]), "<= 1.5x", ratio / 1.5, ratio <= 1.5));
    }

    private static int runAll(List<Transcript> ts) {
        int passed = 0;
        for (Transcript t : ts) {
            if (TranscriptRunner.run(t).passed()) {
                passed++;
            }
        }
        if (passed != ts.size()) {
            throw new IllegalStateException((ts.size() - passed) + " golden transcripts fail: the figures would mean nothing");
        }
        return passed;
    }

    /** ns per call of the full filter and of the bare bound, measured alternately (best of 15 batches each). */
    private static double[] filterTimes(FilterBenchmarks f) {
        double bestFilter = Double.MAX_VALUE;
        double bestBare = Double.MAX_VALUE;
        long sink = 0;
        int n = 20000;
        for (int batch = 0; batch < 25; batch++) {
            long a = System.nanoTime();
            for (int i = 0; i < n; i++) {
                sink += f.filterMatrix() ? 1 : 0;
            }
            long b = System.nanoTime();
            for (int i = 0; i < n; i++) {
                sink += f.bareBitmapWords();
            }
            long c = System.nanoTime();
            if (batch >= 10) {
                bestFilter = Math.min(bestFilter, (b - a) / (double) n);
                bestBare = Math.min(bestBare, (c - b) / (double) n);
            }
        }
        if (sink == 42) {
            System.out.println();
        }
        return new double[] {bestFilter, bestBare};
    }
}
