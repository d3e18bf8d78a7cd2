package aplab.snapshot;

import aplab.kernel.Kernel;
import aplab.shell.Session;
import aplab.transcript.Transcript;
import aplab.transcript.TranscriptException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A modelled host from a file: a host snapshot (rebuilt with {@link Rebuild}) or a transcript (its
 * commands run, expected outputs ignored: the host at the transcript's end). The host is kept as
 * the command lines that make it, so that {@link Loaded#session()} gives any number of identical
 * copies: "what would this write do" runs the write on a copy.
 */
public final class HostLoader {
    private HostLoader() {
    }

    /** A loaded host: where it came from, the commands that make it, and (for a snapshot) the findings. */
    public record Loaded(String source, Snapshot snapshot, Rebuild.Plan plan, List<String> commands,
            List<Rebuild.Refusal> refusals, List<String> findings) {

        /** A fresh session in the loaded state (a new copy each call). */
        public Session session() {
            Session s = new Session();
            for (String c : commands) {
                s.execute(c);
            }
            return s;
        }

        public boolean isSnapshot() {
            return snapshot != null;
        }

        /** The guest names the host's running guests get (snapshot: from QEMU's -name). */
        public String guestOf(String uuid) {
            return plan == null ? null : plan.guestNames().get(uuid);
        }
    }

    /** Loads a snapshot or a transcript; {@code kernel} forces the model kernel for a snapshot (or null). */
    public static Loaded load(Path file, Kernel kernel) throws LoadException {
        String name = file.toString();
        String text = aplab.transcript.TextFile.read(file, (f, why) -> new LoadException(f, 0, why));
        return load(name, text, kernel);
    }

    /** Loads snapshot or transcript text. */
    public static Loaded load(String name, String text, Kernel kernel) throws LoadException {
        if (Snapshot.isSnapshot(text)) {
            return fromSnapshot(Snapshot.parse(name, text), kernel);
        }
        Transcript t;
        try {
            t = Transcript.parse(name, text);
        } catch (TranscriptException e) {
            throw new LoadException(e.file(), e.line(), e.getMessage());
        }
        if (t.commands().isEmpty()) {
            throw new LoadException(name, 0, "neither a host snapshot (no '" + Snapshot.HEADER + "' line) nor a transcript "
                    + "with commands (no ```console block with '$ ' lines)");
        }
        List<String> cmds = new ArrayList<>();
        if (kernel != null) {
            cmds.add("aplab kernel " + kernel.release());
        }
        for (Transcript.Command c : t.commands()) {
            cmds.add(c.command());
        }
        return new Loaded(name, null, null, List.copyOf(cmds), List.of(), List.of());
    }

    /** Rebuilds a parsed snapshot and compares. */
    public static Loaded fromSnapshot(Snapshot s, Kernel kernel) {
        Rebuild.Plan plan = Rebuild.plan(s, kernel);
        Session session = new Session();
        List<Rebuild.Refusal> refusals = Rebuild.run(plan, session);
        List<String> findings = Rebuild.findings(s, plan, refusals, session.host());
        return new Loaded(s.name(), s, plan, plan.commands(), refusals, findings);
    }
}
