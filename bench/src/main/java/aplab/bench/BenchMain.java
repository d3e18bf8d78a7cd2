package aplab.bench;

import aplab.explore.Explorer;
import aplab.transcript.Transcript;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/**
 * Runs the benchmarks and prints one table with the derived rates and the two filtering targets:
 * full filtering at 256 x 256 within 5x of the bare bitmap-word bound, and at least 50x faster than
 * the per-APQN loop measured in the same run. {@code --quick}: fewer, shorter iterations.
 * {@code --only REGEX}: a subset. Exit status 1 if a target is missed.
 */
public final class BenchMain {
    private BenchMain() {
    }

    public static void main(String[] args) throws Exception {
        boolean quick = false;
        String only = "aplab\\.bench\\..*";
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--quick" -> quick = true;
                case "--only" -> only = args[++i];
                default -> {
                    System.err.println("usage: tools/bench [--quick] [--only REGEX]");
                    System.exit(2);
                }
            }
        }
        ChainedOptionsBuilder o = new OptionsBuilder().include(only).shouldFailOnError(true)
                .jvmArgsAppend("-Daplab.root=" + System.getProperty("aplab.root", "."));
        if (quick) {
            o.warmupIterations(1).measurementIterations(2).warmupTime(TimeValue.milliseconds(500))
                    .measurementTime(TimeValue.milliseconds(500));
        }
        Collection<RunResult> results = new Runner(o.build()).run();
        Map<String, RunResult> by = new LinkedHashMap<>();
        for (RunResult r : results) {
            String name = r.getParams().getBenchmark();
            by.put(name.substring(name.lastIndexOf('.', name.lastIndexOf('.') - 1) + 1), r);
        }
        List<String[]> rows = new ArrayList<>();
        rows.add(new String[] {"benchmark", "score", "error", "unit", "derived"});
        for (Map.Entry<String, RunResult> e : by.entrySet()) {
            var p = e.getValue().getPrimaryResult();
            rows.add(new String[] {e.getKey(), fmt(p.getScore()), fmt(p.getScoreError()), p.getScoreUnit(),
                derived(e.getKey(), p.getScore())});
        }
        print(rows);
        int missed = 0;
        Double fast = score(by, "FilterBenchmarks.filterMatrix");
        Double bare = score(by, "FilterBenchmarks.bareBitmapWords");
        Double slow = score(by, "FilterBenchmarks.filterMatrixPerApqn");
        System.out.println();
        if (fast != null && bare != null) {
            double ratio = fast / bare;
            boolean ok = ratio <= 5.0;
            missed += ok ? 0 : 1;
            System.out.printf(Locale.ROOT, "full filtering 256x256 / bare bitmap-word bound: %.2fx (target <= 5x): %s%n",
                    ratio, ok ? "PASS" : "FAIL");
        }
        if (fast != null && slow != null) {
            double ratio = slow / fast;
            boolean ok = ratio >= 50.0;
            missed += ok ? 0 : 1;
            System.out.printf(Locale.ROOT, "per-APQN loop / full filtering 256x256: %.0fx faster (target >= 50x): %s%n",
                    ratio, ok ? "PASS" : "FAIL");
        }
        System.exit(missed == 0 ? 0 : 1);
    }

    private static Double score(Map<String, RunResult> by, String key) {
        RunResult r = by.get(key);
        return r == null ? null : r.getPrimaryResult().getScore();
    }

    private static String derived(String key, double score) {
        try {
            return switch (key) {
                case "WholeSystemBenchmarks.goldenTranscripts" -> {
                    List<Transcript> ts = WholeSystemBenchmarks.goldens();
                    int cmds = ts.stream().mapToInt(t -> t.commands().size()).sum();
                    yield String.format(Locale.ROOT, "%.0f transcripts/s, %.0f commands/s (%d files, %d commands)",
                            ts.size() * 1000 / score, cmds * 1000 / score, ts.size(), cmds);
                }
                case "WholeSystemBenchmarks.stress" -> String.format(Locale.ROOT, "%.0f ops/s (%d ops, %d workers)",
                        WholeSystemBenchmarks.STRESS.totalOps() * 1000 / score, WholeSystemBenchmarks.STRESS.totalOps(),
                        WholeSystemBenchmarks.STRESS.workers());
                case "WholeSystemBenchmarks.explore" -> {
                    long states = new Explorer(WholeSystemBenchmarks.EXPLORE, null).run().statesExplored();
                    yield String.format(Locale.ROOT, "%.0f states/s (%d states, depth %d)", states * 1000 / score, states,
                            WholeSystemBenchmarks.EXPLORE.depth());
                }
                case "FilterBenchmarks.filterMatrix", "FilterBenchmarks.filterMatrixPerApqn",
                        "FilterBenchmarks.bareBitmapWords" ->
                    String.format(Locale.ROOT, "%.3f ns per APQN", score / 65536);
                case "AssignBenchmarks.assignThenUnassignAdapter" -> "2 stores: 256 links, 16x256 filter, push, 256 resets";
                default -> "";
            };
        } catch (Exception e) {
            return "(" + e.getMessage() + ")";
        }
    }

    private static String fmt(double d) {
        if (Double.isNaN(d)) {
            return "-";
        }
        return d >= 100 ? String.format(Locale.ROOT, "%.0f", d) : String.format(Locale.ROOT, "%.3f", d);
    }

    private static void print(List<String[]> rows) {
        int[] w = new int[rows.get(0).length];
        for (String[] r : rows) {
            for (int i = 0; i < r.length; i++) {
                w[i] = Math.max(w[i], r[i].length());
            }
        }
        for (int k = 0; k < rows.size(); k++) {
            StringBuilder b = new StringBuilder("|");
            for (int i = 0; i < w.length; i++) {
                String c = rows.get(k)[i];
                boolean right = i == 1 || i == 2;
                b.append(' ').append(right ? " ".repeat(w[i] - c.length()) + c : c + " ".repeat(w[i] - c.length())).append(" |");
            }
            System.out.println(b);
            if (k == 0) {
                StringBuilder sep = new StringBuilder("|");
                for (int x : w) {
                    sep.append("-".repeat(x + 2)).append('|');
                }
                System.out.println(sep);
            }
        }
    }
}
