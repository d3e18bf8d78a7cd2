package aplab.explore;

import aplab.check.HostOp;
import aplab.check.Invariants;
import aplab.kernel.Kernel;
import aplab.kernel.PlantedBug;
import aplab.shell.Session;
import aplab.transcript.Transcript;
import aplab.transcript.TranscriptException;
import aplab.transcript.TranscriptRunner;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * A path to a state that breaks an invariant: the operations from the start state (and, for an
 * interleaving, the two concurrent operations and the schedule), and what broke. It renders as a
 * transcript (shared/spec/transcript.md) that {@code aplab check} runs: the start state's setup and
 * the path as {@code $} commands with the outputs the explored model printed, then reads that show
 * the broken state. A concurrent counterexample's last two operations cannot run concurrently in a
 * transcript: they appear as comments with the schedule and the {@code aplab explore --replay}
 * command that re-runs that interleaving.
 */
public final class Counterexample {
    private final Explorer.Options options;
    private final List<HostOp> alphabet;
    private final int[] path;
    private final int concurrentA;
    private final int concurrentB;
    private final List<Integer> choices;
    private final Interleaver.Execution execution;
    private final List<Invariants.Violation> violations;

    private Counterexample(Explorer.Options options, List<HostOp> alphabet, int[] path, int a, int b,
            List<Integer> choices, Interleaver.Execution execution, List<Invariants.Violation> violations) {
        this.options = options;
        this.alphabet = alphabet;
        this.path = path.clone();
        this.concurrentA = a;
        this.concurrentB = b;
        this.choices = choices == null ? null : List.copyOf(choices);
        this.execution = execution;
        this.violations = List.copyOf(violations);
    }

    static Counterexample sequential(Explorer.Options o, List<HostOp> alphabet, int[] path,
            List<Invariants.Violation> v) {
        return new Counterexample(o, alphabet, path, -1, -1, null, null, v);
    }

    static Counterexample interleaved(Explorer.Options o, List<HostOp> alphabet, int[] root, int a, int b,
            List<Integer> choices, Interleaver.Execution e, List<Invariants.Violation> v) {
        return new Counterexample(o, alphabet, root, a, b, choices, e, v);
    }

    public boolean concurrent() {
        return concurrentA >= 0;
    }

    /** Operations from the start state (the concurrent pair counts as two). */
    public int length() {
        return path.length + (concurrent() ? 2 : 0);
    }

    public List<Invariants.Violation> violations() {
        return violations;
    }

    /** The commands from the start state, in order. */
    public List<String> commands() {
        List<String> out = new ArrayList<>();
        for (int p : path) {
            out.add(alphabet.get(p).command());
        }
        return out;
    }

    String sortKey() {
        StringBuilder b = new StringBuilder(String.format("%03d", path.length));
        for (int p : path) {
            b.append(String.format("|%03d", p));
        }
        return b.append(String.format("#%03d#%03d", concurrentA, concurrentB)).toString();
    }

    /** The {@code --replay} argument that re-runs this interleaving. */
    public String replayArgument() {
        if (!concurrent()) {
            return null;
        }
        String root = java.util.Arrays.stream(path).mapToObj(Integer::toString).collect(Collectors.joining(","));
        return root + "/" + concurrentA + "," + concurrentB + "/"
                + choices.stream().map(Object::toString).collect(Collectors.joining(","));
    }

    private String plantFlag() {
        return options.planted().isEmpty() ? "" : " --plant " + plantList();
    }

    private String plantList() {
        return options.planted().stream().map(p -> p.name().toLowerCase(Locale.ROOT)).sorted()
                .collect(Collectors.joining(","));
    }

    /** The {@code aplab explore} command line that finds it. */
    public String commandLine() {
        return "aplab explore --depth " + options.depth() + " --concurrent-depth " + options.concurrentDepth()
                + " --preemptions " + options.preemptions() + " --kernel " + options.version().release() + plantFlag()
                + (options.concurrentOps().isEmpty() ? "" : " --concurrent-ops " + options.concurrentOps().stream().sorted()
                        .map(Object::toString).collect(Collectors.joining(",")));
    }

    /** Lines describing it (for the console). */
    public List<String> describe() {
        List<String> out = new ArrayList<>();
        out.add("counterexample (" + length() + " operation(s) from the start state):");
        for (String c : commands()) {
            out.add("  $ " + c);
        }
        if (concurrent()) {
            out.add("  concurrently A: " + alphabet.get(concurrentA).command());
            out.add("           and B: " + alphabet.get(concurrentB).command());
            out.add("  schedule (each step runs to the next lock acquisition):");
            execution.steps().forEach(s -> out.add("    " + s));
            out.add("  replay: aplab explore --kernel " + options.version().release() + plantFlag() + " --preemptions "
                    + options.preemptions() + " --replay " + replayArgument());
        }
        for (Invariants.Violation v : violations) {
            out.add("  broken: " + v.toString().replace("\n", "\n    "));
        }
        return out;
    }

    /**
     * The transcript. Outputs are recorded by running the commands in a {@link Session} on a host
     * with the same kernel and planted bugs, so {@code aplab check} on the file passes on this model
     * (with {@code -Daplab.plant=...} for planted bugs) and fails where a model differs.
     */
    public String transcript() {
        List<String> cmds = new ArrayList<>();
        if (options.version() != Kernel.MAINLINE) {
            cmds.add("aplab kernel " + options.version().release());
        }
        Space.setup().forEach(op -> cmds.add(op.command()));
        cmds.addAll(commands());
        List<String> evidence = new ArrayList<>();
        for (String u : List.of(Space.U1, Space.U2)) {
            evidence.add("cat /sys/devices/vfio_ap/matrix/" + u + "/matrix");
            evidence.add("cat /sys/devices/vfio_ap/matrix/" + u + "/guest_matrix");
        }
        evidence.add("aplab guest show " + Space.GUEST);
        evidence.add("ls /sys/bus/ap/drivers/vfio_ap");
        evidence.add("cat /sys/bus/ap/apmask");
        StringBuilder md = new StringBuilder();
        md.append("# Counterexample found by aplab explore\n\n");
        md.append("`").append(commandLine()).append("` found a state that breaks ")
                .append(violations.stream().map(Invariants.Violation::invariant).distinct().collect(Collectors.joining(", ")))
                .append(" after ").append(length()).append(" operation(s) from its start state (the first ")
                .append(Space.setup().size()).append(" commands below):\n\n");
        for (Invariants.Violation v : violations) {
            md.append("- `").append(v.invariant()).append("`: ").append(v.detail().split("\n")[0]).append('\n');
        }
        md.append('\n');
        if (!options.planted().isEmpty()) {
            md.append("The outputs were recorded on the model with the planted bug(s) ").append(plantList())
                    .append(". `aplab check` this file with `-Daplab.plant=").append(plantList())
                    .append("` to see it pass; on the correct model it fails where the bug shows.\n\n");
        }
        if (concurrent()) {
            md.append("The last two operations ran concurrently. A transcript runs commands one after the other, so\n"
                    + "they are comments below; `aplab explore --kernel " + options.version().release() + plantFlag()
                    + " --preemptions " + options.preemptions() + " --replay " + replayArgument()
                    + "` re-runs that schedule.\n\n");
        }
        md.append("```console\n");
        List<List<String>> outs = record(cmds, evidence);
        for (int i = 0; i < cmds.size(); i++) {
            md.append("$ ").append(cmds.get(i)).append('\n');
            outs.get(i).forEach(l -> md.append(l).append('\n'));
        }
        if (concurrent()) {
            md.append("# concurrently, A: ").append(alphabet.get(concurrentA).command()).append('\n');
            md.append("#          and B: ").append(alphabet.get(concurrentB).command()).append('\n');
            md.append("# schedule, each step runs to the next lock acquisition:\n");
            execution.steps().forEach(s -> md.append("#   ").append(s).append('\n'));
            md.append("# A -> ").append(execution.outcomeA()).append(", B -> ").append(execution.outcomeB()).append('\n');
        } else {
            for (int i = 0; i < evidence.size(); i++) {
                md.append("$ ").append(evidence.get(i)).append('\n');
                outs.get(cmds.size() + i).forEach(l -> md.append(l).append('\n'));
            }
        }
        md.append("```\n");
        return md.toString();
    }

    private List<List<String>> record(List<String> cmds, List<String> evidence) {
        return withPlanted(() -> {
            Session s = new Session();
            List<List<String>> outs = new ArrayList<>();
            for (String c : cmds) {
                outs.add(s.execute(c));
            }
            for (String c : evidence) {
                outs.add(s.execute(c));
            }
            return outs;
        });
    }

    /** Whether {@code aplab check} passes on the transcript with this model and these planted bugs. */
    public boolean transcriptChecks() {
        String text = transcript();
        return withPlanted(() -> {
            try {
                return TranscriptRunner.run(Transcript.parse("counterexample.md", text)).passed();
            } catch (TranscriptException e) {
                return false;
            }
        });
    }

    private static final Object PROPERTY_LOCK = new Object();

    private <T> T withPlanted(java.util.function.Supplier<T> body) {
        synchronized (PROPERTY_LOCK) {
            String old = System.getProperty("aplab.plant");
            try {
                if (options.planted().isEmpty()) {
                    System.clearProperty("aplab.plant");
                } else {
                    System.setProperty("aplab.plant", plantList());
                }
                return body.get();
            } finally {
                if (old == null) {
                    System.clearProperty("aplab.plant");
                } else {
                    System.setProperty("aplab.plant", old);
                }
            }
        }
    }

    /** The planted bugs named on a command line ({@code skip_sharing_check,...}). */
    public static java.util.Set<PlantedBug> parsePlanted(String list) {
        java.util.Set<PlantedBug> out = java.util.EnumSet.noneOf(PlantedBug.class);
        if (list == null || list.isBlank()) {
            return out;
        }
        for (String s : list.split(",")) {
            out.add(PlantedBug.valueOf(s.trim().toUpperCase(Locale.ROOT)));
        }
        return out;
    }
}
