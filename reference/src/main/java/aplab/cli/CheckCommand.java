package aplab.cli;

import aplab.shell.Versions;
import aplab.transcript.Transcript;
import aplab.transcript.TranscriptException;
import aplab.transcript.TranscriptRunner;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.function.Function;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code aplab check [--update] FILE...}: run transcripts and compare their outputs. */
@Command(name = "check", mixinStandardHelpOptions = true, versionProvider = Versions.class,
        description = {"Run each transcript on a fresh host and compare what every command printed with the file.",
            "Prints a unified diff for each file that differs, then 'N passed, N failed'.",
            "Exit status: 0 all match, 1 some differ, 2 a file is not a readable transcript."})
public final class CheckCommand implements Callable<Integer> {
    @Option(names = "--update", description = "Rewrite the files that differ with what was printed (never in CI).")
    boolean update;

    @Parameters(paramLabel = "FILE", arity = "1..*", description = "The transcript files (Markdown).")
    List<Path> files;

    @Option(names = "--kernel", paramLabel = "KERNEL", defaultValue = "mainline",
            completionCandidates = aplab.shell.KernelNames.Candidates.class,
            description = "Start each file's host on this kernel: ${COMPLETION-CANDIDATES} (default ${DEFAULT-VALUE}).")
    String kernel;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    /** A --kernel value as a kernel, or null after a one-line error naming the command. */
    static aplab.kernel.Kernel kernelOrError(String kernel, CommandLine.Model.CommandSpec spec) {
        try {
            return aplab.kernel.Kernel.parse(kernel);
        } catch (IllegalArgumentException e) {
            spec.commandLine().getErr().println("aplab: " + spec.name() + ": " + e.getMessage());
            spec.commandLine().getErr().flush();
            return null;
        }
    }

    @Override
    public Integer call() {
        aplab.kernel.Kernel k = CheckCommand.kernelOrError(kernel, spec);
        if (k == null) {
            return 2;
        }
        return check(files, update, t -> TranscriptRunner.run(t, k), "aplab", () -> { },
                spec.commandLine().getOut(), spec.commandLine().getErr());
    }

    /**
     * Checks each file with {@code runner} (a fresh host per file): a unified diff per differing
     * file, then {@code N passed, N failed}; returns the exit status (0 all match, 1 some differ,
     * 2 a file is not a readable transcript). A runner that cannot run a file returns null (it says
     * why itself, e.g. the kernel oracle's "not runnable" list, printed by {@code beforeSummary});
     * such a file is neither passed nor failed. {@code prog} prefixes the one-line errors.
     */
    public static int check(List<Path> files, boolean update, Function<Transcript, TranscriptRunner.Result> runner,
            String prog, Runnable beforeSummary, PrintWriter out, PrintWriter err) {
        int passed = 0;
        int failed = 0;
        boolean unreadable = false;
        for (Path f : files) {
            Transcript t;
            try {
                t = Transcript.read(f);
            } catch (TranscriptException e) {
                err.println(prog + ": " + e.oneLine());
                err.flush();
                unreadable = true;
                failed++;
                continue;
            }
            TranscriptRunner.Result r = runner.apply(t);
            if (r == null) {
                continue;
            }
            if (r.passed()) {
                passed++;
                continue;
            }
            if (update) {
                try {
                    Files.writeString(f, r.actual(), StandardCharsets.UTF_8);
                    out.println("updated " + f);
                    passed++;
                } catch (IOException e) {
                    err.println(prog + ": " + f + ": cannot write: " + e.getMessage());
                    failed++;
                }
                continue;
            }
            r.diff().forEach(out::println);
            failed++;
        }
        beforeSummary.run();
        out.println(passed + " passed, " + failed + " failed");
        out.flush();
        return unreadable ? 2 : failed > 0 ? 1 : 0;
    }
}
