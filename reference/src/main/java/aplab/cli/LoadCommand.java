package aplab.cli;

import aplab.kernel.Kernel;
import aplab.shell.KernelNames;
import aplab.shell.Session;
import aplab.shell.Versions;
import aplab.snapshot.HostLoader;
import aplab.snapshot.LoadException;
import aplab.snapshot.Rebuild;
import aplab.snapshot.Snapshot;
import aplab.snapshot.SysfsImage;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine;

/** {@code aplab load SNAPSHOT}: rebuild a real host's snapshot on the model and compare. */
@Command(name = "load", mixinStandardHelpOptions = true, versionProvider = Versions.class,
        description = {"Rebuild a real host's snapshot (tools/capture-host) on the model and report disagreements.",
            "Where the host's guest_matrix, queue drivers or statuses differ from what the model computes, that is a"
                + " conformance finding.",
            "Exit status: 0 the model agrees, 1 findings, 2 unreadable file."})
public final class LoadCommand implements Callable<Integer> {
    @Parameters(paramLabel = "SNAPSHOT", description = "A snapshot file (tools/capture-host -o FILE).")
    Path file;

    @Option(names = "--kernel", paramLabel = "KERNEL", completionCandidates = KernelNames.Candidates.class,
            description = "Model this kernel (${COMPLETION-CANDIDATES}) instead of the one the snapshot's release suggests.")
    String kernel;

    @Option(names = "--transcript", description = "Print the rebuild as a transcript (the snapshot, the commands, what the model shows).")
    boolean transcript;

    @Option(names = "--sysfs-image", paramLabel = "DIR", description = "Also write the rebuilt host's sysfs under DIR (DIR/sys/..., a fake tree for the shell tools).")
    Path image;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        Kernel k;
        try {
            k = kernel == null ? null : Kernel.parse(kernel);
        } catch (IllegalArgumentException e) {
            err.println("aplab: load: " + e.getMessage());
            return 2;
        }
        Snapshot s;
        try {
            s = Snapshot.read(file);
        } catch (LoadException e) {
            err.println("aplab: " + e.oneLine());
            return 2;
        }
        HostLoader.Loaded l = HostLoader.fromSnapshot(s, k);
        if (image != null) {
            if (Files.exists(image) && (!Files.isDirectory(image) || Files.list(image).findAny().isPresent())) {
                err.println("aplab: load: --sysfs-image " + image + ": must be a new or empty directory");
                return 2;
            }
            SysfsImage.of(l.session().host()).writeTo(image);
        }
        if (transcript) {
            String text;
            try {
                text = aplab.transcript.TextFile.read(file, (f, why) -> new LoadException(f, 0, why));
            } catch (LoadException e) {
                err.println("aplab: " + e.oneLine());
                return 2;
            }
            out.print(transcript(file.getFileName().toString(), text, l));
        } else {
            report(out, l);
        }
        out.flush();
        return l.findings().isEmpty() ? 0 : 1;
    }

    static void report(PrintWriter out, HostLoader.Loaded l) {
        Snapshot s = l.snapshot();
        out.println("snapshot " + l.source() + ": kernel " + s.kernel() + ", modelled as Linux " + l.plan().kernel().release()
                + " (" + l.plan().kernelReason() + ")");
        out.println("host: " + Rebuild.summary(s));
        out.println("rebuilt with " + l.commands().size() + " commands ('aplab load --transcript " + l.source()
                + "' prints them; 'aplab shell --from " + l.source() + "' gives a shell on it)");
        for (String n : l.plan().notes()) {
            out.println("note: " + n);
        }
        for (String f : l.findings()) {
            out.println("conformance finding: " + f);
        }
        if (l.findings().isEmpty()) {
            out.println("the model agrees with the host: every mdev's matrix, guest_matrix and control_domains, every card's "
                    + "and queue's config, every queue's driver and status");
        } else {
            out.println(l.findings().size() + " conformance finding" + (l.findings().size() == 1 ? "" : "s")
                    + ": where the model and the host disagree (a model defect, or host state that depends on history)");
        }
    }

    /** The rebuild as a Markdown transcript (what the golden real-host-snapshot.md holds). */
    static String transcript(String name, String snapshotText, HostLoader.Loaded l) {
        List<String> cmds = new ArrayList<>(l.commands());
        if (!cmds.isEmpty() && cmds.get(cmds.size() - 1).equals("cd /")) {
            cmds.remove(cmds.size() - 1);
        }
        for (Snapshot.Mdev m : l.snapshot().mdevs()) {
            cmds.add("cat " + m.uuid() + "/guest_matrix");
        }
        for (Snapshot.Mdev m : l.snapshot().mdevs()) {
            if (m.inUse()) {
                cmds.add("aplab guest show " + l.guestOf(m.uuid()));
            }
        }
        StringBuilder b = new StringBuilder();
        Snapshot s = l.snapshot();
        b.append("# Host snapshot ").append(name).append(" rebuilt on the model\n\n");
        b.append("`aplab load --transcript ").append(name).append("` wrote this file. The snapshot, taken by\n");
        b.append("`tools/capture-host` on a host running ").append(s.kernel()).append(", modelled as Linux ")
                .append(l.plan().kernel().release()).append(":\n\n");
        b.append("```text\n").append(snapshotText.endsWith("\n") ? snapshotText : snapshotText + "\n").append("```\n\n");
        b.append("The commands that rebuild it on the model (masks as absolute values, every mdev assigned in\n");
        b.append("ascending order, a guest started for every mdev in use), then what the model computes:\n\n");
        b.append("```console\n");
        Session session = new Session();
        for (String c : cmds) {
            b.append("$ ").append(c).append('\n');
            for (String o : session.execute(c)) {
                b.append(o).append('\n');
            }
        }
        b.append("```\n\n");
        if (l.findings().isEmpty()) {
            b.append("Conformance: the model agrees with the host on every mdev's `matrix`, `guest_matrix` and\n");
            b.append("`control_domains`, every card's and queue's `config` and every queue's driver and `status`.\n");
        } else {
            b.append("Conformance findings (the host and the model disagree):\n\n");
            for (String f : l.findings()) {
                b.append("- ").append(f).append('\n');
            }
        }
        return b.toString();
    }
}
