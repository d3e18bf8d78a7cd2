///usr/bin/env jbang "$0" "$@" ; exit $?
//JAVA 17+
//SOURCES support/AplabReference.java
//SOURCES support/Review10HotPlugSupport.java
import static aplab.notebook.Nb.*;
import aplab.lockdep.*;
import aplab.shell.Session;
import aplab.vfioap.MatrixMdev;
import java.util.*;
import java.util.concurrent.CountDownLatch;
public class Review10HotPlug extends Review10HotPlugSupport {
public static void main(String[] args) { notebook(Review10HotPlug.class, Review10HotPlug::cells); }
static void cells() {

// %% [markdown]
// # Review of v18 10/18: hot plug/unplug of AP devices when assigned/unassigned
//
// Patch 10 of the dynamic configuration series (Tony Krowiak, February 2022) lifts the rule
// that an mdev's adapters, domains and control domains cannot change while a guest uses it.
// After every assign or unassign the mdev's `matrix` is filtered into its shadow APCB
// (what `guest_matrix` shows), and the shadow is pushed into the running guest. Jason Herne
// reviewed it in March 2022 ([the review](https://lore.kernel.org/all/fcce28f2-64f7-0946-3f33-3158b7909d6b@linux.ibm.com/),
// [Tony's answer](https://lore.kernel.org/all/016b3ffe-8aaa-f29e-2a8e-217c6b97f3a1@linux.ibm.com/),
// [the follow-up](https://lore.kernel.org/all/fa02a725-eb03-6762-20c8-66aad68ce650@linux.ibm.com/) and the
// reply of 18 March in the same thread). Each review point is shown on the model (mainline
// unless a cell says otherwise):
//
// 1. one function pushes the shadow into KVM, and `set_kvm` calls it too;
// 2. filtering says whether the shadow changed, and the guest is updated only then;
// 3. the saved copies (`prev_shadow_apm`, `prev_shadow_aqm`, `prev_shadow_adm`) are the
//    *previous* shadow, not an "original";
// 4. `apm_delta`: filtering only the new adapter versus the whole matrix (CVE-2024-26620),
//    and where the `memset()`/`set_bit_inv()` of the delta sits;
// 5. the lock order `guests_lock -> kvm->lock -> mdevs_lock`, on real threads;
// 6. the `get_locks`/`put_locks` refactor: the lock sets before and after.

// %% [markdown]
// ## 1. One place pushes the masks to KVM
//
// v18 called the new helper `vfio_ap_mdev_hotplug_apcb()`. Jason asked for a name that
// says it updates the guest's APCB, and for `vfio_ap_mdev_set_kvm()` to call it instead of
// calling `kvm_arch_crypto_set_masks()` itself, so that the code is not duplicated. Tony agreed;
// the merged name is `vfio_ap_mdev_update_guest_apcb()`. The call trace of a guest start
// (`vfio_ap_mdev_set_kvm()`) on each kernel: 5.17 calls `kvm_arch_crypto_set_masks()` itself,
// from 6.0 on `set_kvm` goes through `vfio_ap_mdev_update_guest_apcb()`, with `kvm->lock` held
// (the lock nesting under it), as `kvm_arch_crypto_set_masks()` requires.

// %%
for (String k : List.of("5.17", "6.0", "mainline")) {
    Session g = reviewHost(k);
    quietly(g, "echo 5 > assign_adapter", "echo 4 > assign_domain");
    List<String> calls = new ArrayList<>();
    g.host().vfioAp().traceFilter(calls::add);
    List<String> locks = lockNestings(g, () -> g.execute("aplab guest start g1 --mdev " + U1));
    g.host().vfioAp().traceFilter(null);
    System.out.printf("[%s] calls: %s%n       locks: %s%n", k, calls.isEmpty() ? "kvm_arch_crypto_set_masks (direct)" : String.join(", ", calls),
            String.join(" | ", locks));
}
Session s = reviewHost("mainline");
quietly(s, "echo 5 > assign_adapter", "echo 4 > assign_domain", "aplab guest start g1 --mdev " + U1);

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
// shows all three and `vfio_ap_mdev_filter_cdoms()`: each call's `prev_shadow_*` is the
// previous call's result, and "changed" is decided against that. (The unbind of 06.0004 drops adapter 6 without filtering:
// `vfio_ap_mdev_remove_queue()` clears it from the shadow itself; the bind that follows
// filters again and finds adapter 6 whole.)

// %%
Session p = reviewHost("mainline");
List<String> filterLog = new ArrayList<>();
p.host().vfioAp().traceFilter(filterLog::add);
sh(p, "echo 5 > assign_adapter", "echo 6 > assign_adapter", "echo 4 > assign_domain",
        "echo 4 > assign_control_domain", "echo 4 > assign_control_domain",
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
// "s390/vfio-ap: always filter entire AP matrix", which removed `apm_delta` and `aqm_delta`.
//
// The property that matters is not whether the two kernels print different guest matrices but
// whether a queue not bound to vfio_ap reaches the guest matrix. Below, 2000 random sequences
// of 12 operations (assign/unassign of adapters and domains, binding and unbinding queues, seed
// 10) run on each kernel; after each operation every APQN of `guest_matrix` is checked against
// the queues bound to vfio_ap.

// %%
for (String k : List.of("6.0", "mainline")) {
    Random rnd = new Random(10);
    int sequences = 2000;
    int leaking = 0;
    String firstExample = null;
    for (int i = 0; i < sequences; i++) {
        Session h = reviewHost(k);
        List<String> steps = new ArrayList<>();
        for (int n = 0; n < 12; n++) {
            String op = randomOp(rnd);
            steps.add(op);
            h.execute(op);
            String leak = unboundInGuest(h);
            if (leak != null) {
                leaking++;
                if (firstExample == null) {
                    firstExample = String.join("; ", steps) + " -> " + leak + " in guest_matrix";
                }
                break;
            }
        }
    }
    System.out.printf("[%s] %d of %d sequences pass a queue not bound to vfio_ap into the guest matrix%n", k, leaking, sequences);
    if (firstExample != null) {
        System.out.println("  the first: " + firstExample);
    }
}

// %% [markdown]
// With the delta, the filter examines only the APQNs of the new adapter or domain, so an
// adapter dropped earlier returns unexamined; with the whole matrix filtered no sequence does.
//
// Where the delta is built: v18 moved `memset(apm, 0, ...)`/`set_bit_inv(apid, apm)` below
// `vfio_ap_mdev_validate_masks()` so that a refused write does not build it, and Jason asked to
// move it further down, under `vfio_ap_mdev_link_adapter()`, next to its only use. Its placement
// cannot change a result: only a write that passes validation reaches the filter. The filter
// trace on 6.0 of a refused write (adapter 5 already held by a second mdev) and a good one:

// %%
Session d = reviewHost("6.0");
quietly(d, "echo " + U2 + " > " + CREATE, "echo 7 > " + MATRIX + U2 + "/assign_adapter",
        "echo 4 > " + MATRIX + U2 + "/assign_domain", "echo 4 > assign_domain");
List<String> deltaLog = new ArrayList<>();
d.host().vfioAp().traceFilter(deltaLog::add);
for (String w : List.of("echo 7 > assign_adapter", "echo 6 > assign_adapter")) {
    List<String> o = d.execute(w);
    System.out.println("# " + w + (o.isEmpty() ? "" : "   " + o));
    deltaLog.forEach(l -> System.out.println("  " + l));
    deltaLog.clear();
}
d.host().vfioAp().traceFilter(null);

// %% [markdown]
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
        () -> { for (int i = 0; i < 200; i++) {
            t.execute("echo 07.0004 > /sys/bus/ap/drivers/vfio_ap/unbind"); t.execute("echo 07.0004 > /sys/bus/ap/drivers/vfio_ap/bind"); } },
        () -> { for (int i = 0; i < 200; i++) { t.execute("echo +7 > /sys/bus/ap/apmask"); t.execute("echo -7 > /sys/bus/ap/apmask"); } });
sh(t, "aplab lockdep", "aplab guest show g1", "cat " + MDEV + "/guest_matrix");

// %% [markdown]
// The commit message's order leaves out the AP bus lock. In v18, `assign_adapter_store()`
// took `guests_lock` and then, in `vfio_ap_mdev_validate_masks()`, `ap_perms_mutex` to check
// `apmask`/`aqmask`; an `apmask` write holds `ap_perms_mutex` and calls the `in_use` callback,
// which needs `guests_lock`. v18 avoided the deadlock on the `in_use` side, with a
// `mutex_trylock()` that returns EBUSY on contention (patch 13); the merged code takes
// `ap_perms_mutex` first on the assign side instead. Below, v18's assign order runs against the
// lock classes the `apmask` threads above used: the checker reports the cycle with both chains,
// whether or not the threads happened to deadlock this time:

// %%
LockDep lockdep = t.host().lockdep();
TrackedLock guests = t.host().vfioAp().matrixDev().guestsLock();
TrackedLock perms = t.host().bus().permsMutex();
Thread inverted = new Thread(() -> {
    try (var op = lockdep.operation("assign_adapter_store (v18 order)")) {
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
// same locks in the same order. The locks of each path on 5.17 (before the series), 6.0 (the
// helpers as merged) and mainline, without and then with a guest:

// %%
List<String> kernels3 = List.of("5.17", "6.0", "mainline");
List<Session> hosts = new ArrayList<>();
for (String k : kernels3) {
    Session r = reviewHost(k);
    quietly(r, "echo 5 > assign_adapter", "echo 4 > assign_domain");
    hosts.add(r);
}
List<String> order = List.of("ap_perms_mutex", "guests_lock", "kvm->lock", "matrix_dev->lock", "mdevs_lock");
var locksets = table("path (the deepest nesting of the driver's locks)", kernels3);
for (String cmd : List.of("echo 6 > assign_adapter", "echo 6 > unassign_adapter",
        "echo 4 > assign_control_domain", "echo 05.0004 > /sys/bus/ap/drivers/vfio_ap/unbind",
        "echo 05.0004 > /sys/bus/ap/drivers/vfio_ap/bind", "aplab guest start g1 --mdev " + U1,
        "echo 6 > assign_adapter", "echo 05.0004 > /sys/bus/ap/drivers/vfio_ap/unbind",
        "echo 05.0004 > /sys/bus/ap/drivers/vfio_ap/bind", "aplab guest stop g1")) {
    List<String> row = new ArrayList<>();
    for (Session r : hosts) {
        row.add(driverLocks(r, cmd, order));
    }
    locksets.row(cmd, row);
}
System.out.print(locksets.render());
Session r = hosts.get(2);
sh(r, "aplab lockdep");

// %% [markdown]
// Each cell is the deepest set of these locks the path holds at once. From 6.0 on every path takes them
// in the order `ap_perms_mutex -> guests_lock -> kvm->lock -> mdevs_lock`, leaving out
// `kvm->lock` when no guest is attached and `ap_perms_mutex` where `apmask`/`aqmask` are
// not checked (the bind path reads the masks under `ap_perms_mutex` in `ap_device_probe()`
// and drops it before the driver's probe). Before patch 10, `assign_adapter_store()` took
// `guests_lock` and `mdevs_lock` open-coded and refused with EBUSY when a guest was attached;
// with no guest that is the same pair of locks as `get_update_locks_for_mdev()` takes, which
// is what "a refactor that changes nothing" means here. The hot plug is the only new
// behaviour, and it is what needs `kvm->lock`.

// %% [markdown]
// ## Sources
//
// - Patch mail: [[PATCH v18 10/18]](https://lore.kernel.org/all/20220215005040.52697-11-akrowiak@linux.ibm.com/)
//   (Tony Krowiak, 14 Feb 2022); review: Jason J. Herne, 11 and 14 March 2022 (links above).
// - Merged as [`51dc562af09d`](https://git.kernel.org/torvalds/c/51dc562af09d) with
//   [`8ee13ad99337`](https://git.kernel.org/torvalds/c/8ee13ad99337) (the `get_update_locks`
//   helpers split out, as asked), Linux 6.0.
// - [`850fb7fa8c68`](https://git.kernel.org/torvalds/c/850fb7fa8c68) "s390/vfio-ap: always filter
//   entire AP matrix" (Linux 6.8, CVE-2024-26620), `Fixes: 48cae940c31d`; stable backports in the
//   [stable list](https://lore.kernel.org/stable/?q=%22always+filter+entire+AP+matrix%22).
// - The code as in Linux 6.12.117 (drivers/s390/crypto/vfio_ap_ops.c):
//   [`vfio_ap_mdev_update_guest_apcb()`][n648], [`vfio_ap_mdev_filter_cdoms()`][n657],
//   [`vfio_ap_mdev_filter_matrix()`][n706], [`assign_adapter_store()`][n1064],
//   [`vfio_ap_mdev_set_kvm()`][n1830].
//
// [n648]: https://git.kernel.org/pub/scm/linux/kernel/git/stable/linux.git/tree/drivers/s390/crypto/vfio_ap_ops.c?h=v6.12.117#n648
// [n657]: https://git.kernel.org/pub/scm/linux/kernel/git/stable/linux.git/tree/drivers/s390/crypto/vfio_ap_ops.c?h=v6.12.117#n657
// [n706]: https://git.kernel.org/pub/scm/linux/kernel/git/stable/linux.git/tree/drivers/s390/crypto/vfio_ap_ops.c?h=v6.12.117#n706
// [n1064]: https://git.kernel.org/pub/scm/linux/kernel/git/stable/linux.git/tree/drivers/s390/crypto/vfio_ap_ops.c?h=v6.12.117#n1064
// [n1830]: https://git.kernel.org/pub/scm/linux/kernel/git/stable/linux.git/tree/drivers/s390/crypto/vfio_ap_ops.c?h=v6.12.117#n1830

// %%
}}
