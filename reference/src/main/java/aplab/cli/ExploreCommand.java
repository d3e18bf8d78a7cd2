package aplab.cli;

import aplab.explore.Counterexample;
import aplab.explore.Explorer;
import aplab.explore.Space;
import aplab.kernel.Kernel;
import aplab.shell.KernelNames;
import aplab.shell.Versions;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine;

/**
 * {@code aplab explore}: exhaustive small-scope exploration (see {@link Explorer}): every distinct
 * state reachable within a depth, and every lock-granularity interleaving of two concurrent callers
 * from the states near the start, on 2 adapters x 2 domains x 2 mdevs x 1 guest; invariants checked
 * in every state; the shortest counterexample printed as a transcript.
 */
@Command(name = "explore", mixinStandardHelpOptions = true, versionProvider = Versions.class,
        description = {"Explore every distinct state reachable in up to --depth operations and check the invariants in each.",
            "The host has 2 adapters x 2 domains x 2 mdevs x 1 guest; with --concurrent-depth, every interleaving"
                + " of two concurrent callers at lock granularity from the states within that depth is explored too."
                + " A table shows the states per depth; --max-states and --max-seconds stop the search early. The"
                + " shortest counterexample is printed as a transcript.",
            "Exit status: 0 every invariant holds, 1 a counterexample was found, 2 bad usage."})
public final class ExploreCommand implements Callable<Integer> {
    @Option(names = "--depth", defaultValue = "3", paramLabel = "N", description = "The number of operations from the start state (default ${DEFAULT-VALUE}).")
    int depth;

    @Option(names = "--concurrent-depth", defaultValue = "0", paramLabel = "N",
            description = "Interleave two operations from every state within N operations of the start; -1: none (default ${DEFAULT-VALUE}).")
    int concurrentDepth;

    @Option(names = "--preemptions", defaultValue = "2", paramLabel = "N",
            description = "Allow at most N preemptions per interleaved schedule; -1: every schedule (default ${DEFAULT-VALUE}).")
    int preemptions;

    @Option(names = "--kernel", defaultValue = "mainline", paramLabel = "KERNEL", completionCandidates = KernelNames.Candidates.class,
            description = "Model this kernel: ${COMPLETION-CANDIDATES} (default ${DEFAULT-VALUE}).")
    String kernel;

    @Option(names = "--plant", paramLabel = "BUG[,BUG]",
            description = "Plant defects: skip_sharing_check, skip_hotplug_on_assign, skip_unplug_on_remove.")
    String plant;

    @Option(names = "--threads", paramLabel = "N", description = "The number of worker threads (default: the number of CPUs).")
    Integer threads;

    @Option(names = "--max-states", paramLabel = "N",
            description = "Stop cleanly, with the summary, once N distinct states are known (default: no bound).")
    Long maxStates;

    @Option(names = "--max-seconds", paramLabel = "S",
            description = "Stop cleanly, with the summary, after S seconds (default: no bound).")
    Double maxSeconds;

    @Option(names = "--concurrent-ops", paramLabel = "I[,J...]", split = ",",
            description = "Interleave only pairs of these operations (numbers from --list-ops; default: every pair).")
    List<Integer> concurrentOps;

    @Option(names = "--no-symmetry", negatable = false,
            description = "Do not merge a state with its mirror image (the two mdevs' UUIDs swapped).")
    boolean noSymmetry;

    @Option(names = "--out", paramLabel = "FILE", description = "Write the counterexample transcript to FILE.")
    Path out;

    @Option(names = "--replay", paramLabel = "PATH/A,B/CHOICES",
            description = "Re-run one interleaving printed by a counterexample (path, the two operations, the choices).")
    String replay;

    @Option(names = "--list-ops", description = "Print the operations (numbered) and exit.")
    boolean listOps;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter o = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        Explorer.Options opts;
        try {
            if (depth < 0 || depth > 12) {
                throw new IllegalArgumentException("--depth must be 0..12");
            }
            if (preemptions < -1 || concurrentDepth < -1 || threads != null && threads < 1) {
                throw new IllegalArgumentException("--preemptions and --concurrent-depth must be -1 or more, --threads 1 or more");
            }
            if (maxStates != null && maxStates < 1) {
                throw new IllegalArgumentException("--max-states must be at least 1");
            }
            if (maxSeconds != null && !(maxSeconds > 0 && maxSeconds <= 1e6)) {
                throw new IllegalArgumentException("--max-seconds must be a number of seconds above 0");
            }
            int ops = Space.alphabet().size();
            if (concurrentOps != null) {
                for (int op : concurrentOps) {
                    if (op < 0 || op >= ops) {
                        throw new IllegalArgumentException("--concurrent-ops: operation " + op + " does not exist (0.."
                                + (ops - 1) + ", see --list-ops)");
                    }
                }
            }
            Kernel v = Kernel.parse(kernel);
            opts = new Explorer.Options(depth, concurrentDepth, preemptions, v, Counterexample.parsePlanted(plant),
                    threads == null ? Runtime.getRuntime().availableProcessors() : Math.max(1, threads),
                    maxStates == null ? 0 : maxStates, maxSeconds == null ? 0 : maxSeconds, !noSymmetry,
                    concurrentOps == null ? java.util.Set.of() : java.util.Set.copyOf(concurrentOps));
        } catch (IllegalArgumentException e) {
            err.println("aplab: explore: " + e.getMessage());
            err.flush();
            return 2;
        }
        Explorer ex = new Explorer(opts, line -> {
            o.println("  " + line);
            o.flush();
        });
        if (listOps) {
            for (int i = 0; i < ex.alphabet().size(); i++) {
                o.printf(Locale.ROOT, "%3d  %s%n", i, ex.alphabet().get(i).command());
            }
            o.flush();
            return 0;
        }
        if (replay != null) {
            return replay(ex, o, err);
        }
        o.printf(Locale.ROOT, "explore: 2 adapters x 2 domains x 2 mdevs x 1 guest, kernel %s%s, %d operations,"
                + " depth %d, interleavings from depth <= %d with %s%n", opts.version().release(),
                plant == null ? "" : ", planted " + plant, ex.alphabet().size(), depth, concurrentDepth,
                preemptions < 0 ? "every schedule" : "at most " + preemptions + " preemption(s)");
        o.flush();
        Explorer.Result r = ex.run();
        printTable(o, r);
        o.printf(Locale.ROOT, "states explored: %d (%d generated by sequences, %d interleaved schedules of %d pairs)%n",
                r.statesExplored(), r.sequentialRuns(), r.schedules(), r.interleavingPairs());
        o.printf(Locale.ROOT, "distinct states: %d (%s; per depth: %s; %d more only by interleaving)%n", r.distinctStates(),
                opts.symmetry() ? "mirror images of the two mdevs merged" : "no symmetry reduction", r.statesPerDepth(),
                r.interleavedNewStates());
        o.printf(Locale.ROOT, "depth reached: %d%n", r.depthReached());
        o.printf(Locale.ROOT, "generated states per second: %.0f (sequences, %d thread(s), %.1f s)%n", r.generatedPerSecond(),
                opts.threads(), r.sequentialSeconds());
        if (r.interleavingPairs() > 0) {
            o.printf(Locale.ROOT, "interleaved schedules per second: %.0f (%.1f s)%n", r.schedulesPerSecond(),
                    r.interleavingSeconds());
        }
        o.printf(Locale.ROOT, "states per second: %.0f (%.1f s)%n", r.statesPerSecond(), r.seconds());
        if (r.stopped() != null) {
            o.println("stopped: " + r.stopped() + "; the counts above are what was explored until then");
        }
        Counterexample c = r.counterexample();
        if (c == null) {
            o.println("invariants: hold in every state explored");
            o.flush();
            return 0;
        }
        c.describe().forEach(o::println);
        String t = c.transcript();
        if (out != null) {
            try {
                Files.writeString(out, t, StandardCharsets.UTF_8);
                o.println("transcript written to " + out);
            } catch (IOException e) {
                err.println("aplab: explore: cannot write " + out + ": " + e.getMessage());
            }
        }
        o.println("shortest counterexample as a transcript:");
        o.print(t);
        o.flush();
        return 1;
    }

    /** The per-depth table: how the search grew. */
    static void printTable(PrintWriter o, Explorer.Result r) {
        o.println("| depth | expanded | generated | new distinct | distinct in all | seconds |");
        o.println("|------:|---------:|----------:|-------------:|----------------:|--------:|");
        for (Explorer.Level l : r.levels()) {
            o.printf(Locale.ROOT, "| %5d | %8d | %9d | %12d | %15d | %7.1f |%n", l.depth(), l.expanded(), l.generated(),
                    l.distinct(), l.totalDistinct(), l.seconds());
        }
    }

    private int replay(Explorer ex, PrintWriter o, PrintWriter err) {
        String[] parts = replay.split("/", -1);
        try {
            if (parts.length != 3) {
                throw new IllegalArgumentException("expected PATH/A,B/CHOICES, e.g. 0,3/5,9/0,1");
            }
            int[] root = ints(parts[0]);
            int[] ab = ints(parts[1]);
            if (ab.length != 2) {
                throw new IllegalArgumentException("two concurrent operations are needed: A,B");
            }
            for (int x : concat(root, ab)) {
                if (x < 0 || x >= ex.alphabet().size()) {
                    throw new IllegalArgumentException("operation " + x + " does not exist (see --list-ops)");
                }
            }
            List<Integer> choices = new ArrayList<>();
            for (int x : ints(parts[2])) {
                if (x != 0 && x != 1) {
                    throw new IllegalArgumentException("a choice is 0 (A) or 1 (B)");
                }
                choices.add(x);
            }
            List<String> lines = ex.replay(root, ab[0], ab[1], choices);
            lines.forEach(o::println);
            o.flush();
            // after the "A -> ..., B -> ..." line come only a failure, violations or lock cycles
            int outcome = -1;
            for (int k = 0; k < lines.size(); k++) {
                outcome = lines.get(k).startsWith("A -> ") ? k : outcome;
            }
            boolean crashed = outcome >= 0 && lines.get(outcome).contains("crash: ");
            return crashed || outcome < lines.size() - 1 ? 1 : 0;
        } catch (IllegalArgumentException e) {
            err.println("aplab: explore: --replay: " + e.getMessage());
            err.flush();
            return 2;
        }
    }

    private static int[] ints(String s) {
        if (s.isBlank()) {
            return new int[0];
        }
        String[] f = s.split(",");
        int[] out = new int[f.length];
        for (int i = 0; i < f.length; i++) {
            try {
                out[i] = Integer.parseInt(f[i].trim());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("not a number: '" + f[i] + "'");
            }
        }
        return out;
    }

    private static int[] concat(int[] a, int[] b) {
        int[] c = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, c, a.length, b.length);
        return c;
    }

}
