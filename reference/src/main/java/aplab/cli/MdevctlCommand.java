package aplab.cli;

import aplab.kernel.Kernel;
import aplab.mdevctl.MdevctlDefinition;
import aplab.mdevctl.MdevctlStart;
import aplab.shell.KernelNames;
import aplab.shell.Session;
import aplab.shell.Versions;
import aplab.snapshot.HostLoader;
import aplab.snapshot.LoadException;
import aplab.vfioap.MatrixMdev;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine;

/** {@code aplab mdevctl start|list|show|dump}: mdevctl's definitions of vfio_ap-passthrough mdevs on the model. */
@Command(name = "mdevctl", mixinStandardHelpOptions = true, versionProvider = Versions.class,
        description = "Start, list, show or write mdevctl's JSON definitions of vfio_ap-passthrough mdevs on a modelled host.",
        subcommands = {MdevctlCommand.Start.class, MdevctlCommand.ListCmd.class, MdevctlCommand.Show.class, MdevctlCommand.Dump.class})
public final class MdevctlCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getOut());
        return 2;
    }

    static HostLoader.Loaded base(Path on, String kernel, PrintWriter err) {
        Kernel k = kernel == null ? null : Kernel.parse(kernel);
        if (on == null) {
            return new HostLoader.Loaded("(a fresh host)", null, null, k == null ? List.of() : List.of("aplab kernel " + k.release()),
                    List.of(), List.of());
        }
        try {
            return HostLoader.load(on, k);
        } catch (LoadException e) {
            err.println("aplab: " + e.oneLine());
            return null;
        }
    }

    @Command(name = "start", mixinStandardHelpOptions = true, versionProvider = Versions.class,
            description = {"Start an mdevctl definition on a modelled host as 'mdevctl start' does.",
                "Like mdevctl with s390-tools installed, it first runs the ap-check callout (a refusal creates nothing),"
                    + " then creates the mdev and writes each attribute in order; the first refusal removes the"
                    + " device and fails. Prints what mdevctl prints, then aplab's explanation (lines 'aplab: ...').",
                "Exit status: mdevctl's (0 or 1); 2 for unreadable input."})
    static final class Start implements Callable<Integer> {
        @Parameters(paramLabel = "FILE", description = "A definition (/etc/mdevctl.d/matrix/UUID, a --jsonfile) or 'mdevctl list --dumpjson' output.")
        Path file;

        @Option(names = "--on", paramLabel = "HOST", description = "The host: a transcript (as at its end) or a snapshot (default: a fresh host).")
        Path on;

        @Option(names = "--uuid", paramLabel = "UUID", description = "The device's UUID (for a bare definition not named by its UUID).")
        String uuid;

        @Option(names = "--parent", paramLabel = "PARENT", description = "The parent device (default matrix).")
        String parent;

        @Option(names = "--kernel", paramLabel = "KERNEL", completionCandidates = KernelNames.Candidates.class, description = "Model this kernel: ${COMPLETION-CANDIDATES}.")
        String kernel;

        @Option(names = "--writes", description = "Also print each sysfs write mdevctl made, as transcript lines.")
        boolean writes;

        @Option(names = "--no-callout", description = "Start as mdevctl does without s390-tools' ap-check callout installed.")
        boolean noCallout;

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            PrintWriter err = spec.commandLine().getErr();
            List<MdevctlDefinition.Device> devs;
            try {
                devs = MdevctlDefinition.read(file, uuid, parent);
            } catch (LoadException e) {
                err.println("aplab: " + e.oneLine());
                return 2;
            }
            HostLoader.Loaded l;
            try {
                l = base(on, kernel, err);
            } catch (IllegalArgumentException e) {
                err.println("aplab: mdevctl start: " + e.getMessage());
                return 2;
            }
            if (l == null) {
                return 2;
            }
            Session session = l.session();
            List<String> done = new ArrayList<>(l.commands());
            int status = 0;
            for (MdevctlDefinition.Device d : devs) {
                if (devs.size() > 1) {
                    out.println("# mdevctl start -u " + d.uuid() + " -p " + d.parent() + " --jsonfile " + file.getFileName());
                }
                MdevctlStart.Result r = MdevctlStart.start(session, done, d, !noCallout);
                if (writes) {
                    for (MdevctlStart.Write w : r.writes()) {
                        out.println("$ " + w.command());
                        w.shellOutput().forEach(out::println);
                    }
                }
                r.mdevctl().forEach(out::println);
                r.aplab().forEach(a -> out.println("aplab: " + a));
                for (MdevctlStart.Write w : r.writes()) {
                    done.add(w.command());
                }
                status = Math.max(status, r.status());
            }
            out.flush();
            return status;
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, versionProvider = Versions.class,
            description = {"List a modelled host's active mdevs as 'mdevctl list' does.",
                "With --dumpjson and -u naming one device, the bare definition (no UUID, no parent), which"
                    + " can be saved as /etc/mdevctl.d/matrix/UUID; otherwise every device under its parent."
                    + " mdevctl writes the JSON without a final newline; aplab ends it with one."})
    static final class ListCmd implements Callable<Integer> {
        @Parameters(paramLabel = "HOST", arity = "0..1", description = "A transcript (as at its end) or a snapshot (default: a fresh host).")
        Path host;

        @Option(names = {"-u", "--uuid"}, paramLabel = "UUID", description = "Only this device.")
        String uuid;

        @Option(names = {"-p", "--parent"}, paramLabel = "PARENT", description = "Only devices of this parent (vfio_ap's is matrix).")
        String parent;

        @Option(names = "--dumpjson", description = "Print JSON, as 'mdevctl list --dumpjson'.")
        boolean dumpjson;

        @Option(names = {"-v", "--verbose"}, description = "Print each device's attributes too.")
        boolean verbose;

        @Option(names = "--no-callout", description = "List as mdevctl does without s390-tools' ap-check callout (no attributes).")
        boolean noCallout;

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            PrintWriter err = spec.commandLine().getErr();
            String u = uuid == null ? null : MdevctlDefinition.uuidOrNull(uuid);
            if (uuid != null && u == null) {
                err.println("aplab: mdevctl list: invalid UUID '" + uuid + "' (mdevctl refuses it too: a UUID is 32 hex digits, hyphenated or not)");
                return 2;
            }
            HostLoader.Loaded l = base(host, null, err);
            if (l == null) {
                return 2;
            }
            List<MdevctlDefinition.Device> devs = MdevctlStart.listActive(l.session(), u, parent, !noCallout);
            if (!dumpjson) {
                for (MdevctlDefinition.Device d : devs) {
                    MdevctlDefinition.toText(List.of(d)).stream().limit(verbose ? Long.MAX_VALUE : 1).forEach(out::println);
                }
            } else if (uuid == null || devs.size() > 1) {
                out.println(MdevctlDefinition.toListJson(devs));
            } else {
                out.println(devs.isEmpty() ? "[]" : MdevctlDefinition.toJson(devs.get(0)));
            }
            out.flush();
            return 0;
        }
    }

    @Command(name = "show", mixinStandardHelpOptions = true, versionProvider = Versions.class,
            description = "Read a definition file as mdevctl does and print it as 'mdevctl list -d -v' would.")
    static final class Show implements Callable<Integer> {
        @Parameters(paramLabel = "FILE", description = "A definition or 'mdevctl list --dumpjson' output.")
        Path file;

        @Option(names = "--uuid", paramLabel = "UUID", description = "The device's UUID (for a bare definition).")
        String uuid;

        @Option(names = "--parent", paramLabel = "PARENT", description = "The parent device (default matrix).")
        String parent;

        @Option(names = "--json", description = "Print it as 'mdevctl list -d --dumpjson' would.")
        boolean json;

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() {
            try {
                List<MdevctlDefinition.Device> devs = MdevctlDefinition.read(file, uuid, parent);
                if (json) {
                    spec.commandLine().getOut().println(MdevctlDefinition.toListJson(devs));
                } else {
                    MdevctlDefinition.toText(devs).forEach(spec.commandLine().getOut()::println);
                }
                spec.commandLine().getOut().flush();
                return 0;
            } catch (LoadException e) {
                spec.commandLine().getErr().println("aplab: " + e.oneLine());
                return 2;
            }
        }
    }

    @Command(name = "dump", mixinStandardHelpOptions = true, versionProvider = Versions.class,
            description = {"Write a modelled host's mdevs as mdevctl definitions.",
                "All of them as 'mdevctl list -d --dumpjson' prints them, or one (--mdev) as"
                    + " /etc/mdevctl.d/matrix/UUID holds it."})
    static final class Dump implements Callable<Integer> {
        @Parameters(paramLabel = "HOST", description = "A transcript (as at its end) or a host snapshot.")
        Path host;

        @Option(names = "--mdev", paramLabel = "UUID", description = "Write only this mdev, as a bare definition.")
        String mdev;

        @Option(names = "--auto", description = "Write \"start\": \"auto\" (default manual).")
        boolean auto;

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            PrintWriter err = spec.commandLine().getErr();
            HostLoader.Loaded l = base(host, null, err);
            if (l == null) {
                return 2;
            }
            Session s = l.session();
            if (mdev != null) {
                MdevctlDefinition.Device d = MdevctlStart.fromModel(s.host(), mdev, auto);
                if (d == null) {
                    err.println("aplab: mdevctl dump: no mdev " + mdev + " on " + host);
                    return 2;
                }
                out.println(MdevctlDefinition.toJson(d));
            } else {
                List<MdevctlDefinition.Device> devs = new ArrayList<>();
                List<MatrixMdev> mdevs = new ArrayList<>(s.host().vfioAp().mdevs());
                mdevs.sort((a, b) -> a.uuid().compareTo(b.uuid()));
                for (MatrixMdev m : mdevs) {
                    devs.add(MdevctlStart.fromModel(s.host(), m.uuid(), auto));
                }
                out.println(MdevctlDefinition.toListJson(devs));
            }
            out.flush();
            return 0;
        }
    }
}
