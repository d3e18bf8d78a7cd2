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
// Hot plug (patches 10, 11 and 15) changes a running guest's CRYCB from driver paths that
// start at an mdev or a queue: an assignment, a queue probe or remove, a configuration
// change. Two rules meet there:
//
// - `kvm_arch_crypto_set_masks()` must be called with the guest's `kvm->lock` held, and
//   lockdep had found KVM paths that hold `kvm->lock` and then need the driver's lock.
//   Since the 2021 fixes ("s390/vfio-ap: fix circular lockdep when setting/clearing
//   crypto masks", "s390/vfio-ap: replace open coded locks for VFIO_GROUP_NOTIFY_SET_KVM
//   notification") the driver takes `kvm->lock` **before** its own lock, as
//   `vfio_ap_mdev_set_kvm()` does in 5.17: `kvm->lock`, then `matrix_dev->lock`.
// - Which `kvm->lock`? The one of `matrix_mdev->kvm`, a field protected by
//   `matrix_dev->lock`, which may only be taken after `kvm->lock`.
//
// A hot plug path cannot read the pointer under `matrix_dev->lock` and then take
// `kvm->lock` (wrong order), nor read it, drop the lock and take `kvm->lock` (the guest may
// have gone in between). The patch adds a third lock, `matrix_dev->guests_lock`, taken
// **before** `kvm->lock`: whoever sets or clears `matrix_mdev->kvm` holds it, so under it
// the pointer is stable and its `kvm->lock` may be taken. It also guards the list of
// mdevs. The driver lock keeps guarding the mdevs' state and becomes
// `matrix_dev->mdevs_lock` (in v20 the rename is a patch of its own). The order, global:
//
//     guests_lock -> kvm->lock (if the mdev has a guest) -> mdevs_lock
//
// with the AP bus's `ap_perms_mutex` before all three on the assignment paths (patch 13).
//
// Review: in v17 the same problem was solved by keeping a list of active guests; Halil
// Pasic suggested a mutex instead, which is this patch. After v18, Jason Herne asked
// (on patch 10) that the lock helpers be split into their own patches; v20 has
// "rename matrix_dev->lock mutex to matrix_dev->mdevs_lock", "use proper locking order
// when setting/clearing KVM pointer" and the helpers `get_update_locks_for_mdev()`,
// `get_update_locks_for_kvm()`, `get_update_locks_by_apqn()` and
// `get_update_locks_for_queue()`. Halil also asked (on patch 17) that the documentation
// state the hierarchy once, as one global order.

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
// The deepest nesting of these locks that each path holds at once (other locks, such as
// the queue device's `&dev->mutex`, left out), in order: create a second mdev, assign
// without a guest, start the guest, assign with the guest running, unbind and bind an
// assigned queue, give unassigned queues back to the host, stop the guest.

// %%
for (String k : List.of("5.17", "6.0", "mainline")) {
    Session s = assigned(k);
    System.out.println("[" + k + "]");
    for (String cmd : PATHS) {
        System.out.printf("  %-52s %s%n", "# " + cmd.replace(U1, "UUID1").replace(U2, "UUID2"), nesting(s, cmd));
    }
}

// %% [markdown]
// Each line lists the nestings in the order they happened (`;` separates one from the
// next). On 5.17 every driver path takes the one driver lock, `matrix_dev->lock`, and only
// the guest paths take `kvm->lock` before it. Assigning with the guest running fails with
// EBUSY: the pointer is checked, nothing is pushed. The `apmask` write asks no driver (no
// `in_use` before 5.18); the bind shows the bus's own ownership check under
// `ap_perms_mutex` before vfio_ap's probe.
//
// From 6.0 on, every path that may touch a guest takes `guests_lock`, then that guest's
// `kvm->lock` if the mdev has one, then `mdevs_lock`; the assignments and the `in_use`
// callback behind the `apmask` write take `ap_perms_mutex` first. The one difference
// between 6.0 and mainline is the creation of an mdev: 6.0 added it to the mdev list under
// `mdevs_lock` alone, although `guests_lock` guards that list; a 2026 fix ("Fix missing
// lock required to access list of ap_matrix_mdev objects") takes `guests_lock` there too.
//
// ## Why not read the pointer under the driver lock?
//
// Written out by hand with the model's own locks on 5.17: a hot plug that holds
// `matrix_dev->lock` to read `matrix_mdev->kvm` and then takes that guest's `kvm->lock` to
// push the masks. `set_kvm` has already recorded `kvm->lock -> matrix_dev->lock`; the
// checker reports the cycle, although this single thread did not deadlock:

// %%
Session old = assigned("5.17");
quietly(old, "aplab guest start g1 --mdev " + U1);
LockDep lockdep = old.host().lockdep();
TrackedLock driverLock = old.host().vfioAp().matrixDev().mdevsLock();
try (var op = lockdep.operation("hot plug under matrix_dev->lock (hypothetical)")) {
    driverLock.lock();
    Kvm kvm = old.host().vfioAp().mdev(U1).kvm();
    kvm.lock().lock();
    kvm.lock().unlock();
    driverLock.unlock();
}
sh(old, "aplab lockdep");

// %% [markdown]
// The other way out, read the pointer under `matrix_dev->lock`, drop it, then take
// `kvm->lock`, has no lock-order problem but a window. Below, the guest stops inside the
// window (the interleaving is forced, one thread): the hot plug then writes masks into the
// CRYCB of a guest that has shut down and whose KVM reference vfio_ap already dropped (in
// the kernel, possibly freed memory).

// %%
Session racy = assigned("5.17");
quietly(racy, "aplab guest start g1 --mdev " + U1);
MatrixMdev m = racy.host().vfioAp().mdev(U1);
TrackedLock oldLock = racy.host().vfioAp().matrixDev().mdevsLock();
Kvm stale;
try (var op = racy.host().lockdep().operation("hot plug, pointer read then lock dropped (hypothetical)")) {
    oldLock.lock();
    stale = m.kvm();
    oldLock.unlock();
    sh(racy, "aplab guest stop g1");
    stale.lock().lock();
    oldLock.lock();
    push(m.matrix(), stale);
    oldLock.unlock();
    stale.lock().unlock();
}
System.out.println("CRYCB updates of the stopped guest g1:");
stale.updates().forEach(u -> System.out.println("  " + u));

// %% [markdown]
// The stopped guest's CRYCB was written after its `clear_masks`.
//
// ## The same hot plug under `guests_lock`
//
// On mainline the hand-written hot plug takes `guests_lock`, reads the pointer, takes
// `kvm->lock` and `mdevs_lock`, pushes the shadow, and releases in reverse order. A
// `guest stop` is started on another thread while `guests_lock` is held: `unset_kvm` must
// take `guests_lock` before it can clear the pointer, so it runs only after the hot plug,
// on whatever schedule the threads get. The end state is therefore always the same: the
// push lands while the guest runs, then the guest's masks are cleared.

// %%
Session cur = assigned("mainline");
quietly(cur, "aplab guest start g1 --mdev " + U1);
MatrixMdev mm = cur.host().vfioAp().mdev(U1);
TrackedLock guests = cur.host().vfioAp().matrixDev().guestsLock();
TrackedLock mdevs = cur.host().vfioAp().matrixDev().mdevsLock();
Kvm kvm;
Thread stopper;
try (var op = cur.host().lockdep().operation("hot plug under guests_lock (hand-written)")) {
    guests.lock();
    kvm = mm.kvm();
    stopper = new Thread(() -> cur.execute("aplab guest stop g1"), "qemu-exit");
    stopper.start();
    kvm.lock().lock();
    mdevs.lock();
    push(mm.shadowApcb(), kvm);
    mdevs.unlock();
    kvm.lock().unlock();
    guests.unlock();
}
try {
    stopper.join(60_000);
} catch (InterruptedException e) {
    Thread.currentThread().interrupt();
}
System.out.println("CRYCB updates of g1:");
kvm.updates().forEach(u -> System.out.println("  " + u));
sh(cur, "aplab lockdep");

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
