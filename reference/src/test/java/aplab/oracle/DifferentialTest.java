package aplab.oracle;

import static org.assertj.core.api.Assertions.assertThat;

import aplab.kernel.Kernel;
import aplab.kernel.PlantedBug;
import aplab.oracle.Differential.Divergence;
import aplab.oracle.Differential.Kind;
import aplab.oracle.Differential.Outcome;
import aplab.oracle.Differential.Shrunk;
import aplab.oracle.Sequences.Sequence;
import aplab.oracle.Sequences.Step;
import aplab.shell.Session;
import aplab.transcript.Transcript;
import aplab.transcript.TranscriptException;
import aplab.transcript.TranscriptRunner;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Differential testing with in-process stand-ins: the model against itself (no divergence), against
 * a planted model (divergences, shrunk to 1-minimal transcripts that the two sides judge
 * oppositely), and against doubles that diverge in the reset order or do not support a command.
 */
class DifferentialTest {
    static final Kernel V = Kernel.MAINLINE;
    static final String K = V.release();
    final Sequences gen = new Sequences(30, 50);

    static Differential against(Oracle real, Set<PlantedBug> modelBugs) throws OracleException {
        return new Differential(() -> real, new ModelOracle(V, modelBugs));
    }

    @Test
    void theModelAgreesWithItselfOnSmallAndLargeSequences() throws OracleException {
        Differential d = against(new ModelOracle(V, Set.of()), Set.of());
        int small = 0;
        int large = 0;
        long commands = 0;
        for (int i = 0; i < 120; i++) {
            Sequence s = gen.generate(7, i);
            Outcome o = d.run(s);
            assertThat(o.divergence()).as("sequence %d", i).isNull();
            assertThat(o.realOutputs()).hasSize(s.steps().size());
            commands += o.commands();
            small += s.scope().equals("small") ? 1 : 0;
            large += s.scope().equals("large") ? 1 : 0;
        }
        assertThat(small).isGreaterThan(20);
        assertThat(large).isGreaterThan(20);
        assertThat(commands).isGreaterThan(120 * 10);
    }

    @Test
    void sequencesAreAFunctionOfSeedAndIndexAndCoverTheAlphabet() {
        assertThat(gen.generate(3, 17)).isEqualTo(gen.generate(3, 17));
        assertThat(gen.generate(3, 17)).isNotEqualTo(gen.generate(4, 17));
        Set<String> kinds = new java.util.TreeSet<>();
        boolean whole = false;
        boolean wide = false;
        for (int i = 0; i < 400; i++) {
            for (Step st : gen.generate(1, i).steps()) {
                String c = st.command();
                kinds.add(c.startsWith("aplab") ? String.join(" ", List.of(c.split(" ")).subList(0, 3))
                        : c.startsWith("echo") ? c.substring(c.lastIndexOf('/') + 1) : c.split(" ")[0]);
                whole |= c.startsWith("aplab host --adapters 0x0,0x1,") && c.contains("0xfe,0xff --domains 0x0,0x1,") && c.endsWith("0xff");
                wide |= c.startsWith("aplab host") && c.contains("0xff");
            }
        }
        assertThat(kinds).contains("assign_adapter", "unassign_adapter", "assign_domain", "unassign_domain",
                "assign_control_domain", "unassign_control_domain", "ap_config", "apmask", "aqmask", "bind", "unbind", "config",
                "create", "remove", "aplab guest start", "aplab guest stop", "aplab host --adapters", "cat", "ls");
        assertThat(whole).as("a whole 256 x 256 matrix").isTrue();
        assertThat(wide).isTrue();
    }

    @Test
    void aPlantedDefectDivergesAndShrinksToAOneMinimalTranscript() throws OracleException, TranscriptException {
        // the planted model plays the real driver here, so the transcript's outputs are the planted ones
        Set<PlantedBug> bug = EnumSet.of(PlantedBug.SKIP_HOTPLUG_ON_ASSIGN);
        Differential d = against(new ModelOracle(V, bug), Set.of());
        Sequence s = null;
        Divergence first = null;
        for (int i = 0; i < 400 && first == null; i++) {
            s = gen.generate(1, i);
            first = d.run(s).divergence();
        }
        assertThat(first).as("the planted defect is found within 400 sequences").isNotNull();
        assertThat(first.kind()).isEqualTo(Kind.GUEST);
        Shrunk sh = d.shrink(s, first);
        List<Step> steps = sh.sequence().steps();
        assertThat(steps.size()).isLessThanOrEqualTo(first.step() + 1).isLessThanOrEqualTo(8);
        assertThat(sh.outcome().divergence().step()).isEqualTo(steps.size() - 1);
        // 1-minimal: without any one step it no longer diverges that way
        for (int i = 0; i < steps.size(); i++) {
            List<Step> fewer = new ArrayList<>(steps);
            fewer.remove(i);
            Divergence dv = d.run(sh.sequence().withSteps(fewer)).divergence();
            assertThat(dv == null || dv.kind() != Kind.GUEST).as("without step %d", i).isTrue();
        }
        String text = DivergenceReport.render(K, "tools/kernel-oracle diff --seed 1", sh, first.step() + 1);
        Transcript t = Transcript.parse("divergence.md", text);
        assertThat(t.commands().get(0).command()).isEqualTo("aplab kernel " + K);
        assertThat(t.commands().get(t.commands().size() - 1).command()).startsWith("aplab guest show ");
        // the side whose outputs it holds passes it, the other side fails it
        assertThat(TranscriptRunner.run(t, new Session(V, bug)::execute).passed()).isTrue();
        assertThat(TranscriptRunner.run(t, new Session(V, Set.of())::execute).passed()).isFalse();
        assertThat(text).doesNotContain("/tmp", "/work").contains("The model printed:");
    }

    /** A double that reverses the order of the resets it reports. */
    static final class ReversedResets implements Oracle {
        final ModelOracle inner = new ModelOracle(V, Set.of());

        @Override
        public List<String> execute(String command) {
            return inner.execute(command);
        }

        @Override
        public void reset() {
            inner.reset();
        }

        @Override
        public List<String> resets() {
            List<String> r = new ArrayList<>(inner.resets());
            java.util.Collections.reverse(r);
            return r;
        }

        @Override
        public String name() {
            return "reversed";
        }

        @Override
        public void close() {
        }
    }

    @Test
    void theOrderOfQueueResetsIsCompared() throws OracleException {
        Differential d = against(new ReversedResets(), Set.of());
        Sequence s = null;
        Divergence first = null;
        for (int i = 0; i < 400 && first == null; i++) {
            s = gen.generate(2, i);
            first = d.run(s).divergence();
        }
        assertThat(first).isNotNull();
        assertThat(first.kind()).isEqualTo(Kind.RESETS);
        assertThat(first.real()).hasSizeGreaterThan(1).isNotEqualTo(first.model()).containsExactlyInAnyOrderElementsOf(first.model());
        Shrunk sh = d.shrink(s, first);
        String text = DivergenceReport.render(K, "run", sh, first.step() + 1);
        assertThat(text).contains("- real driver: `" + String.join(" ", sh.outcome().divergence().real()) + "`");
    }

    @Test
    void aCommandTheOracleCannotRunStopsTheSequenceAsSkipped() throws OracleException {
        Oracle noGuests = new ModelOracleDelegate() {
            @Override
            public List<String> execute(String command) {
                return command.startsWith("aplab guest start") ? List.of(NOT_SUPPORTED + "aplab guest start") : inner.execute(command);
            }
        };
        Differential d = against(noGuests, Set.of());
        int skipped = 0;
        for (int i = 0; i < 60; i++) {
            Outcome o = d.run(gen.generate(1, i));
            assertThat(o.divergence()).isNull();
            if (o.unsupported() != null) {
                assertThat(o.unsupported()).startsWith("aplab guest start");
                skipped++;
            }
        }
        assertThat(skipped).isPositive();
    }

    @Test
    void aCrashIsADivergenceAndTheOracleIsStartedAgain() throws OracleException {
        int[] starts = {0};
        // a double that "crashes" by throwing OracleException on a write to assign_domain
        Differential crashing = new Differential(() -> {
            starts[0]++;
            return new CrashOn("assign_domain");
        }, new ModelOracle(V, Set.of()));
        Sequence s = null;
        Outcome o = null;
        for (int i = 0; i < 200; i++) {
            s = gen.generate(1, i);
            o = crashing.run(s);
            if (o.divergence() != null) {
                break;
            }
        }
        assertThat(o.divergence().kind()).isEqualTo(Kind.CRASH);
        assertThat(o.divergence().real()).containsExactly("boom on " + o.divergence().command());
        // started once, and again after the crash
        assertThat(starts[0]).isEqualTo(2);
        crashing.close();
    }

    /** A double whose "process" dies on the first command containing a word. */
    static final class CrashOn extends ModelOracleDelegate {
        final String word;

        CrashOn(String word) {
            this.word = word;
        }

        @Override
        public List<String> execute(String command) throws OracleException {
            if (command.contains(word)) {
                throw new OracleException("boom on " + command);
            }
            return inner.execute(command);
        }
    }

    /** The model behind the Oracle interface, to extend with failures. */
    abstract static class ModelOracleDelegate implements Oracle {
        final ModelOracle inner = new ModelOracle(V, Set.of());

        @Override
        public void reset() {
            inner.reset();
        }

        @Override
        public List<String> resets() {
            return inner.resets();
        }

        @Override
        public String name() {
            return "double";
        }

        @Override
        public void close() {
        }
    }
}
