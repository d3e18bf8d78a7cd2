package aplab.vfioap;

import static aplab.Fixture.U1;
import static aplab.Fixture.U2;
import static aplab.Fixture.U3;
import static aplab.Fixture.U4;
import static aplab.Fixture.mdev;
import static org.assertj.core.api.Assertions.assertThat;

import aplab.Fixture;
import aplab.ap.ApMask;
import aplab.ap.ApQueue;
import aplab.ap.Apqn;
import aplab.host.Guest;
import aplab.kernel.Errno;
import aplab.kvm.Kvm;
import aplab.sysfs.SysfsException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Smoke test with real threads: stores on several mdevs, a guest starting and stopping, queues
 * binding and unbinding, all at once. Afterwards: no deadlock, no lock-order report, and the
 * invariants a quiescent host must satisfy.
 */
class ConcurrencyTest {
    private static final String[] UUIDS = {U1, U2, U3, U4};
    /**
     * What an assign may answer: the APQN is another thread's mdev's. (apmask and aqmask give
     * everything to vfio_ap, so EADDRNOTAVAIL would be a bug; unassign and control domains never fail.)
     */
    private static final Set<Errno> EXPECTED = Set.of(Errno.EADDRINUSE);

    private static Fixture host() {
        Fixture f = new Fixture().host(ApMask.range(0, 7), ApMask.range(0, 7));
        f.ok(Fixture.APMASK, "-0-7");
        f.ok(Fixture.CREATE, UUIDS);
        return f;
    }

    @Test
    void assignersAndAGuestToggler() throws InterruptedException {
        long seed = Long.getLong("aplab.seed", 4242L);
        System.out.println("ConcurrencyTest.assignersAndAGuestToggler seed " + seed);
        Fixture f = host();
        List<Runnable> jobs = new ArrayList<>();
        for (int t = 0; t < UUIDS.length; t++) {
            String uuid = UUIDS[t];
            Random rnd = new Random(seed + t);
            jobs.add(() -> {
                for (int i = 0; i < 400; i++) {
                    randomStore(f, uuid, rnd);
                }
            });
        }
        jobs.add(guestToggler(f, 150));
        List<Throwable> failures = run(f, jobs);
        assertThat(failures).as("unexpected errors in the threads").isEmpty();
        checkQuiescent(f);
    }

    @Test
    void assignersAGuestTogglerAndQueueBinding() throws InterruptedException {
        long seed = Long.getLong("aplab.seed", 4243L);
        System.out.println("ConcurrencyTest.assignersAGuestTogglerAndQueueBinding seed " + seed);
        Fixture f = host();
        List<Runnable> jobs = new ArrayList<>();
        for (int t = 0; t < UUIDS.length; t++) {
            String uuid = UUIDS[t];
            Random rnd = new Random(seed + t);
            jobs.add(() -> {
                for (int i = 0; i < 300; i++) {
                    randomStore(f, uuid, rnd);
                }
            });
        }
        jobs.add(guestToggler(f, 100));
        Random brnd = new Random(seed + 100);
        jobs.add(() -> {
            for (int i = 0; i < 300; i++) {
                String q = String.format("%02x.%04x", brnd.nextInt(8), brnd.nextInt(8));
                // ENODEV (not bound there) and EBUSY (bound already) are the normal answers
                f.echo(brnd.nextBoolean() ? Fixture.VFIO_UNBIND : Fixture.VFIO_BIND, q);
            }
            // leave every queue bound again
            for (int a = 0; a < 8; a++) {
                for (int d = 0; d < 8; d++) {
                    f.echo(Fixture.VFIO_BIND, String.format("%02x.%04x", a, d));
                }
            }
        });
        List<Throwable> failures = run(f, jobs);
        assertThat(failures).as("unexpected errors in the threads").isEmpty();
        checkQuiescent(f);
    }

    private static void randomStore(Fixture f, String uuid, Random rnd) {
        String[] attrs = {"assign_adapter", "assign_domain", "unassign_adapter", "unassign_domain",
            "assign_control_domain", "unassign_control_domain"};
        String attr = attrs[rnd.nextInt(attrs.length)];
        String id = String.valueOf(rnd.nextInt(8));
        try {
            f.sysfs.write(mdev(uuid, attr), id + "\n");
        } catch (SysfsException e) {
            if (!EXPECTED.contains(e.errno()) || attr.startsWith("unassign") || attr.endsWith("control_domain")) {
                throw new AssertionError("echo " + id + " > " + attr + " of " + uuid + ": " + e.errno(), e);
            }
        }
    }

    private static Runnable guestToggler(Fixture f, int rounds) {
        return () -> {
            for (int i = 0; i < rounds; i++) {
                f.host.startGuest("g1", List.of(U1));
                Thread.yield();
                f.host.stopGuest("g1");
            }
            f.host.startGuest("g1", List.of(U1)); // leave it running for the checks
        };
    }

    /** Runs the jobs on daemon threads at once; fails on a deadlock (with what each thread holds). */
    private static List<Throwable> run(Fixture f, List<Runnable> jobs) throws InterruptedException {
        List<Throwable> failures = Collections.synchronizedList(new ArrayList<>());
        CountDownLatch go = new CountDownLatch(1);
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < jobs.size(); i++) {
            Runnable job = jobs.get(i);
            Thread t = new Thread(() -> {
                try {
                    go.await();
                    job.run();
                } catch (Throwable e) {
                    failures.add(e);
                }
            }, "worker-" + i);
            t.setDaemon(true);
            threads.add(t);
            t.start();
        }
        go.countDown();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        for (Thread t : threads) {
            t.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
        }
        List<String> stuck = new ArrayList<>();
        for (Thread t : threads) {
            if (t.isAlive()) {
                StringBuilder b = new StringBuilder(t.getName());
                for (StackTraceElement e : t.getStackTrace()) {
                    b.append("\n    at ").append(e);
                }
                stuck.add(b.toString());
            }
        }
        assertThat(stuck).as("threads still running after 60 s (deadlock?); lockdep: %s",
                f.host.lockdep().reportLines()).isEmpty();
        return failures;
    }

    /** What must hold on a quiescent host. */
    private static void checkQuiescent(Fixture f) {
        assertThat(f.host.lockdep().reports()).as(String.join("\n", f.host.lockdep().reportLines())).isEmpty();
        VfioApOps vfio = f.host.vfioAp();
        List<MatrixMdev> mdevs = vfio.mdevs();
        for (MatrixMdev m : mdevs) {
            ApMatrix mx = m.matrix();
            ApMatrix sh = m.shadowApcb();
            var info = vfio.matrixDev().info();
            // no APQN in two matrices
            for (MatrixMdev o : mdevs) {
                if (o != m) {
                    boolean shared = mx.apm().intersects(o.matrix().apm()) && mx.aqm().intersects(o.matrix().aqm());
                    assertThat(shared).as("%s and %s share an APQN", m.uuid(), o.uuid()).isFalse();
                }
            }
            // shadow within matrix AND host; every APQN of the shadow a bound, linked queue
            assertThat(sh.apm().subsetOf(mx.apm().and(info.apm()))).as("shadow apm of %s", m.uuid()).isTrue();
            assertThat(sh.aqm().subsetOf(mx.aqm().and(info.aqm()))).as("shadow aqm of %s", m.uuid()).isTrue();
            assertThat(sh.adm()).as("shadow adm of %s", m.uuid()).isEqualTo(mx.adm().and(info.adm()));
            for (int a : sh.apm().ids()) {
                for (int d : sh.aqm().ids()) {
                    Apqn apqn = new Apqn(a, d);
                    VfioApQueue q = m.qtable().get(apqn);
                    assertThat(q).as("%s in the shadow of %s is linked", apqn, m.uuid()).isNotNull();
                    assertThat(vfio.vfioQueue(apqn)).as("%s in the shadow is bound to vfio_ap", apqn).isSameAs(q);
                }
            }
            // links: exactly the bound queues of the matrix, pointing back
            for (ApQueue aq : f.host.bus().queues().values()) {
                Apqn apqn = aq.apqn();
                boolean inMatrix = mx.apm().test(apqn.apid()) && mx.aqm().test(apqn.apqi());
                VfioApQueue q = vfio.vfioQueue(apqn);
                boolean linked = m.qtable().containsKey(apqn);
                assertThat(linked).as("%s linked to %s", apqn, m.uuid()).isEqualTo(inMatrix && q != null);
                if (linked) {
                    assertThat(q.matrixMdev()).isSameAs(m);
                }
            }
        }
        // running guests: CRYCB == shadow == guest_matrix
        for (Guest g : f.host.guests()) {
            if (f.host.running(g.name())) {
                Kvm kvm = g.kvm();
                for (MatrixMdev m : g.mdevs()) {
                    f.assertCrycbIsShadow(kvm, m.uuid(), "of guest " + g.name());
                }
            }
        }
        assertThat(f.host.running("g1")).isTrue();
    }
}
