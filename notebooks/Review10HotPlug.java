///usr/bin/env jbang "$0" "$@" ; exit $?
//JAVA 17+
//SOURCES ../reference/src/main/java/**.java

import static aplab.notebook.Nb.*;

import aplab.lockdep.LockDep;
import aplab.lockdep.TrackedLock;
import aplab.notebook.Notebook;
import aplab.shell.Session;
import aplab.vfioap.MatrixMdev;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CountDownLatch;

public class Review10HotPlug {
    public static void main(String[] args) {
        Notebook.main(Review10HotPlug.class, Review10HotPlug::cells);
    }

    static final String U1 = "11111111-1111-1111-1111-111111111111";
    static final String MDEV = "/sys/devices/vfio_ap/matrix/" + U1;
    static final String CREATE = "/sys/devices/vfio_ap/matrix/mdev_supported_types/vfio_ap-passthrough/create";

    /** A host with adapters 5, 6, 7 and domains 4, 0x47 given to vfio_ap, and one mdev. */
    static Session reviewHost(String kernel) {
        Session s = host(kernel);
        quietly(s, "aplab host --adapters 5,6,7 --domains 4,0x47",
                "echo -5,-6,-7 > /sys/bus/ap/apmask", "echo -4,-0x47 > /sys/bus/ap/aqmask",
                "echo " + U1 + " > " + CREATE, "cd " + MDEV);
        return s;
    }

    static MatrixMdev mdev(Session s) {
        return s.host().vfioAp().mdev(U1);
    }

    static final String[] OPS = {
        "echo 5 > assign_adapter", "echo 6 > assign_adapter", "echo 7 > assign_adapter",
        "echo 5 > unassign_adapter", "echo 6 > unassign_adapter",
        "echo 4 > assign_domain", "echo 0x47 > assign_domain", "echo 4 > unassign_domain", "echo 0x47 > unassign_domain",
        "echo 05.0047 > /sys/bus/ap/drivers/vfio_ap/unbind", "echo 05.0047 > /sys/bus/ap/drivers/vfio_ap/bind",
        "echo 06.0004 > /sys/bus/ap/drivers/vfio_ap/unbind", "echo 06.0004 > /sys/bus/ap/drivers/vfio_ap/bind",
    };

    /** The deepest nesting of the locks in {@code order} that a command holds at once. */
    static String driverLocks(Session s, String cmd, List<String> order) {
        List<String> held = new ArrayList<>();
        List<String> deepest = new ArrayList<>();
        s.host().lockdep().trace(line -> {
            int lock = line.indexOf(": lock ");
            int unlock = line.indexOf(": unlock ");
            if (lock >= 0 && order.contains(line.substring(lock + 7))) {
                held.add(line.substring(lock + 7));
                if (held.size() > deepest.size()) {
                    deepest.clear();
                    deepest.addAll(held);
                }
            } else if (unlock >= 0) {
                held.remove(line.substring(unlock + 9));
            }
        });
        List<String> out = s.execute(cmd);
        s.host().lockdep().trace(null);
        int last = -1;
        boolean inOrder = true;
        for (String l : deepest) {
            int k = order.indexOf(l);
            inOrder &= k > last;
            last = k;
        }
        return String.join(" -> ", deepest) + (inOrder ? "" : "   OUT OF ORDER") + (out.isEmpty() ? "" : "   " + out);
    }

    static String randomOp(Random rnd) {
        return OPS[rnd.nextInt(OPS.length)];
    }

    static void runConcurrently(Runnable... bodies) {
        CountDownLatch start = new CountDownLatch(1);
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < bodies.length; i++) {
            Runnable b = bodies[i];
            Thread th = new Thread(() -> {
                try {
                    start.await();
                } catch (InterruptedException e) {
                    return;
                }
                b.run();
            }, "worker-" + i);
            threads.add(th);
            th.start();
        }
        start.countDown();
        threads.forEach(Review10HotPlug::join);
    }

    static void join(Thread th) {
        try {
            th.join(60_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (th.isAlive()) {
            throw new IllegalStateException(th.getName() + " did not finish in 60 s: a deadlock?");
        }
    }

    static void cells() {
        // %% [markdown]
        // # Review of v18 10/18: hot plug/unplug of AP devices when assigned/unassigned
        //
        // Patch 10 of the dynamic configuration series (Tony Krowiak, February 2022) lifts the rule
        // that an mdev's adapters, domains and control domains cannot change while a guest uses it.
        // After every assign or unassign the mdev's `matrix` is filtered into its shadow APCB
        // (what `guest_matrix` shows), and the shadow is pushed into the running guest. Jason Herne
        // reviewed it in March 2022; the thread is in `shared/seed/`. This notebook takes each
        // review point and shows it on the model (mainline unless a cell says otherwise):
        //
        // 1. one function pushes the shadow into KVM, and `set_kvm` calls it too;
        // 2. filtering says whether the shadow changed, and the guest is updated only then;
        // 3. the saved copies are the *previous* shadow, not an "original";
        // 4. `apm_delta`: filtering only the new adapter versus the whole matrix;
        // 5. the lock order `guests_lock -> kvm->lock -> mdevs_lock`, on real threads;
        // 6. the `get_locks`/`put_locks` refactor changes no behaviour.

        // %% [markdown]
        // ## 1. One place pushes the masks to KVM
        //
        // v18 called the new helper `vfio_ap_mdev_hotplug_apcb()`. Jason asked for a name that
        // says it updates the guest's APCB, and for `vfio_ap_mdev_set_kvm()` to call it instead of
        // calling `kvm_arch_crypto_set_masks()` itself, so that the code is not duplicated. Tony agreed;
        // the merged name is `vfio_ap_mdev_update_guest_apcb()`. In the model every CRYCB change goes
        // through it; the lock trace of a guest start shows `set_kvm` pushing the shadow with
        // `kvm->lock` held, as `kvm_arch_crypto_set_masks()` requires.

        // %%
        Session s = reviewHost("mainline");
        sh(s, "echo 5 > assign_adapter", "echo 4 > assign_domain", "cat guest_matrix");
        lockTrace(s, () -> s.execute("aplab guest start g1 --mdev " + U1));
        sh(s, "aplab guest show g1");

        // %% [markdown]
        // ## 2. Filtering returns "changed"; the guest is updated only then
        //
        // `vfio_ap_mdev_filter_matrix()` and `vfio_ap_mdev_filter_cdoms()` now return whether the
        // shadow changed, and the store functions push only on a change. Below, each write is
        // followed by the number of pushes into the running guest so far. Assigning adapter 8
        // (not in the host's configuration), assigning an adapter twice, and assigning control
        // domain 0x47 twice change nothing the guest sees, so they push nothing.

        // %%
        String[] writes = {"echo 6 > assign_adapter", "echo 8 > assign_adapter", "echo 6 > assign_adapter",
            "echo 0x47 > assign_domain", "echo 0x47 > assign_control_domain", "echo 0x47 > assign_control_domain",
            "echo 8 > unassign_adapter", "echo 6 > unassign_adapter"};
        for (String w : writes) {
            int before = s.host().vfioAp().guestUpdates(mdev(s));
            List<String> out = s.execute(w);
            int after = s.host().vfioAp().guestUpdates(mdev(s));
            System.out.printf("%-40s pushes: %d -> %d%s%n", "# " + w, before, after, out.isEmpty() ? "" : "  " + out);
        }
        sh(s, "cat guest_matrix", "aplab guest show g1");

        // %% [markdown]
        // Every push, in order, as KVM received it (the first is `set_kvm`'s):

        // %%
        s.host().guest("g1").kvm().updates().forEach(System.out::println);

        // %% [markdown]
        // ## 3. `prev_shadow_apm`: the previous shadow, not the original
        //
        // Jason asked to rename the saved copy `shadow_adm` to `original_adm`. Tony chose
        // `prev_shadow_apm`, `prev_shadow_aqm` and `prev_shadow_adm`: the copy is the shadow as the
        // *previous* filtering left it, which is not what the mdev started with. The filter trace
        // shows it: each call's `prev_shadow_apm` is the previous call's result, and "changed" is
        // decided against that. (The unbind of 06.0004 drops adapter 6 without filtering:
        // `vfio_ap_mdev_remove_queue()` clears it from the shadow itself; the bind that follows
        // filters again and finds adapter 6 whole.)

        // %%
        Session p = reviewHost("mainline");
        List<String> filterLog = new ArrayList<>();
        p.host().vfioAp().traceFilter(filterLog::add);
        sh(p, "echo 5 > assign_adapter", "echo 6 > assign_adapter", "echo 4 > assign_domain",
                "echo 06.0004 > /sys/bus/ap/drivers/vfio_ap/unbind", "echo 06.0004 > /sys/bus/ap/drivers/vfio_ap/bind");
        p.host().vfioAp().traceFilter(null);
        filterLog.forEach(System.out::println);

        // %% [markdown]
        // ## 4. `apm_delta`: the new adapter only, or the whole matrix?
        //
        // In v18, `assign_adapter_store()` passed filtering a one-bit mask with just the new APID,
        // so that only the new adapter's queues were examined. Jason asked to name it for what it
        // is, `apm_delta`; Tony agreed. The merged 6.0 code kept the delta. But the filter rebuilds
        // the shadow from `matrix AND host` every time, so an adapter that an earlier filtering had
        // dropped comes back without being examined. Here adapter 5 is dropped because its queue
        // 05.0047 is not bound to vfio_ap; then adapter 6 is assigned:

        // %%
        List<Session> kernels = List.of(reviewHost("6.0"), reviewHost("mainline"));
        sideBySide(kernels, "echo 05.0047 > /sys/bus/ap/drivers/vfio_ap/unbind", "echo 5 > assign_adapter",
                "echo 4 > assign_domain", "echo 0x47 > assign_domain", "cat guest_matrix",
                "echo 6 > assign_adapter", "cat guest_matrix");

        // %% [markdown]
        // On 6.0 the guest matrix now holds 05.0047, whose queue is not bound to vfio_ap: the queue
        // could be given to a guest while the host uses it. This is CVE-2024-26620, fixed in 6.8 by
        // "s390/vfio-ap: always filter entire AP matrix", which removed `apm_delta` and
        // `aqm_delta`. The scenario above is one example; how common is the difference? Below, 2000
        // random sequences of 12 operations (assign/unassign of adapters and domains, binding and
        // unbinding queues) run on both kernels, and the guest matrices are compared after each
        // operation (seed 10).

        // %%
        Random rnd = new Random(10);
        int sequences = 2000;
        int differing = 0;
        String firstExample = null;
        for (int i = 0; i < sequences; i++) {
            Session old = reviewHost("6.0");
            Session cur = reviewHost("mainline");
            List<String> steps = new ArrayList<>();
            for (int k = 0; k < 12; k++) {
                String op = randomOp(rnd);
                steps.add(op);
                old.execute(op);
                cur.execute(op);
                if (!out(old, "cat guest_matrix").equals(out(cur, "cat guest_matrix"))) {
                    differing++;
                    if (firstExample == null) {
                        firstExample = String.join("\n  ", steps) + "\n  -> 6.0: " + out(old, "cat guest_matrix").replace("\n", " ")
                                + " | mainline: " + out(cur, "cat guest_matrix").replace("\n", " ");
                    }
                    break;
                }
            }
        }
        System.out.printf("%d of %d random sequences reach a guest matrix that differs between 6.0 and mainline%n", differing, sequences);
        System.out.println("the first one:\n  " + firstExample);

        // %% [markdown]
        // So the delta is not an optimisation that gives the same answer: it differs in a sizeable
        // share of ordinary sequences, always by letting in an adapter the whole-matrix filter
        // drops.
        //
        // ## 5. The lock order, on real threads
        //
        // The commit message states the order `guests_lock -> kvm->lock -> mdevs_lock`: a guest's
        // `kvm->lock` must be held to change its CRYCB, KVM takes it before calling into the driver,
        // and the driver must look at `matrix_mdev->kvm` (guarded by `guests_lock`) to know which
        // `kvm->lock` to take. Below, four threads run the paths that need the order at the same
        // time: an assign, an unassign, a queue unbind/bind (the probe and remove paths), and an
        // `apmask` write (whose `in_use` callback takes `guests_lock` under `ap_perms_mutex`). The
        // lock-order checker records every "acquired while holding" edge.

        // %%
        Session t = reviewHost("mainline");
        quietly(t, "echo 5 > assign_adapter", "echo 4 > assign_domain", "aplab guest start g1 --mdev " + U1);
        runConcurrently(
                () -> { for (int i = 0; i < 200; i++) { t.execute("echo 6 > " + MDEV + "/assign_adapter"); t.execute("echo 6 > " + MDEV + "/unassign_adapter"); } },
                () -> { for (int i = 0; i < 200; i++) { t.execute("echo 0x47 > " + MDEV + "/assign_domain"); t.execute("echo 0x47 > " + MDEV + "/unassign_domain"); } },
                () -> { for (int i = 0; i < 200; i++) { t.execute("echo 07.0004 > /sys/bus/ap/drivers/vfio_ap/unbind"); t.execute("echo 07.0004 > /sys/bus/ap/drivers/vfio_ap/bind"); } },
                () -> { for (int i = 0; i < 200; i++) { t.execute("echo +7 > /sys/bus/ap/apmask"); t.execute("echo -7 > /sys/bus/ap/apmask"); } });
        sh(t, "aplab lockdep", "aplab guest show g1", "cat " + MDEV + "/guest_matrix");

        // %% [markdown]
        // Now one path is made to take the locks the other way round. v18's answer to the
        // `ap_perms_mutex` problem (patch 13) was a trylock; suppose instead an assign path took
        // `guests_lock` and then `ap_perms_mutex` to check `apmask`, while an `apmask` write holds
        // `ap_perms_mutex` and takes `guests_lock` in `in_use`. The checker reports the cycle with
        // both chains, whether or not the threads happened to deadlock this time:

        // %%
        LockDep lockdep = t.host().lockdep();
        TrackedLock guests = t.host().vfioAp().matrixDev().guestsLock();
        TrackedLock perms = t.host().bus().permsMutex();
        Thread inverted = new Thread(() -> {
            try (var op = lockdep.operation("assign_adapter_store (inverted for the demonstration)")) {
                guests.lock();
                perms.lock();
                perms.unlock();
                guests.unlock();
            }
        }, "inverted");
        inverted.start();
        join(inverted);
        sh(t, "aplab lockdep");

        // %% [markdown]
        // ## 6. `get_locks`/`put_locks`: a refactor that changes nothing
        //
        // Jason asked that the new `vfio_ap_mdev_get_locks()` be its own patch: it touches every
        // store function and hides the hot plug change in noise. Tony first argued the locks only
        // make sense inside the series, then agreed to split; v20 has separate "prepare for dynamic
        // update" patches, and the helpers became `get_update_locks_for_mdev()`,
        // `get_update_locks_for_kvm()`, `get_update_locks_by_apqn()` and
        // `get_update_locks_for_queue()`. A refactor must not change behaviour: every path takes the
        // same locks in the same order. The locks of each path, without and then with a guest:

        // %%
        Session r = reviewHost("mainline");
        quietly(r, "echo 5 > assign_adapter", "echo 4 > assign_domain");
        List<String> order = List.of("ap_perms_mutex", "guests_lock", "kvm->lock", "mdevs_lock");
        for (String cmd : List.of("echo 6 > assign_adapter", "echo 6 > unassign_adapter",
                "echo 4 > assign_control_domain", "echo 05.0004 > /sys/bus/ap/drivers/vfio_ap/unbind",
                "echo 05.0004 > /sys/bus/ap/drivers/vfio_ap/bind", "aplab guest start g1 --mdev " + U1,
                "echo 6 > assign_adapter", "echo 05.0004 > /sys/bus/ap/drivers/vfio_ap/unbind",
                "echo 05.0004 > /sys/bus/ap/drivers/vfio_ap/bind", "aplab guest stop g1")) {
            System.out.printf("%-52s %s%n", "# " + cmd, driverLocks(r, cmd, order));
        }
        sh(r, "aplab lockdep");

        // %% [markdown]
        // Each line is the deepest set of these locks the path holds at once. Every path takes them
        // in the order `ap_perms_mutex -> guests_lock -> kvm->lock -> mdevs_lock`, leaving out
        // `kvm->lock` when no guest is attached and `ap_perms_mutex` where `apmask`/`aqmask` are
        // not checked (the bind path reads the masks under `ap_perms_mutex` in `ap_device_probe()`
        // and drops it before the driver's probe). Before patch 10, `assign_adapter_store()` took
        // `guests_lock` and `mdevs_lock` open-coded and refused with EBUSY when a guest was attached;
        // with no guest that is the same pair of locks as `get_update_locks_for_mdev()` takes, which
        // is what "a refactor that changes nothing" means here. The hot plug is the only new
        // behaviour, and it is what needs `kvm->lock`.
    }

}
