package aplab.oracle;

import aplab.oracle.Sequences.Sequence;
import aplab.oracle.Sequences.Step;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Differential testing: one operation sequence run on the real driver (an {@link Oracle} process)
 * and on the model ({@link ModelOracle}), each from a fresh host, compared command by command:
 * every command's output (which carries the errno of a refused write), after every command that
 * can change state {@code aplab guest show} of each guest started so far and the queue resets
 * (ZAPQ) issued, in issue order. The first difference ends the sequence. A divergence is shrunk by
 * delta debugging ({@link #shrink}) to a minimal sequence that still diverges the same way.
 *
 * <p>The oracle may die or hang on a sequence (a crash in the real code or the harness): that is
 * a divergence of kind {@link Kind#CRASH}; the oracle is started again for the next sequence.
 */
public final class Differential {
    /** How a sequence diverged. */
    public enum Kind {
        /** a command printed something else (its output or its errno). */
        OUTPUT,
        /** after the command, {@code aplab guest show} differs (the guest's CRYCB). */
        GUEST,
        /** after the command, the queue resets differ (which queues, or their order). */
        RESETS,
        /** the oracle died or hung on the command. */
        CRASH
    }

    /** Where and how a run diverged; {@code real}/{@code model} are the two answers compared. */
    public record Divergence(Kind kind, int step, String command, List<String> real, List<String> model) {
    }

    /**
     * One run of a sequence: the commands sent to each side, the first divergence (or null), the
     * first command the oracle does not support (or null: the run then stopped there), and what
     * the oracle printed for each step run.
     */
    public record Outcome(int commands, Divergence divergence, String unsupported, List<List<String>> realOutputs) {
    }

    /** Starts (or restarts, after a crash) the oracle. */
    @FunctionalInterface
    public interface OracleFactory {
        Oracle start() throws OracleException;
    }

    /** Consecutive crashes after which the oracle is taken to be broken, not the sequences. */
    static final int MAX_CONSECUTIVE_CRASHES = 3;
    /** Runs one shrink may spend. */
    static final int SHRINK_BUDGET = 600;

    private final OracleFactory factory;
    private final Oracle model;
    private Oracle real;
    private int consecutiveCrashes;
    private String lastCrash;

    public Differential(OracleFactory factory, Oracle model) throws OracleException {
        this.factory = factory;
        this.model = model;
        this.real = factory.start();
    }

    /** The oracle process now running (it changes after a crash). */
    public Oracle real() {
        return real;
    }

    /**
     * Runs one sequence on both sides. Throws only when the oracle cannot be (re)started or has
     * crashed on {@value #MAX_CONSECUTIVE_CRASHES} sequences in a row.
     */
    public Outcome run(Sequence s) throws OracleException {
        List<List<String>> realOut = new ArrayList<>();
        int commands = 0;
        int step = -1;
        String command = "@@reset@@";
        try {
            real.reset();
            real.resets();
            model.reset();
            model.resets();
            Set<String> guests = new LinkedHashSet<>();
            for (step = 0; step < s.steps().size(); step++) {
                Step st = s.steps().get(step);
                command = st.command();
                List<String> a = real.execute(command);
                commands++;
                if (Oracle.notSupported(a)) {
                    consecutiveCrashes = 0;
                    return new Outcome(commands, null, command, realOut);
                }
                realOut.add(a);
                List<String> b = model.execute(command);
                if (!a.equals(b)) {
                    return ok(new Outcome(commands, new Divergence(Kind.OUTPUT, step, command, a, b), null, realOut));
                }
                if (!st.mutating()) {
                    continue;
                }
                for (String g : s.guests()) {
                    if (command.startsWith("aplab guest start " + g + " ")) {
                        guests.add(g);
                    }
                }
                for (String g : guests) {
                    command = "aplab guest show " + g;
                    List<String> ga = real.execute(command);
                    List<String> gb = model.execute(command);
                    commands++;
                    if (!ga.equals(gb)) {
                        return ok(new Outcome(commands, new Divergence(Kind.GUEST, step, command, ga, gb), null, realOut));
                    }
                }
                command = st.command();
                List<String> ra = real.resets();
                List<String> rb = model.resets();
                if (!ra.equals(rb)) {
                    return ok(new Outcome(commands, new Divergence(Kind.RESETS, step, st.command(), ra, rb), null, realOut));
                }
            }
            return ok(new Outcome(commands, null, null, realOut));
        } catch (OracleException e) {
            real.close();
            lastCrash = e.getMessage();
            if (++consecutiveCrashes >= MAX_CONSECUTIVE_CRASHES) {
                throw new OracleException(e.getMessage() + " (" + consecutiveCrashes + " sequences in a row: giving up)");
            }
            real = factory.start();
            int at = Math.max(step, 0);
            List<String> modelOut = List.of();
            if (step >= 0 && step < s.steps().size() && realOut.size() == step) {
                // the oracle died on the step itself: the model's answer stands in for it in the report
                modelOut = model.execute(s.steps().get(step).command());
            }
            return new Outcome(commands, new Divergence(Kind.CRASH, at, command, List.of(e.getMessage()), modelOut), null,
                    realOut);
        }
    }

    private Outcome ok(Outcome o) {
        consecutiveCrashes = 0;
        return o;
    }

    /** The message of the last crash (null if none). */
    public String lastCrash() {
        return lastCrash;
    }

    /** A shrunk divergence: the minimal sequence, its run and how many runs shrinking took. */
    public record Shrunk(Sequence sequence, Outcome outcome, int runs) {
    }

    /**
     * Delta debugging (Zeller's ddmin) over the steps of a diverging sequence: the smallest subset
     * (1-minimal within the budget) that still diverges with the same kind; the result is cut after
     * the diverging step.
     */
    public Shrunk shrink(Sequence s, Divergence d) throws OracleException {
        int[] runs = {0};
        List<Step> steps = new ArrayList<>(s.steps().subList(0, d.step() + 1));
        int n = 2;
        while (steps.size() >= 2 && runs[0] < SHRINK_BUDGET) {
            int size = steps.size();
            int chunk = (size + n - 1) / n;
            boolean reduced = false;
            // complements first: they remove one chunk at a time (subsets are tried when n == 2 anyway)
            for (int start = 0; start < size && runs[0] < SHRINK_BUDGET; start += chunk) {
                List<Step> complement = new ArrayList<>(steps.subList(0, start));
                complement.addAll(steps.subList(Math.min(size, start + chunk), size));
                Outcome o = complement.isEmpty() ? null : divergesAs(s, complement, d.kind(), runs);
                if (o != null) {
                    steps = new ArrayList<>(complement.subList(0, o.divergence().step() + 1));
                    n = Math.max(n - 1, 2);
                    reduced = true;
                    break;
                }
            }
            if (!reduced) {
                if (n >= size) {
                    break;
                }
                n = Math.min(size, n * 2);
            }
        }
        Sequence small = s.withSteps(steps);
        Outcome o = run(small);
        runs[0]++;
        if (o.divergence() == null || o.divergence().kind() != d.kind()) {
            // not reproducible (should not happen: both sides are deterministic): keep the original
            small = s.withSteps(s.steps().subList(0, d.step() + 1));
            o = run(small);
            runs[0]++;
        }
        return new Shrunk(small, o, runs[0]);
    }

    /** The run of {@code steps} if it diverges with {@code kind} (it may do so before its last step), else null. */
    private Outcome divergesAs(Sequence s, List<Step> steps, Kind kind, int[] runs) throws OracleException {
        runs[0]++;
        Outcome o = run(s.withSteps(steps));
        return o.divergence() != null && o.divergence().kind() == kind ? o : null;
    }

    /** Closes the oracle (the model needs nothing). */
    public void close() {
        real.close();
    }
}
