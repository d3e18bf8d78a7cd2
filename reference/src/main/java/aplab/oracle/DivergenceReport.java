package aplab.oracle;

import aplab.oracle.Differential.Divergence;
import aplab.oracle.Differential.Outcome;
import aplab.oracle.Differential.Shrunk;
import aplab.oracle.Sequences.Step;
import java.util.ArrayList;
import java.util.List;

/**
 * A shrunk divergence as a transcript (shared/spec/transcript.md) that both {@code aplab check}
 * and {@code tools/kernel-oracle check} run: it starts with {@code aplab kernel K}, and every
 * command's expected output is what the real driver printed, so the oracle check passes and
 * {@code aplab check} shows where the model differs. Deterministic: no times, no paths.
 */
public final class DivergenceReport {
    private DivergenceReport() {
    }

    /** The transcript text; {@code run} is the command line that reproduces the search. */
    public static String render(String kernel, String run, Shrunk shrunk, int originalSteps) {
        Outcome o = shrunk.outcome();
        Divergence d = o.divergence();
        List<Step> steps = shrunk.sequence().steps();
        List<String> b = new ArrayList<>();
        b.add("# Divergence: the model and the real vfio_ap driver (kernel " + kernel + ")");
        b.add("");
        b.add("Found by `" + run + "` in sequence " + shrunk.sequence().index() + " (" + shrunk.sequence().scope()
                + " scope), shrunk by delta debugging from " + originalSteps + " to " + steps.size() + " commands.");
        b.add("The outputs below are the real driver's: `tools/kernel-oracle check --kernel " + kernel
                + "` passes on this file where the model is right, and `aplab check` shows where the model differs.");
        b.add("");
        switch (d.kind()) {
            case OUTPUT -> {
                b.add("The last command prints something else on the model. The model printed:");
                block(b, d.model());
            }
            case GUEST -> {
                b.add("After the last command, `" + d.command() + "` differs. The model printed:");
                block(b, d.model());
            }
            case RESETS -> {
                b.add("After the last command the queue resets (ZAPQ, in issue order) differ; a transcript cannot show");
                b.add("them, so both checks pass on this file and the difference is here:");
                b.add("");
                b.add("- real driver: " + resets(d.real()));
                b.add("- model: " + resets(d.model()));
            }
            case CRASH -> {
                b.add("The oracle process failed on `" + d.command() + "` (the output shown for the last command is the model's):");
                block(b, d.real());
            }
        }
        b.add("");
        b.add("```console");
        b.add("$ aplab kernel " + kernel);
        for (int i = 0; i < steps.size(); i++) {
            b.add("$ " + steps.get(i).command());
            if (i < o.realOutputs().size()) {
                b.addAll(o.realOutputs().get(i));
            } else if (i == d.step() && d.kind() == Differential.Kind.CRASH) {
                // the oracle gave no answer: what the model printed keeps aplab check passing
                b.addAll(d.model());
            }
        }
        if (d.kind() == Differential.Kind.GUEST) {
            b.add("$ " + d.command());
            b.addAll(d.real());
        }
        b.add("```");
        return String.join("\n", b) + "\n";
    }

    private static void block(List<String> b, List<String> lines) {
        b.add("");
        b.add("```text");
        b.addAll(lines.isEmpty() ? List.of("(nothing)") : lines);
        b.add("```");
    }

    private static String resets(List<String> r) {
        return r.isEmpty() ? "none" : "`" + String.join(" ", r) + "`";
    }

    /** One line describing a divergence, for the diff run's log. */
    public static String oneLine(Divergence d) {
        String what = switch (d.kind()) {
            case OUTPUT -> "output of '" + d.command() + "'";
            case GUEST -> "'" + d.command() + "' after step " + (d.step() + 1);
            case RESETS -> "queue resets after '" + d.command() + "'";
            case CRASH -> "oracle crash on '" + d.command() + "'";
        };
        return what;
    }
}
