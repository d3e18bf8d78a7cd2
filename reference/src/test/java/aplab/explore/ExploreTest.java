package aplab.explore;

import static org.assertj.core.api.Assertions.assertThat;

import aplab.check.HostOp;
import aplab.host.Host;
import aplab.kernel.Kernel;
import aplab.kernel.PlantedBug;
import aplab.lockdep.TrackedLock;
import aplab.sysfs.Sysfs;
import aplab.transcript.Transcript;
import aplab.transcript.TranscriptRunner;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Exhaustive exploration of the small scope, bounded for the unit tests. */
class ExploreTest {
    private static Explorer.Result explore(int depth, int concurrentDepth, int preemptions, Kernel v,
            Set<PlantedBug> planted) {
        Explorer.Options o = new Explorer.Options(depth, concurrentDepth, preemptions, v, planted, 2);
        Explorer.Result r = new Explorer(o, line -> System.out.println("  " + line)).run();
        System.out.printf("explore depth %d (interleavings from depth <= %d, <= %d preemptions) kernel %s %s: %d states"
                + " explored, %d distinct, %.0f states/s%s%n", depth, concurrentDepth, preemptions, v.release(), planted,
                r.statesExplored(), r.distinctStates(), r.statesPerSecond(),
                r.counterexample() == null ? "" : ", counterexample of length " + r.counterexample().length());
        return r;
    }

    @Test
    void everySequenceOfThreeHoldsEveryInvariantOnMainline() {
        Explorer.Result r = explore(3, -1, 0, Kernel.MAINLINE, Set.of());
        assertThat(r.counterexample()).as("counterexample").isNull();
        assertThat(r.depthReached()).isEqualTo(3);
        assertThat(r.statesPerDepth()).hasSize(4);
        // mirror images merged (StateSpaceTest checks the count against the unreduced space)
        assertThat(r.distinctStates()).isGreaterThan(500);
        assertThat(r.levels()).hasSize(4);
        assertThat(r.levels().get(3).generated()).isEqualTo(r.levels().get(2).distinct() * Space.alphabet().size());
    }

    /**
     * Every pair of operations from the start state, every schedule with at most one preemption.
     * FAILS while the model lets a guest start on an mdev that is being removed (model bug reported
     * to the lead: VfioApOps.mdevRemove tests {@code m.open} before taking any lock and
     * openDevice/setKvm never check that the mdev is still registered; the vfio core serializes
     * open against unregistration). The counterexample's replay command reproduces it.
     */
    @Test
    void everyInterleavingOfTwoOperationsFromTheStartStateHoldsEveryInvariant() {
        Explorer.Result r = explore(0, 0, 1, Kernel.MAINLINE, Set.of());
        assertThat(r.schedules()).isGreaterThan(1000);
        assertThat(r.counterexample()).as("counterexample:\n%s", r.counterexample() == null ? ""
                : String.join("\n", r.counterexample().describe())).isNull();
    }

    @ParameterizedTest
    @EnumSource(value = PlantedBug.class, mode = EnumSource.Mode.EXCLUDE, names = {"BIND_STALE_DEVICE", "LATE_DRIVER_SET"})
    void aPlantedDefectIsFoundAndItsTranscriptChecks(PlantedBug bug) {
        Explorer.Result r = explore(4, -1, 0, Kernel.MAINLINE, Set.of(bug));
        Counterexample c = r.counterexample();
        assertThat(c).as("the explorer must find %s", bug).isNotNull();
        assertThat(c.concurrent()).isFalse();
        String t = c.transcript();
        System.out.println(t);
        // aplab check passes on the model with the bug and fails on the correct one
        assertThat(c.transcriptChecks()).isTrue();
        assertThat(TranscriptRunner.run(parse(t)).passed()).isFalse();
        String expected = switch (bug) {
            case SKIP_SHARING_CHECK -> "no-sharing";
            case SKIP_HOTPLUG_ON_ASSIGN -> "guest-matrix-is-crycb";
            // shortest: no guest needed, the shadow keeps an adapter whose queue left vfio_ap
            case SKIP_UNPLUG_ON_REMOVE -> "shadow-filtering";
            // races: no sequence shows them (excluded above), the interleavings below do
            case BIND_STALE_DEVICE -> "links";
            case LATE_DRIVER_SET -> "bindings-follow-masks";
        };
        assertThat(c.violations()).extracting(v -> v.invariant()).contains(expected);
    }

    /** The bus operations: bind/unbind, apmask, host configuration changes (see --list-ops). */
    private static final Set<Integer> BUS_OPS = Set.of(31, 32, 33, 34, 35, 36, 41, 42, 43);

    private static Explorer.Result interleaveBusOps(Set<PlantedBug> planted) {
        // one preemption is enough for both races (the README has the search over every pair)
        Explorer.Options o = new Explorer.Options(1, 1, 1, Kernel.MAINLINE, planted, 2, 0, 0, true, BUS_OPS);
        Explorer.Result r = new Explorer(o, line -> System.out.println("  " + line)).run();
        System.out.printf("interleavings of the bus operations from every state within 1 operation, %s: %d schedules,"
                + " %.0f schedules/s%n", planted, r.schedules(), r.schedulesPerSecond());
        return r;
    }

    /**
     * The AP-bus races (issue 12) need a state reached by an earlier operation (a queue unbound, an
     * mdev holding an adapter) and a switch at a point where the bus acts on what it read outside a
     * lock: with the old bind planted, the explorer finds each, names the broken invariant and prints
     * a replay command that reproduces it; the transcript of the operations before the pair checks.
     */
    @ParameterizedTest
    @EnumSource(value = PlantedBug.class, names = {"BIND_STALE_DEVICE", "LATE_DRIVER_SET"})
    void aPlantedBusRaceIsFoundByInterleavingFromReachedStates(PlantedBug bug) {
        Counterexample c = interleaveBusOps(Set.of(bug)).counterexample();
        assertThat(c).as("the explorer must find %s", bug).isNotNull();
        System.out.println(String.join("\n", c.describe()));
        assertThat(c.concurrent()).isTrue();
        String expected = bug == PlantedBug.BIND_STALE_DEVICE ? "links" : "bindings-follow-masks";
        assertThat(c.violations()).extracting(v -> v.invariant()).contains(expected);
        String t = c.transcript();
        System.out.println(t);
        assertThat(t).contains("# schedule, each step runs to the next lock acquisition:", "--replay " + c.replayArgument());
        assertThat(c.transcriptChecks()).isTrue();
        // the replay command re-runs the schedule and shows the same break
        String[] parts = c.replayArgument().split("/", -1);
        int[] root = parts[0].isEmpty() ? new int[0]
                : java.util.Arrays.stream(parts[0].split(",")).mapToInt(Integer::parseInt).toArray();
        int[] ab = java.util.Arrays.stream(parts[1].split(",")).mapToInt(Integer::parseInt).toArray();
        List<Integer> choices = java.util.Arrays.stream(parts[2].split(",")).map(Integer::valueOf).toList();
        Explorer ex = new Explorer(new Explorer.Options(0, 0, 1, Kernel.MAINLINE, Set.of(bug), 1), null);
        assertThat(ex.replay(root, ab[0], ab[1], choices)).anyMatch(l -> l.startsWith("violation: " + expected));
        if (bug == PlantedBug.BIND_STALE_DEVICE) {
            assertThat(root).as("a state reached by an earlier operation").isNotEmpty();
            assertThat(c.describe()).anyMatch(l -> l.contains("switch ") || l.contains("lock &dev->mutex"));
        } else {
            assertThat(c.describe()).anyMatch(l -> l.contains("switch "));
        }
    }

    @Test
    void theCorrectBusSurvivesTheSameInterleavings() {
        Explorer.Result r = interleaveBusOps(Set.of());
        assertThat(r.schedules()).isGreaterThan(1000);
        assertThat(r.counterexample()).as("counterexample:\n%s", r.counterexample() == null ? ""
                : String.join("\n", r.counterexample().describe())).isNull();
    }

    @Test
    void theShortestSharingCounterexampleIsTwoApConfigWrites() {
        Counterexample c = explore(3, -1, 0, Kernel.MAINLINE, Set.of(PlantedBug.SKIP_SHARING_CHECK)).counterexample();
        assertThat(c.length()).isEqualTo(2);
        assertThat(c.commands()).allMatch(cmd -> cmd.endsWith("/ap_config"));
    }

    @Test
    void linux60IsCaughtLettingAnUnboundQueueIntoTheGuest() {
        Counterexample c = explore(4, -1, 0, Kernel.V6_0, Set.of()).counterexample();
        assertThat(c).isNotNull();
        assertThat(c.transcript()).startsWith("# Counterexample").contains("$ aplab kernel 6.0");
        assertThat(c.transcriptChecks()).isTrue();
        System.out.println(String.join("\n", c.describe()));
    }

    private static Transcript parse(String t) {
        try {
            return Transcript.parse("counterexample.md", t);
        } catch (aplab.transcript.TranscriptException e) {
            throw new AssertionError(e.oneLine());
        }
    }

    // ------------------------------------------------------------------ the scheduler itself

    @Test
    void schedulesAreDeterministicAndEnumerateBothOrders() {
        List<HostOp> al = Space.alphabet();
        HostOp a = al.get(0); // U1 assign_adapter 5
        HostOp b = al.get(12); // U2 assign_adapter 5
        List<String> first = run(a, b, List.of()).steps();
        assertThat(run(a, b, List.of()).steps()).isEqualTo(first);
        Interleaver.Execution bFirst = run(a, b, List.of(1));
        assertThat(bFirst.steps().get(0)).startsWith("B: begin");
        assertThat(bFirst.outcomeA()).isEqualTo("ok");
        Explorer ex = new Explorer(new Explorer.Options(0, 0, -1, Kernel.MAINLINE, Set.of(), 1), null);
        assertThat(ex.schedulesOfPair(0, 12)).isGreaterThan(2);
    }

    @Test
    void aMisorderedPairOfOperationsIsADeadlockTheSchedulerFinds() {
        HostOp gm = new HostOp.Custom("guests then mdevs", (h, s) -> nested(h, true));
        HostOp mg = new HostOp.Custom("mdevs then guests", (h, s) -> nested(h, false));
        // A begins and takes guests_lock; switch: B begins, B takes mdevs_lock; each wants the other's
        Interleaver.Execution e = run(gm, mg, List.of(0, 0, 1, 0));
        assertThat(e.deadlock()).isTrue();
        assertThat(e.failure()).startsWith("deadlock").contains("owned by explore-");
        Interleaver.Execution fine = run(gm, mg, List.of(0, 0));
        assertThat(fine.failure()).isNull();
    }

    private static String nested(Host h, boolean guestsFirst) {
        TrackedLock g = h.vfioAp().matrixDev().guestsLock();
        TrackedLock m = h.vfioAp().matrixDev().mdevsLock();
        TrackedLock first = guestsFirst ? g : m;
        TrackedLock second = guestsFirst ? m : g;
        first.lock();
        try {
            second.lock();
            second.unlock();
        } finally {
            first.unlock();
        }
        return "ok";
    }

    private static Interleaver.Execution run(HostOp a, HostOp b, List<Integer> forced) {
        Host h = Space.start(Kernel.MAINLINE, Set.of());
        return Interleaver.run(h, new Sysfs(h), a, b, forced, -1);
    }
}
