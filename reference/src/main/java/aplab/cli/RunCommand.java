package aplab.cli;

import aplab.shell.Versions;
import aplab.transcript.Transcript;
import aplab.transcript.TranscriptException;
import aplab.transcript.TranscriptRunner;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code aplab run FILE}: print the transcript with the actual outputs filled in. */
@Command(name = "run", mixinStandardHelpOptions = true, versionProvider = Versions.class,
        description = {"Run a transcript and print it with the actual outputs filled in.",
            "'aplab run f.md > f.md' is the same as 'aplab check --update f.md'."})
public final class RunCommand implements Callable<Integer> {
    @Parameters(paramLabel = "FILE", description = "The transcript file (Markdown).")
    Path file;

    @Option(names = "--kernel", paramLabel = "KERNEL", defaultValue = "mainline",
            completionCandidates = aplab.shell.KernelNames.Candidates.class,
            description = "Start each file's host on this kernel: ${COMPLETION-CANDIDATES} (default ${DEFAULT-VALUE}).")
    String kernel;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;


    @Override
    public Integer call() {
        aplab.kernel.Kernel k = CheckCommand.kernelOrError(kernel, spec);
        if (k == null) {
            return 2;
        }
        Transcript t;
        try {
            t = Transcript.read(file);
        } catch (TranscriptException e) {
            spec.commandLine().getErr().println("aplab: " + e.oneLine());
            return 2;
        }
        spec.commandLine().getOut().print(TranscriptRunner.run(t, k).actual());
        spec.commandLine().getOut().flush();
        return 0;
    }
}
