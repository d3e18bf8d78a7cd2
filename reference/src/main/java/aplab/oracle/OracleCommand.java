package aplab.oracle;

import aplab.cli.CheckCommand;
import aplab.kernel.Kernel;
import aplab.kernel.PlantedBug;
import aplab.oracle.Differential.Outcome;
import aplab.oracle.Differential.Shrunk;
import aplab.oracle.Sequences.Sequence;
import aplab.shell.Versions;
import aplab.transcript.Transcript;
import aplab.transcript.TranscriptException;
import aplab.transcript.TranscriptRunner;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code aplab oracle check|run|diff|stub} (hidden; {@code tools/kernel-oracle} runs it with the
 * harness it built): transcripts and random operation sequences on the real vfio_ap driver, held
 * against the model. See coord/ORACLE-PROTOCOL.md for the process it talks to.
 */
@Command(name = "oracle", hidden = true, mixinStandardHelpOptions = true, versionProvider = Versions.class,
        description = {"Run transcripts and random operation sequences on the real vfio_ap driver (the kernel oracle) and hold the model against it.",
            "tools/kernel-oracle runs it with the harness it built."},
        subcommands = {OracleCommand.Check.class, OracleCommand.Run.class, OracleCommand.Diff.class,
            OracleCommand.Stub.class})
public final class OracleCommand implements Runnable {
    static final String PROG = "kernel-oracle";

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** The options every subcommand that talks to an oracle takes. */
    static final class OracleOptions {
        @Option(names = "--kernel", defaultValue = "6.12", paramLabel = "K",
                description = "The kernel the oracle was built for; the model runs as it (default ${DEFAULT-VALUE}).")
        String kernel;

        @Option(names = "--oracle", paramLabel = "EXE",
                description = "The oracle executable, as 'tools/kernel-oracle path --kernel K' prints it (default: $APLAB_ORACLE).")
        String oracle;

        @Option(names = "--timeout", defaultValue = "60", paramLabel = "SECONDS",
                description = "The longest wait for one answer before the oracle is taken to hang (default ${DEFAULT-VALUE}).")
        int timeout;

        @Option(names = "--model-kernel", paramLabel = "K",
                description = "Run the model as this kernel instead of the --kernel one (to see a version difference).")
        String modelKernel;

        /** The kernel the model runs as: --model-kernel, else --kernel. */
        Kernel version() {
            return Kernel.parse(modelKernel != null ? modelKernel : kernel);
        }

        List<String> command() throws OracleException {
            String c = oracle != null ? oracle : System.getenv("APLAB_ORACLE");
            if (c == null || c.isBlank()) {
                throw new OracleException("no oracle: give --oracle EXE, or run this through tools/kernel-oracle");
            }
            if (Files.exists(Path.of(c))) {
                return List.of(c);
            }
            return Arrays.asList(c.trim().split("\\s+"));
        }

        ProcessOracle start() throws OracleException {
            if (timeout < 1 || timeout > 3600) {
                throw new OracleException("--timeout must be 1..3600 seconds");
            }
            return ProcessOracle.start(command(), Map.of(), timeout);
        }
    }

    static Set<PlantedBug> planted(String list) {
        Set<PlantedBug> out = EnumSet.noneOf(PlantedBug.class);
        if (list == null || list.isBlank()) {
            return out;
        }
        for (String s : list.split(",")) {
            try {
                out.add(PlantedBug.valueOf(s.trim().toUpperCase(Locale.ROOT)));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("unknown planted defect '" + s.trim() + "' (known: "
                        + String.join(", ", Arrays.stream(PlantedBug.values()).map(b -> b.name().toLowerCase(Locale.ROOT)).toList())
                        + ")");
            }
        }
        return out;
    }

    /**
     * Runs one transcript on the oracle. Returns null when a command is not supported there (the
     * file and that command are added to {@code notRunnable}).
     */
    static TranscriptRunner.Result runOnOracle(Transcript t, Oracle oracle, List<String> notRunnable) throws OracleException {
        oracle.reset();
        List<List<String>> outputs = new ArrayList<>();
        for (Transcript.Command c : t.commands()) {
            List<String> o = c.command().startsWith("@@") ? List.of(Oracle.NOT_SUPPORTED + c.command())
                    : oracle.execute(c.command());
            if (Oracle.notSupported(o)) {
                notRunnable.add(t.name() + ":" + c.lineNumber() + ": $ " + c.command());
                return null;
            }
            outputs.add(o);
        }
        return TranscriptRunner.compare(t, outputs);
    }

    // ------------------------------------------------------------------ check

    @Command(name = "check", mixinStandardHelpOptions = true, versionProvider = Versions.class,
            description = {"Run each transcript on the real driver and compare, as 'aplab check' does.",
                "It prints a unified diff per differing file, the files that use a command the oracle cannot run, then 'N passed, N failed'.",
                "Exit status: 0 all runnable files match, 1 some differ, 2 a file is unreadable or there is no oracle."})
    static final class Check implements Callable<Integer> {
        @Mixin
        OracleOptions opts;

        @Option(names = "--known", paramLabel = "LIST",
                description = "A list of files known to differ on this kernel, one 'FILE REASON' a line (the kernel function that makes it differ); they are reported, not failed, and a listed file that passes fails.")
        Path known;

        @Parameters(paramLabel = "FILE", arity = "1..*", description = "The transcript files (Markdown).")
        List<Path> files;

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            PrintWriter err = spec.commandLine().getErr();
            Map<String, String> knownList;
            try {
                knownList = known == null ? Map.of() : KnownDifferences.read(known);
            } catch (TranscriptException e) {
                err.println(PROG + ": " + e.oneLine());
                err.flush();
                return 2;
            }
            Oracle[] oracle = new Oracle[1];
            try {
                oracle[0] = opts.start();
            } catch (OracleException | IllegalArgumentException e) {
                err.println(PROG + ": " + e.getMessage());
                err.flush();
                return 2;
            }
            List<String> notRunnable = new ArrayList<>();
            List<String> knownSeen = new ArrayList<>();
            int status = CheckCommand.check(files, false, t -> {
                try {
                    TranscriptRunner.Result r = runOnOracle(t, oracle[0], notRunnable);
                    String why = knownList.get(Path.of(t.name()).normalize().toString());
                    if (r == null || why == null) {
                        return r;
                    }
                    if (r.passed()) {
                        return new TranscriptRunner.Result(t, r.actual(), List.of(PROG + ": " + t.name()
                                + ": listed in " + known + " as a known difference, but it passes now: take it off the list"));
                    }
                    r.diff().forEach(out::println);
                    knownSeen.add(t.name() + ": " + why);
                    return null;
                } catch (OracleException e) {
                    oracle[0].close();
                    try {
                        oracle[0] = opts.start();
                    } catch (OracleException again) {
                        // the next file reports it
                    }
                    return new TranscriptRunner.Result(t, "", List.of(PROG + ": " + t.name() + ": " + e.getMessage()));
                }
            }, PROG, () -> {
                if (!knownSeen.isEmpty()) {
                    out.println("known differences (" + knownSeen.size() + " files, listed in " + known + "; diffs above):");
                    knownSeen.forEach(l -> out.println("  " + l));
                }
                if (!notRunnable.isEmpty()) {
                    out.println("not runnable on the oracle (" + notRunnable.size() + " files; the first command it cannot run):");
                    notRunnable.forEach(l -> out.println("  " + l));
                }
            }, out, err);
            oracle[0].close();
            return status;
        }
    }

    // ------------------------------------------------------------------ run

    @Command(name = "run", mixinStandardHelpOptions = true, versionProvider = Versions.class,
            description = {"Run a transcript on the real driver and print it with the driver's outputs filled in.",
                "A command the oracle cannot run gets its one-line answer, and a note on stderr."})
    static final class Run implements Callable<Integer> {
        @Mixin
        OracleOptions opts;

        @Parameters(paramLabel = "FILE", description = "A transcript file (Markdown).")
        Path file;

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() {
            PrintWriter err = spec.commandLine().getErr();
            Transcript t;
            try {
                t = Transcript.read(file);
            } catch (TranscriptException e) {
                err.println(PROG + ": " + e.oneLine());
                err.flush();
                return 2;
            }
            try (ProcessOracle oracle = startChecked(opts, err)) {
                if (oracle == null) {
                    return 2;
                }
                oracle.reset();
                List<List<String>> outputs = new ArrayList<>();
                for (Transcript.Command c : t.commands()) {
                    List<String> o = c.command().startsWith("@@") ? List.of(Oracle.NOT_SUPPORTED + c.command())
                            : oracle.execute(c.command());
                    if (Oracle.notSupported(o)) {
                        err.println(PROG + ": " + t.name() + ":" + c.lineNumber() + ": not runnable on the oracle: " + c.command());
                    }
                    outputs.add(o);
                }
                spec.commandLine().getOut().print(t.render(outputs));
                spec.commandLine().getOut().flush();
                return 0;
            } catch (OracleException e) {
                err.println(PROG + ": " + t.name() + ": " + e.getMessage());
                err.flush();
                return 2;
            }
        }
    }

    static ProcessOracle startChecked(OracleOptions opts, PrintWriter err) {
        try {
            return opts.start();
        } catch (OracleException | IllegalArgumentException e) {
            err.println(PROG + ": " + e.getMessage());
            err.flush();
            return null;
        }
    }

    // ------------------------------------------------------------------ diff

    @Command(name = "diff", mixinStandardHelpOptions = true, versionProvider = Versions.class,
            description = {"Run random operation sequences on the real driver and on the model running as the same kernel, and compare them.",
                "Sequences use the explorer's alphabet on 2 x 2 and hosts up to 256 x 256 with mask edits, configuration changes and guests.",
                "Every command's output, 'aplab guest show' and the queue resets are compared.",
                "Each divergence is shrunk by delta debugging and written as a transcript.",
                "Exit status: 0 no divergence, 1 divergences, 2 bad usage or no oracle."})
    static final class Diff implements Callable<Integer> {
        @Mixin
        OracleOptions opts;

        @Option(names = "--sequences", defaultValue = "1000", paramLabel = "N", description = "The number of sequences to run (default ${DEFAULT-VALUE}).")
        long sequences;

        @Option(names = "--from", defaultValue = "0", paramLabel = "I",
                description = "Start at sequence I of the seed, to split a long run into parts (default ${DEFAULT-VALUE}).")
        long from;

        @Option(names = "--seed", defaultValue = "1", paramLabel = "S", description = "The seed; sequence I of seed S is always the same (default ${DEFAULT-VALUE}).")
        long seed;

        @Option(names = "--max-steps", defaultValue = "30", paramLabel = "N",
                description = "The most operations per sequence after its setup (default ${DEFAULT-VALUE}).")
        int maxSteps;

        @Option(names = "--whole-matrix", defaultValue = "100", paramLabel = "N",
                description = "One large sequence in N configures all 256 x 256 queues; 0 means never (default ${DEFAULT-VALUE}).")
        int wholeMatrix;

        @Option(names = "--out", defaultValue = "target/oracle-divergences", paramLabel = "DIR",
                description = "The folder the shrunk divergences are written to (default ${DEFAULT-VALUE}).")
        Path out;

        @Option(names = "--shrink", defaultValue = "5", paramLabel = "N",
                description = "Shrink and write the first N divergences; the others are only counted (default ${DEFAULT-VALUE}).")
        int shrink;

        @Option(names = "--plant", paramLabel = "BUG[,BUG]",
                description = "Plant defects in the model (as -Daplab.plant=... does); the run must then diverge.")
        String plant;

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() {
            PrintWriter o = spec.commandLine().getOut();
            PrintWriter err = spec.commandLine().getErr();
            Kernel v;
            Set<PlantedBug> bugs;
            try {
                v = opts.version();
                bugs = plant != null ? planted(plant) : PlantedBug.fromSystemProperty();
                if (sequences < 1 || sequences > 10_000_000) {
                    throw new IllegalArgumentException("--sequences must be 1..10000000");
                }
                if (from < 0) {
                    throw new IllegalArgumentException("--from must not be negative");
                }
                if (maxSteps < 1 || maxSteps > 1000) {
                    throw new IllegalArgumentException("--max-steps must be 1..1000");
                }
                if (wholeMatrix < 0 || shrink < 0) {
                    throw new IllegalArgumentException("--whole-matrix and --shrink must not be negative");
                }
            } catch (IllegalArgumentException e) {
                err.println(PROG + ": diff: " + e.getMessage());
                err.flush();
                return 2;
            }
            String runLine = "tools/kernel-oracle diff --kernel " + opts.kernel + " --seed " + seed
                    + (from == 0 ? "" : " --from " + from) + " --sequences " + sequences
                    + (bugs.isEmpty() ? "" : " --plant " + String.join(",", bugs.stream().map(b -> b.name().toLowerCase(Locale.ROOT)).toList()));
            Sequences gen = new Sequences(maxSteps, wholeMatrix);
            Differential diff;
            try {
                diff = new Differential(opts::start, new ModelOracle(v, bugs));
            } catch (OracleException e) {
                err.println(PROG + ": diff: " + e.getMessage());
                err.flush();
                return 2;
            }
            long commands = 0;
            long divergences = 0;
            long skipped = 0;
            String firstSkipped = null;
            int written = 0;
            long t0 = System.nanoTime();
            long done = 0;
            try {
                for (long i = from; i < from + sequences; i++) {
                    Sequence s = gen.generate(seed, i);
                    Outcome r = diff.run(s);
                    done++;
                    commands += r.commands();
                    if (r.unsupported() != null) {
                        skipped++;
                        firstSkipped = firstSkipped == null ? r.unsupported() : firstSkipped;
                        continue;
                    }
                    if (r.divergence() == null) {
                        continue;
                    }
                    divergences++;
                    String what = "divergence in sequence " + i + " (" + s.scope() + "): " + DivergenceReport.oneLine(r.divergence());
                    if (written >= shrink) {
                        if (divergences <= shrink + 20) {
                            o.println(what + " (not shrunk)");
                        }
                        continue;
                    }
                    Shrunk sh = diff.shrink(s, r.divergence());
                    Path file = out.resolve("divergence-" + opts.kernel + "-s" + seed + "-" + i + ".md");
                    try {
                        Files.createDirectories(out);
                        Files.writeString(file, DivergenceReport.render(opts.kernel, runLine, sh, r.divergence().step() + 1),
                                StandardCharsets.UTF_8);
                    } catch (IOException e) {
                        err.println(PROG + ": diff: cannot write " + file + ": " + e.getMessage());
                        err.flush();
                        return 2;
                    }
                    written++;
                    o.println(what + ": shrunk to " + sh.sequence().steps().size() + " commands: " + file);
                    o.flush();
                }
            } catch (OracleException e) {
                err.println(PROG + ": diff: sequence " + done + ": " + e.getMessage());
                err.flush();
                return 2;
            } finally {
                diff.close();
            }
            double secs = (System.nanoTime() - t0) / 1e9;
            o.println(done + " sequences, " + commands + " commands, " + divergences + " divergences");
            if (skipped > 0) {
                o.println(skipped + " sequences stopped at a command the oracle cannot run (first: " + firstSkipped + ")");
            }
            o.printf(Locale.ROOT, "kernel %s, seed %d%s: %.1f sequences/s, %.0f commands/s (%.1f s)%n", opts.kernel, seed,
                    from == 0 ? "" : ", sequences " + from + "-" + (from + done - 1),
                    done / Math.max(secs, 1e-9), commands / Math.max(secs, 1e-9), secs);
            o.flush();
            return divergences > 0 ? 1 : 0;
        }
    }

    // ------------------------------------------------------------------ stub

    @Command(name = "stub", mixinStandardHelpOptions = true, versionProvider = Versions.class,
            description = {"Serve the model behind the oracle protocol on stdin and stdout, as a stand-in for the C harness.",
                "Tests use it, and so can anyone trying the Java side without the kernel source."})
    static final class Stub implements Callable<Integer> {
        @Option(names = "--kernel", defaultValue = "6.12", paramLabel = "K", description = "The kernel the model runs as (default ${DEFAULT-VALUE}).")
        String kernel;

        @Option(names = "--plant", paramLabel = "BUG[,BUG]", description = "Plant defects, for a stand-in that diverges on purpose.")
        String plant;

        @Option(names = "--die-after", defaultValue = "-1", paramLabel = "N", hidden = true,
                description = "Exit 70 after N commands, as a crashed harness would (tests).")
        int dieAfter;

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() throws IOException {
            ModelOracle model;
            try {
                model = new ModelOracle(Kernel.parse(kernel), planted(plant));
            } catch (IllegalArgumentException e) {
                spec.commandLine().getErr().println("aplab: oracle stub: " + e.getMessage());
                spec.commandLine().getErr().flush();
                return 2;
            }
            PrintStream stdout = new PrintStream(new java.io.FileOutputStream(java.io.FileDescriptor.out), false, StandardCharsets.UTF_8);
            BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
            return OracleStub.serve(model, in, stdout, dieAfter);
        }
    }
}
