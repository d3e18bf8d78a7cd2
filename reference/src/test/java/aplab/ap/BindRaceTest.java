package aplab.ap;

import static aplab.Fixture.APMASK;
import static aplab.Fixture.U1;
import static aplab.Fixture.VFIO_BIND;
import static aplab.Fixture.VFIO_UNBIND;
import static aplab.Fixture.mdev;
import static org.assertj.core.api.Assertions.assertThat;

import aplab.Fixture;
import aplab.check.Invariants;
import aplab.kernel.Errno;
import aplab.kernel.Kernel;
import aplab.kernel.PlantedBug;
import aplab.lockdep.LockDep;
import java.util.EnumSet;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * The two AP-bus races of issue 12, each forced deterministically: one thread is stopped at a
 * chosen point of {@code bind_store} (a lock acquisition or a {@link LockDep#switchPoint}) while
 * another changes the host, then let go. With the race's defect planted (the old {@code bind}) the
 * same schedule breaks an invariant, so each test shows it can fail.
 */
class BindRaceTest {
    private static final String Q = "05.0004";

    /** A thread running one sysfs write that stops when it reports {@code marker}, until released. */
    private static final class Paused {
        final CountDownLatch reached = new CountDownLatch(1);
        final CountDownLatch go = new CountDownLatch(1);
        final AtomicReference<Errno> result = new AtomicReference<>();
        final Thread thread;

        Paused(Fixture f, String path, String value, String marker) {
            thread = new Thread(() -> result.set(f.echo(path, value)), "race-bind");
            LockDep ld = f.host.lockdep();
            java.util.function.Consumer<String> hook = line -> {
                if (Thread.currentThread() == thread && line.contains(marker) && reached.getCount() > 0) {
                    reached.countDown();
                    try {
                        go.await();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
            };
            ld.trace(hook);
            ld.switchPoints(hook);
            thread.start();
            try {
                assertThat(reached.await(10, TimeUnit.SECONDS)).as("bind reached '%s'", marker).isTrue();
            } catch (InterruptedException e) {
                throw new AssertionError(e);
            }
        }

        Errno finish() throws InterruptedException {
            go.countDown();
            thread.join(10_000);
            assertThat(thread.isAlive()).as("bind finished").isFalse();
            return result.get();
        }
    }

    private static Fixture fixture(Set<PlantedBug> planted) {
        Fixture f = new Fixture(Kernel.MAINLINE, planted).host(ApMask.of(5, 6), ApMask.of(4, 0x47));
        f.ok(APMASK, "-5,-6");
        f.ok(Fixture.CREATE, U1);
        return f;
    }

    private static ApConfigInfo config(int... adapters) {
        return new ApConfigInfo(ApMask.of(adapters), ApMask.of(4, 0x47), ApMask.of(4, 0x47), true, 255, 255);
    }

    /**
     * Race 1: bind_store finds 05.0004, then the host's configuration drops adapter 5 and brings it
     * back (the queue device is unregistered and a new one registered and probed) before bind takes
     * the old device's lock. __driver_probe_device refuses the dead device with ENODEV; probing it
     * anyway links the stale queue object into the mdev.
     */
    private static Fixture unregisteredWhileBinding(Set<PlantedBug> planted, Errno[] bindResult)
            throws InterruptedException {
        Fixture f = fixture(planted);
        f.ok(mdev(U1, "assign_adapter"), "5");
        f.ok(mdev(U1, "assign_domain"), "4");
        f.ok(VFIO_UNBIND, Q);
        ApQueue old = f.host.bus().queue(Apqn.parse(Q));
        Paused bind = new Paused(f, VFIO_BIND, Q, "bind_store: lock &dev->mutex");
        f.host.configure(config(6), CardType.DEFAULT);
        f.host.configure(config(5, 6), CardType.DEFAULT);
        assertThat(f.host.bus().queue(Apqn.parse(Q))).as("a new queue device").isNotSameAs(old);
        bindResult[0] = bind.finish();
        return f;
    }

    @Test
    void bindRefusesAQueueUnregisteredAfterItsLookupWithEnodev() throws InterruptedException {
        Errno[] rc = new Errno[1];
        Fixture f = unregisteredWhileBinding(EnumSet.noneOf(PlantedBug.class), rc);
        assertThat(rc[0]).as("bind of the unregistered device").isEqualTo(Errno.ENODEV);
        assertThat(Invariants.check(f.host)).isEmpty();
        assertThat(f.driverOf(Q)).as("the new device, probed by the scan").isEqualTo("vfio_ap");
    }

    @Test
    void withTheOldBindTheStaleQueueIsLinkedIntoTheMdev() throws InterruptedException {
        Errno[] rc = new Errno[1];
        Fixture f = unregisteredWhileBinding(EnumSet.of(PlantedBug.BIND_STALE_DEVICE), rc);
        assertThat(rc[0]).as("the old bind accepts the dead device").isNull();
        assertThat(Invariants.check(f.host)).extracting(Invariants.Violation::invariant).contains("links");
    }

    /**
     * Race 2: bind_store has checked that 05.0004 is not reserved for the default drivers when
     * {@code apmask +5} reserves it. The kernel has set dev->driver before ap_device_probe's check,
     * so the mask write's rebinding pass sees vfio_ap, waits for the device lock and re-probes the
     * queue to cex4queue. Setting the driver only after the check lets the pass skip the queue as
     * unbound, and the queue stays with vfio_ap against the masks.
     */
    private static Fixture reservedWhileBinding(Set<PlantedBug> planted) throws InterruptedException {
        Fixture f = fixture(planted);
        f.ok(VFIO_UNBIND, Q);
        Paused bind = new Paused(f, VFIO_BIND, Q, "switch ap_device_probe: ownership checked");
        AtomicReference<Errno> maskResult = new AtomicReference<>();
        AtomicReference<String> lastEvent = new AtomicReference<>("");
        Thread mask = new Thread(() -> maskResult.set(f.echo(APMASK, "+5")), "race-apmask");
        java.util.function.Consumer<String> previous = line -> {
            if (Thread.currentThread() == mask) {
                lastEvent.set(line);
            }
        };
        // keep the bind thread stopped (its hook has fired) and watch the mask writer
        f.host.lockdep().trace(previous);
        mask.start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        // the mask write either finishes or blocks on 05.0004's device lock, which bind holds
        while (mask.isAlive() && !(lastEvent.get().endsWith("lock &dev->mutex")
                && mask.getState() == Thread.State.WAITING) && System.nanoTime() < deadline) {
            Thread.sleep(1);
        }
        assertThat(bind.finish()).as("bind").isNull();
        mask.join(10_000);
        assertThat(mask.isAlive()).as("apmask write finished").isFalse();
        assertThat(maskResult.get()).as("apmask +5").isNull();
        return f;
    }

    @Test
    void aMaskWriteDuringBindsProbeRebindsTheQueueToTheDefaultDriver() throws InterruptedException {
        Fixture f = reservedWhileBinding(EnumSet.noneOf(PlantedBug.class));
        assertThat(f.driverOf(Q)).isEqualTo("cex4queue");
        assertThat(Invariants.check(f.host)).isEmpty();
    }

    @Test
    void withTheDriverSetAfterTheOwnershipCheckTheQueueStaysWithVfioAp() throws InterruptedException {
        Fixture f = reservedWhileBinding(EnumSet.of(PlantedBug.LATE_DRIVER_SET));
        assertThat(f.driverOf(Q)).isEqualTo("vfio_ap");
        assertThat(Invariants.check(f.host)).extracting(Invariants.Violation::invariant)
                .contains("bindings-follow-masks");
    }
}
