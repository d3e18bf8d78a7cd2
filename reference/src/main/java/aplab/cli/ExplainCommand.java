package aplab.cli;

import aplab.ap.Apqn;
import aplab.explain.Explainer;
import aplab.explain.WhatIf;
import aplab.kernel.Kernel;
import aplab.shell.KernelNames;
import aplab.shell.Session;
import aplab.shell.Versions;
import aplab.snapshot.HostLoader;
import aplab.snapshot.LoadException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine;

/** {@code aplab explain FILE}: why each APQN is or is not in the guest. */
@Command(name = "explain", mixinStandardHelpOptions = true, versionProvider = Versions.class,
        description = {"Explain why each APQN of each mdev is or is not in the guest.",
            "For a transcript (as at its end) or a snapshot from tools/capture-host: for each mdev and each APQN of"
                + " its matrix, whether the guest gets it and, if not, the first reason.",
            "With --apqn: which mdev holds an APQN. With --apmask, --aqmask or --try: what that write would do, run on"
                + " a copy of the host."})
public final class ExplainCommand implements Callable<Integer> {
    @Parameters(paramLabel = "FILE", description = "A transcript (Markdown) or a host snapshot.")
    Path file;

    @Option(names = "--mdev", paramLabel = "UUID", description = "Explain only this mdev.")
    String mdev;

    @Option(names = "--apqn", paramLabel = "XX.YYYY", description = "Show which mdev holds this APQN, and why the guest has it or not (repeatable).")
    List<String> apqns = new ArrayList<>();

    @Option(names = "--apmask", paramLabel = "VALUE", description = "Show what 'echo VALUE > /sys/bus/ap/apmask' would do.")
    String apmask;

    @Option(names = "--aqmask", paramLabel = "VALUE", description = "Show what 'echo VALUE > /sys/bus/ap/aqmask' would do.")
    String aqmask;

    @Option(names = "--try", paramLabel = "COMMAND", description = "Show what a transcript command would do, e.g. 'echo 5 > /sys/devices/vfio_ap/matrix/UUID/unassign_adapter' (repeatable).")
    List<String> tries = new ArrayList<>();

    @Option(names = "--kernel", paramLabel = "KERNEL", completionCandidates = KernelNames.Candidates.class, description = "Model this kernel: ${COMPLETION-CANDIDATES}.")
    String kernel;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        Kernel k;
        try {
            k = kernel == null ? null : Kernel.parse(kernel);
        } catch (IllegalArgumentException e) {
            err.println("aplab: explain: " + e.getMessage());
            return 2;
        }
        HostLoader.Loaded l;
        try {
            l = HostLoader.load(file, k);
        } catch (LoadException e) {
            err.println("aplab: " + e.oneLine());
            return 2;
        }
        List<Apqn> parsed = new ArrayList<>();
        for (String a : apqns) {
            Apqn q = Apqn.parse(a.toLowerCase(Locale.ROOT));
            if (q == null) {
                err.println("aplab: explain: --apqn " + a + ": an APQN is XX.YYYY in hex (05.0047)");
                return 2;
            }
            parsed.add(q);
        }
        Session session = l.session();
        if (mdev != null && session.host().vfioAp().mdevs().stream().noneMatch(m -> m.uuid().equalsIgnoreCase(mdev))) {
            err.println("aplab: explain: --mdev " + mdev + ": no such mdev (the mdevs: " + String.join(", ",
                    session.host().vfioAp().mdevs().stream().map(m -> m.uuid()).sorted().toList()) + ")");
            return 2;
        }
        if (l.isSnapshot()) {
            out.println("host: snapshot " + file.getFileName() + " of kernel " + l.snapshot().kernel() + ", modelled as Linux "
                    + l.plan().kernel().release() + (l.findings().isEmpty() ? ""
                            : " (the model disagrees with the host in " + l.findings().size() + " place"
                            + (l.findings().size() == 1 ? "" : "s") + ": see aplab load " + file.getFileName() + ")"));
        } else {
            out.println("host: " + file.getFileName() + " at its end (Linux " + session.host().version().release() + ")");
        }
        Explainer ex = new Explainer(session, l::session);
        if (l.isSnapshot()) {
            java.util.Map<String, List<String>> host = new java.util.HashMap<>();
            l.snapshot().mdevs().forEach(m -> host.put(m.uuid(), m.matrix()));
            ex.withHostMatrices(host);
        }
        List<String> what = new ArrayList<>(tries);
        if (apmask != null) {
            what.add(0, "echo " + apmask + " > /sys/bus/ap/apmask");
        }
        if (aqmask != null) {
            what.add(apmask == null ? 0 : 1, "echo " + aqmask + " > /sys/bus/ap/aqmask");
        }
        if (parsed.isEmpty() && what.isEmpty()) {
            ex.explain(mdev).forEach(out::println);
        }
        for (Apqn q : parsed) {
            ex.apqn(q).forEach(out::println);
        }
        for (String w : what) {
            WhatIf.run(l::session, w).forEach(out::println);
        }
        out.flush();
        return 0;
    }
}
