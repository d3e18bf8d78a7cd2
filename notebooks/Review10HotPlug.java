///usr/bin/env jbang "$0" "$@" ; exit $?
//JAVA 17+
//SOURCES support/AplabReference.java
//SOURCES support/Review10HotPlugSupport.java
import static aplab.notebook.Nb.*;
import aplab.shell.Session;
import java.util.*;
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
// reply of 18 March in the same thread). Each section below runs one review point on the
// model (mainline unless a cell says otherwise).

// %% [markdown]
// ## 1. One place pushes the masks to KVM
//
// v18 called the new helper `vfio_ap_mdev_hotplug_apcb()`. Jason asked for a name that says
// it updates the guest's APCB, and for `vfio_ap_mdev_set_kvm()` to call it rather than
// duplicate the `kvm_arch_crypto_set_masks()` call. Tony agreed; the merged name is
// `vfio_ap_mdev_update_guest_apcb()`. The call trace and lock nesting of a guest start: from
// 6.0 on, `set_kvm` goes through the helper, with `kvm->lock` held as
// `kvm_arch_crypto_set_masks()` requires.

// %%
for (String k : List.of("5.17", "6.0", "mainline")) {
    guestStartTrace(k);
}

// %% [markdown]
// ## 2. Filtering returns "changed"; the guest is updated only then
//
// `vfio_ap_mdev_filter_matrix()` and `vfio_ap_mdev_filter_cdoms()` return whether the shadow
// changed, and the store functions push only on a change. Each write below is followed by
// what KVM received from it. Adapter 8 is not in the host's configuration; the repeated
// writes assign what is already assigned.

// %%
Session s = reviewHost("mainline");
quietly(s, "echo 5 > assign_adapter", "echo 4 > assign_domain", "aplab guest start g1 --mdev " + U1);
pushes(s, "echo 6 > assign_adapter", "echo 8 > assign_adapter", "echo 6 > assign_adapter",
        "echo 0x47 > assign_domain", "echo 0x47 > assign_control_domain", "echo 0x47 > assign_control_domain",
        "echo 8 > unassign_adapter", "echo 6 > unassign_adapter");

// %% [markdown]
// ## 3. `prev_shadow_apm`: the previous shadow, not the original
//
// Jason asked to rename the saved copy `shadow_adm` to `original_adm`. Tony chose
// `prev_shadow_apm`, `prev_shadow_aqm` and `prev_shadow_adm`: the copy is the shadow as the
// previous filtering left it, not what the mdev started with. The filter trace:

// %%
Session p = reviewHost("mainline");
filterTrace(p, "echo 5 > assign_adapter", "echo 6 > assign_adapter", "echo 4 > assign_domain",
        "echo 4 > assign_control_domain", "echo 4 > assign_control_domain",
        "echo 06.0004 > /sys/bus/ap/drivers/vfio_ap/unbind", "echo 06.0004 > /sys/bus/ap/drivers/vfio_ap/bind");

// %% [markdown]
// Each call's `prev_shadow_*` is the previous call's result, and "changed" is decided against
// it. A repeated assignment returns before filtering. The unbind of 06.0004 filters nothing:
// `vfio_ap_mdev_remove_queue()` clears adapter 6 from the shadow itself, so the bind starts
// from `prev_shadow_apm=05` and finds adapter 6 whole again.
//
// ## 4. `apm_delta`: the new adapter only, or the whole matrix?
//
// In v18, `assign_adapter_store()` passed the filter a one-bit mask holding only the new
// APID, so that only the new adapter's queues were examined. Jason asked to name it for what
// it is, `apm_delta`; Tony agreed, and 6.0 merged it with its domain counterpart `aqm_delta`.
// The filter rebuilds the shadow from `matrix AND host` every time, though, so an adapter
// dropped earlier comes back unexamined. "s390/vfio-ap: always filter entire AP matrix"
// (6.8, CVE-2024-26620) removed both deltas. Its commit message's scenario, with its APQNs:
// a guest has adapters 0x14 and 0x16 with domains 4, 5 and 6; domain 4 is unassigned, queue
// 16.0005 unbound, domain 4 assigned again:

// %%
sideBySide(List.of(cveHost("6.0"), cveHost("mainline")), "cat guest_matrix", "echo 4 > unassign_domain",
        "echo 16.0005 > /sys/bus/ap/drivers/vfio_ap/unbind", "echo 4 > assign_domain", "cat guest_matrix");

// %% [markdown]
// With `aqm_delta` only 14.0004 and 16.0004 are examined, both bound, so 6.0 passes
// 16.0005, no longer bound to vfio_ap, to the guest. **Patch07FilterApcb** shows the adapter
// side (`apm_delta`). A property check rather than one scenario: 2000 random sequences of 12
// operations (assign/unassign of adapters and domains, unbind/bind of queues, seed 10) on
// each kernel, every APQN of `guest_matrix` checked against the queues bound to vfio_ap
// after each operation:

// %%
for (String k : List.of("6.0", "mainline")) {
    leakingSequences(k, 2000, 12, 10);
}

// %% [markdown]
// Where the delta is built: v18 moved `memset(apm, 0, ...)`/`set_bit_inv(apid, apm)` below
// `vfio_ap_mdev_validate_masks()` so that a refused write does not build it, and Jason asked
// to move it further down, under `vfio_ap_mdev_link_adapter()`, next to its only use. The
// placement cannot change a result: only a write that passes validation reaches the filter.
// The filter trace on 6.0 of a refused write (adapter 7, which a second mdev holds) and a
// good one:

// %%
Session d = reviewHost("6.0");
quietly(d, "echo " + U2 + " > " + CREATE, "echo 7 > " + MATRIX + U2 + "/assign_adapter",
        "echo 4 > " + MATRIX + U2 + "/assign_domain", "echo 4 > assign_domain");
filterTrace(d, "echo 7 > assign_adapter", "echo 6 > assign_adapter");

// %% [markdown]
// ## 5. The lock order, on real threads
//
// The commit message states the order `guests_lock -> kvm->lock -> mdevs_lock`: a guest's
// `kvm->lock` must be held to change its CRYCB, KVM takes it before calling into the driver,
// and the driver reads `matrix_mdev->kvm` (guarded by `guests_lock`) to know which
// `kvm->lock` to take. Four threads run at once, 200 rounds each: assign/unassign of adapter
// 6, assign/unassign of domain 0x47, unbind/bind of queue 07.0004 (the remove and probe
// paths) and set/clear of bit 7 in `apmask` (whose `in_use` callback takes `guests_lock`
// under `ap_perms_mutex`). The lock-order checker records every "acquired while holding"
// edge:

// %%
Session t = reviewHost("mainline");
quietly(t, "echo 5 > assign_adapter", "echo 4 > assign_domain", "aplab guest start g1 --mdev " + U1);
runConcurrently(
        () -> { for (int i = 0; i < 200; i++) { t.execute("echo 6 > " + MDEV + "/assign_adapter"); t.execute("echo 6 > " + MDEV + "/unassign_adapter"); } },
        () -> { for (int i = 0; i < 200; i++) { t.execute("echo 0x47 > " + MDEV + "/assign_domain"); t.execute("echo 0x47 > " + MDEV + "/unassign_domain"); } },
        () -> { for (int i = 0; i < 200; i++) {
            t.execute("echo 07.0004 > /sys/bus/ap/drivers/vfio_ap/unbind"); t.execute("echo 07.0004 > /sys/bus/ap/drivers/vfio_ap/bind"); } },
        () -> { for (int i = 0; i < 200; i++) { t.execute("echo +7 > /sys/bus/ap/apmask"); t.execute("echo -7 > /sys/bus/ap/apmask"); } });
sh(t, "aplab lockdep", "aplab guest show g1");

// %% [markdown]
// The commit message's order leaves out the AP bus lock. v18's `assign_adapter_store()` took
// `guests_lock` and then, in `vfio_ap_mdev_validate_masks()`, `ap_perms_mutex`; an `apmask`
// write holds `ap_perms_mutex` when it calls `in_use`, which needs `guests_lock`. v18 avoided
// the deadlock on the `in_use` side, with a `mutex_trylock()` that fails the mask write with
// EBUSY on contention (**Patch13InUseImpl**); the merged code takes `ap_perms_mutex` first on
// the assign side. v18's assign order, run against the lock classes the `apmask` thread used
// above, makes the checker report the cycle whether or not the threads deadlocked:

// %%
takeInOrder(t, "assign_adapter_store (v18 order)", t.host().vfioAp().matrixDev().guestsLock(), t.host().bus().permsMutex());
sh(t, "aplab lockdep");

// %% [markdown]
// ## 6. `get_locks`/`put_locks`: a refactor that changes nothing
//
// Jason asked that the new `vfio_ap_mdev_get_locks()` be its own patch: it touches every
// store function and hides the hot plug change in noise. Tony first argued the locks make
// sense only inside the series, then agreed to split; v20 has separate "prepare for dynamic
// update" patches, and the helpers became `get_update_locks_for_mdev()`,
// `get_update_locks_for_kvm()`, `get_update_locks_by_apqn()` and
// `get_update_locks_for_queue()`. A refactor must take the same locks in the same order on
// every path. The locks of each path before the series (5.17) and with the merged helpers
// (6.0), without and then with a guest (`vfio_ap/` is `/sys/bus/ap/drivers/vfio_ap/`):

// %%
lockSets(List.of("5.17", "6.0", "mainline"), "echo 6 > assign_adapter", "echo 6 > unassign_adapter",
        "echo 4 > assign_control_domain", "echo 05.0004 > /sys/bus/ap/drivers/vfio_ap/unbind",
        "echo 05.0004 > /sys/bus/ap/drivers/vfio_ap/bind", "aplab guest start g1 --mdev " + U1,
        "echo 6 > assign_adapter", "echo 05.0004 > /sys/bus/ap/drivers/vfio_ap/unbind",
        "echo 05.0004 > /sys/bus/ap/drivers/vfio_ap/bind", "aplab guest stop g1");

// %% [markdown]
// From 6.0 on every path goes down `ap_perms_mutex -> guests_lock -> kvm->lock -> mdevs_lock`,
// without `kvm->lock` when no guest is attached and without `ap_perms_mutex` where
// `apmask`/`aqmask` are not checked (the bind path reads the masks under `ap_perms_mutex` in
// `ap_device_probe()` and drops it before the driver's probe). Before patch 10,
// `assign_adapter_store()` took `guests_lock` and `mdevs_lock` open-coded and refused with
// EBUSY while a guest was attached; with no guest that is the pair
// `get_update_locks_for_mdev()` takes. The hot plug is the only new behaviour, and it is what
// needs `kvm->lock`.

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
