///usr/bin/env jbang "$0" "$@" ; exit $?
//JAVA 17+
//SOURCES support/AplabReference.java
//SOURCES support/Patch09GuestsLockSupport.java
import static aplab.notebook.Nb.*;
import aplab.kvm.Kvm;
import aplab.lockdep.*;
import aplab.shell.Session;
import aplab.vfioap.*;
import java.util.*;
public class Patch09GuestsLock extends Patch09GuestsLockSupport {
public static void main(String[] args) { notebook(Patch09GuestsLock.class, Patch09GuestsLock::cells); }
static void cells() {

// %% [markdown]
// # Patch 09/18: s390/vfio-ap: introduce new mutex to control access to the KVM pointer
//
// Hot plug (patches 10, 11 and 15) changes a running guest's CRYCB from paths that start at
// an mdev or a queue: an assignment, a queue probe or remove, a configuration change. Two
// rules meet there:
//
// - `kvm_arch_crypto_set_masks()` needs the guest's `kvm->lock`, and lockdep had found KVM
//   paths that hold `kvm->lock` and then need the driver's lock. Since the 2021 fixes
//   ("s390/vfio-ap: fix circular lockdep when setting/clearing crypto masks",
//   "s390/vfio-ap: replace open coded locks for VFIO_GROUP_NOTIFY_SET_KVM notification")
//   the driver takes `kvm->lock` **before** its own lock, as `vfio_ap_mdev_set_kvm()` does.
// - Which `kvm->lock`? The one of `matrix_mdev->kvm`, a field protected by
//   `matrix_dev->lock`, which may only be taken after `kvm->lock`.
//
// A hot plug path can neither read the pointer under `matrix_dev->lock` and then take
// `kvm->lock` (wrong order), nor read it, drop the lock and take `kvm->lock` (the guest may
// have gone in between). The patch adds a third lock, `matrix_dev->guests_lock`, taken
// **before** `kvm->lock`: whoever sets or clears `matrix_mdev->kvm` holds it, so under it
// the pointer is stable and its `kvm->lock` may be taken. It also guards the list of mdevs.
// The driver lock keeps guarding the mdevs' state and becomes `matrix_dev->mdevs_lock` (in
// v20 a patch of its own). The order, global:
//
//     guests_lock -> kvm->lock (if the mdev has a guest) -> mdevs_lock
//
// with the AP bus's `ap_perms_mutex` before all three on the assignment paths (patch 13).
//
// Review: in v17 a list of active guests solved the same problem; Halil Pasic suggested a
// mutex instead, which is this patch. After v18 Jason Herne asked (on patch 10) for the lock
// helpers in patches of their own; v20 has "rename matrix_dev->lock mutex to
// matrix_dev->mdevs_lock", "use proper locking order when setting/clearing KVM pointer" and
// the helpers `get_update_locks_for_mdev()`, `get_update_locks_for_kvm()`,
// `get_update_locks_by_apqn()` and `get_update_locks_for_queue()`. Halil also asked (on
// patch 17) that the documentation state the hierarchy once, as one global order.

// %% [markdown]
// ## Starting a guest: `vfio_ap_mdev_set_kvm()`
//
// 5.17 first sets the guest's PQAP hook under its `pqap_hook_rwsem` and drops it, then takes
// `kvm->lock` and `matrix_dev->lock`. Mainline takes `guests_lock` first and, since the 2026
// fix for the stale `pqap_hook`, sets the hook under the same locks, with the rwsem between
// `kvm->lock` and `mdevs_lock`:

// %%
for (String k : List.of("5.17", "mainline")) {
    Session s = assigned(k);
    System.out.println("[" + k + "] aplab guest start g1 --mdev " + U1);
    lockTrace(s, () -> s.execute("aplab guest start g1 --mdev " + U1));
}

// %% [markdown]
// ## Every path, before and after
//
// The deepest nesting of these locks that each path holds at once (other locks, such as the
// queue device's `&dev->mutex`, left out), in order: create a second mdev, assign without a
// guest, start the guest, assign with the guest running, unbind and bind an assigned queue,
// give unassigned queues back to the host, stop the guest. `;` separates one nesting from
// the next.

// %%
printNestings("5.17");
printNestings("mainline");
printNestingsDiffering("6.0", "mainline");

// %% [markdown]
// On 5.17 every driver path takes the one driver lock, `matrix_dev->lock`, only the guest
// paths with `kvm->lock` before it; assigning with the guest running fails with EBUSY (the
// pointer is checked, nothing pushed). The `apmask` write asks no driver (no `in_use` before
// 5.18); the bind shows the bus's ownership check under `ap_perms_mutex` before the probe.
//
// From 6.0 on, every path that may touch a guest takes `guests_lock`, then that guest's
// `kvm->lock` if the mdev has one, then `mdevs_lock`; the assignments and the `in_use`
// callback behind the `apmask` write take `ap_perms_mutex` first. 6.0 created an mdev under
// `mdevs_lock` alone, although `guests_lock` guards the mdev list; a 2026 fix ("Fix missing
// lock required to access list of ap_matrix_mdev objects") takes `guests_lock` there too.
//
// ## Why not read the pointer under the driver lock?
//
// A hot plug written by hand with the model's 5.17 locks (`hotPlugUnderDriverLock()`) holds
// `matrix_dev->lock`, reads `matrix_mdev->kvm` and takes that guest's `kvm->lock`. `set_kvm`
// has recorded `kvm->lock -> matrix_dev->lock`; lockdep reports the cycle, although this one
// thread did not deadlock:

// %%
Session old = guestRunning("5.17");
hotPlugUnderDriverLock(old);
lockdepVerdict(old);

// %% [markdown]
// Reading the pointer under `matrix_dev->lock`, dropping it, then taking `kvm->lock` has no
// lock-order problem but a window. `hotPlugWithWindow()` stops the guest inside it (forced,
// one thread): the hot plug then writes masks into the CRYCB of a guest that has shut down
// and whose KVM reference vfio_ap dropped (in the kernel, possibly freed memory), after
// its `clear_masks`:

// %%
hotPlugWithWindow(guestRunning("5.17"));

// %% [markdown]
// ## The same hot plug under `guests_lock`
//
// On mainline `hotPlugUnderGuestsLock()` takes `guests_lock`, reads the pointer, takes
// `kvm->lock` and `mdevs_lock`, pushes the shadow and releases in reverse order; a `guest
// stop` starts on another thread while `guests_lock` is held. `unset_kvm` needs
// `guests_lock` to clear the pointer, so whatever the schedule the push lands while the
// guest runs (after the start's `set_masks`), then the masks are cleared. The full mainline
// dependency graph is in **Patch17LockingDoc**.

// %%
Session cur = guestRunning("mainline");
hotPlugUnderGuestsLock(cur);
lockdepVerdict(cur);

// %% [markdown]
// ## Sources
//
// - Patch mail: [[PATCH v18 09/18]](https://lore.kernel.org/all/20220215005040.52697-10-akrowiak@linux.ibm.com/)
//   (Tony Krowiak, 14 Feb 2022), in the [v18 series](https://lore.kernel.org/all/20220215005040.52697-1-akrowiak@linux.ibm.com/).
// - Merged as [`21195eb038bc`](https://git.kernel.org/torvalds/c/21195eb038bc)
//   ("s390/vfio-ap: introduce new mutex to control access to the KVM pointer"),
//   Linux 6.0.
//   With it: [`d0786556caa1`](https://git.kernel.org/torvalds/c/d0786556caa1)
//   ("s390/vfio-ap: rename matrix_dev->lock mutex to matrix_dev->mdevs_lock").
//   With it: [`b84eb8e05057`](https://git.kernel.org/torvalds/c/b84eb8e05057)
//   ("s390/vfio-ap: use proper locking order when setting/clearing KVM pointer").
// - The code as in Linux 6.12.117 (drivers/s390/crypto/vfio_ap_ops.c):
//   [`get_update_locks_for_mdev()`][n107], [`vfio_ap_mdev_set_kvm()`][n1830].
//
// [n107]: https://git.kernel.org/pub/scm/linux/kernel/git/stable/linux.git/tree/drivers/s390/crypto/vfio_ap_ops.c?h=v6.12.117#n107
// [n1830]: https://git.kernel.org/pub/scm/linux/kernel/git/stable/linux.git/tree/drivers/s390/crypto/vfio_ap_ops.c?h=v6.12.117#n1830

// %%
}}
