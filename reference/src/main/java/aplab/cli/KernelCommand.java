package aplab.cli;

import aplab.kernel.Kernel;
import aplab.shell.Versions;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code aplab kernel [--list [-v]] [NAME [--with C]... [--without C]...]}: the kernels the model
 * runs as (the catalogue in {@link aplab.kernel.Commit}, the named kernels in {@link Kernel}).
 */
@Command(name = "kernel", mixinStandardHelpOptions = true, versionProvider = Versions.class,
        description = {"Show the kernels the model runs as, each a named set of upstream commits.",
            "--list (the default) shows each named kernel on one line; -v adds its commits (id, mainline release, upstream title).",
            "NAME shows one kernel; with --with/--without COMMIT, a what-if kernel and the commits it differs in.",
            "Transcripts and shells switch with 'aplab kernel NAME' or --kernel."})
public final class KernelCommand implements Callable<Integer> {
    @Parameters(paramLabel = "NAME", arity = "0..1", completionCandidates = aplab.shell.KernelNames.Candidates.class,
            description = "The kernel: ${COMPLETION-CANDIDATES}.")
    String name;
    @Option(names = "--with", paramLabel = "COMMIT", description = "Add a catalogue commit (and what it needs).")
    List<String> with = new ArrayList<>();
    @Option(names = "--without", paramLabel = "COMMIT", description = "Drop a catalogue commit (and what needs it).")
    List<String> without = new ArrayList<>();
    @Option(names = "--list", description = "List the named kernels.")
    boolean list;
    @Option(names = {"-v", "--verbose"}, description = "With --list: each kernel's commits.")
    boolean verbose;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        if (list || name == null && with.isEmpty() && without.isEmpty()) {
            Kernel.listing(verbose).forEach(out::println);
            out.flush();
            return 0;
        }
        if (name == null) {
            err.println("aplab kernel: --with and --without need a kernel NAME");
            err.flush();
            return 2;
        }
        try {
            Kernel.parse(name, with, without).describe().forEach(out::println);
        } catch (IllegalArgumentException e) {
            err.println("aplab kernel: " + e.getMessage());
            err.flush();
            return 2;
        }
        out.flush();
        return 0;
    }
}
