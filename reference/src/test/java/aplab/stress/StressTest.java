package aplab.stress;

import static org.assertj.core.api.Assertions.assertThat;

import aplab.check.HostOp;
import aplab.check.LockWatch;
import aplab.check.Stress;
import aplab.kernel.PlantedBug;
import aplab.lockdep.LockDep;
import aplab.lockdep.TrackedLock;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Bounded concurrent stress with fixed seeds (a longer run is {@code aplab.check.Stress}'s main).
 * Each run prints its seed and summary; a failure prints the replay command.
 */
class StressTest {
    private static Stress.Report runAndPrint(Stress.Config c) {
        Stress.Report r = Stress.run(c);
        System.out.println(r.summary());
        System.out.println("  replay: " + c.replay());
        return r;
    }

    @Test
    void manyWorkersManyRoundsNoDeadlockNoInvariantBreakNoCycle() {
        Stress.Config c = Stress.Config.of(20261124L, 4, 500, 40);
        Stress.Report r = runAndPrint(c);
        assertThat(r.failures()).as("failures (replay: %s)", c.replay()).isEmpty();
        assertThat(r.hung()).isFalse();
        assertThat(r.lockCycles()).isZero();
        assertThat(r.ops()).isEqualTo(c.totalOps());
        assertThat(r.invariantChecks()).isEqualTo(c.rounds());
        // the run did real work: guests started, assignments landed, configuration changed
        assertThat(r.outcomes()).containsKeys("guest start -> ok", "write assign_adapter -> ok",
                "write assign_domain -> ok", "host config -> ok", "write apmask -> EBUSY", "write remove -> ok");
    }

    /**
     * Seed 7 with 8 workers once caught the bind race (an mdev linking a stale queue object for
     * 02.0002, invariant 'links'); fixed in ApBus.bind (ENODEV for a device unregistered since its
     * lookup), with a deterministic regression test in aplab.ap.BindRaceTest.
     */
    @Test
    void aSecondSeedWithMoreWorkersThanCores() {
        Stress.Config c = Stress.Config.of(7L, 8, 150, 50);
        Stress.Report r = runAndPrint(c);
        assertThat(r.failures()).as("failures (replay: %s)", c.replay()).isEmpty();
        assertThat(r.ops()).isEqualTo(c.totalOps());
    }

    @ParameterizedTest
    @EnumSource(value = PlantedBug.class, mode = EnumSource.Mode.EXCLUDE, names = {"BIND_STALE_DEVICE", "LATE_DRIVER_SET"})
    void aPlantedDefectIsCaught(PlantedBug bug) {
        // one worker: the run is deterministic for the seed
        Stress.Config c = Stress.Config.of(1L, 1, 400, 25).withPlanted(Set.of(bug));
        Stress.Report r = runAndPrint(c);
        assertThat(r.passed()).as("stress must catch %s", bug).isFalse();
        assertThat(r.failures().get(0)).startsWith("invariant broken");
    }

    @Test
    void theSameSeedGivesTheSameRunWithOneWorker() {
        Stress.Config c = Stress.Config.of(99L, 1, 20, 50);
        assertThat(Stress.run(c).outcomes()).isEqualTo(Stress.run(c).outcomes());
    }

    @Test
    void theWatchdogTurnsADeadlockIntoAFailureWithStacksAndHeldLocks() {
        // workers take guests_lock and mdevs_lock in opposite orders, rendezvousing inside
        CountDownLatch bothHoldOne = new CountDownLatch(2);
        HostOp wrongOrder = new HostOp.Custom("mis-ordered locking", (host, sysfs) -> {
            TrackedLock g = host.vfioAp().matrixDev().guestsLock();
            TrackedLock m = host.vfioAp().matrixDev().mdevsLock();
            boolean even = Thread.currentThread().getName().endsWith("0");
            TrackedLock first = even ? g : m;
            TrackedLock second = even ? m : g;
            first.lock();
            try {
                bothHoldOne.countDown();
                try {
                    bothHoldOne.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                second.lock();
                second.unlock();
            } finally {
                first.unlock();
            }
            return "ok";
        });
        Stress.Config c = Stress.Config.of(5L, 2, 1, 1).withHangMillis(300);
        Stress.Report r = Stress.run(c, rnd -> wrongOrder);
        assertThat(r.hung()).isTrue();
        String dump = r.failures().get(0);
        System.out.println(dump);
        assertThat(dump).startsWith("hang: no operation finished").contains("the JVM sees a deadlock")
                .contains("\"stress-w0\"", "\"stress-w1\"")
                .contains("model locks held: [guests_lock]", "waiting for: mdevs_lock")
                .contains("model locks held: [mdevs_lock]", "waiting for: guests_lock")
                .contains("aplab.lockdep.TrackedLock.lock(");
    }

    @Test
    void lockWatchSeesOtherThreadsLocks() throws InterruptedException {
        LockDep ld = new LockDep();
        LockWatch w = LockWatch.install(ld);
        TrackedLock a = ld.newLock("a");
        TrackedLock b = ld.newLock("b");
        CountDownLatch held = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        Thread t = new Thread(() -> {
            a.lock();
            b.lock();
            held.countDown();
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            b.unlock();
            a.unlock();
        }, "holder");
        t.start();
        held.await();
        assertThat(w.heldBy(t)).containsExactly("a", "b");
        assertThat(w.dump(List.of(t))).contains("\"holder\"", "model locks held: [a, b]");
        release.countDown();
        t.join();
        assertThat(w.heldBy(t)).isEmpty();
    }
}
