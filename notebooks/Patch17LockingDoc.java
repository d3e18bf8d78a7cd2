///usr/bin/env jbang "$0" "$@" ; exit $?
//JAVA 17+
//SOURCES support/AplabReference.java
//SOURCES support/Patch17LockingDocSupport.java
import static aplab.notebook.Nb.*;
import aplab.shell.Session;
import java.util.*;
public class Patch17LockingDoc extends Patch17LockingDocSupport {
public static void main(String[] args) { notebook(Patch17LockingDoc.class, Patch17LockingDoc::cells); }
static void cells() {

// %% [markdown]
// # Patch 17/18: s390/Docs: new doc describing lock usage by the vfio_ap device driver
//
// The patch adds `Documentation/s390/vfio-ap-locking.rst` (today
// `Documentation/arch/s390/vfio-ap-locking.rst`) and changes no code. The document describes
// four locks of the driver: `matrix_dev->mdevs_lock`, `kvm->lock`,
// `matrix_dev->guests_lock` and `kvm->arch.crypto.pqap_hook_rwsem` (levels 4 to 7 below).
//
// Review (Halil Pasic, March/April 2022, on v18): wording ("singleton object" rather than
// "single instance"; a matrix_mdev "field" does not cover the separately allocated
// `vfio_ap_queue` objects); "lockdep splat" understates a report of a possible deadlock; and
// the v18 draft's "Locking Order" section began by saying the proper order depends on the
// operation. Halil objected that a lock order is one global order (a path that skips
// `kvm->lock` because there is no guest still takes the others in the same order), and asked
// that the hierarchy be stated in one place rather than left to be extracted from the
// per-operation scenarios. The v20 document (105 lines instead of 389, Reviewed-by Jason
// Herne) dropped the scenarios **and the order section**: the merged file describes the four
// locks one by one and gives no hierarchy. The order is written in the kernel-doc comments
// of `get_update_locks_for_kvm()` and `get_update_locks_for_mdev()` (guests_lock, then
// kvm->lock, then mdevs_lock), and the place of the AP bus's `ap_perms_mutex` is written
// nowhere but in the code.
//
// ## The hierarchy, stated once
//
// Outermost first; a path may skip levels but never takes a lock above one it holds:
//
// 1. `ap_scan_bus_mutex` (AP bus scan, around the configuration callbacks);
// 2. `&dev->mutex`, a queue device's lock, held by the driver core around probe and remove;
// 3. `ap_perms_mutex` (`ap_attr_mutex` since 6.19), only on paths that check or change
//    `apmask`/`aqmask`: `assign_adapter_store()`, `assign_domain_store()`,
//    `ap_config_store()`, the bus's mask stores (which call `in_use`) and `ap_device_probe()`;
// 4. `matrix_dev->guests_lock`: held while `matrix_mdev->kvm` is used to plug or unplug, and
//    while mdevs are added to or removed from `matrix_dev->mdev_list`, so that a path can look
//    up an mdev and its guest before it takes that guest's `kvm->lock`;
// 5. `kvm->lock` of the mdev's guest, only if the mdev has one: held while adapters, domains
//    or control domains are plugged into or unplugged from the guest
//    (`kvm_arch_crypto_set_masks()` requires it);
// 6. `kvm->arch.crypto.pqap_hook_rwsem`: write-held while the PQAP(AQIC) hook is set or
//    cleared, only in `get_update_locks_for_kvm()`, the locks of
//    `vfio_ap_mdev_set_kvm()`/`vfio_ap_mdev_unset_kvm()`; KVM read-holds it around the PQAP
//    interception, whose handler takes `mdevs_lock` only;
// 7. `matrix_dev->mdevs_lock`, a mutex in the singleton `struct ap_matrix_dev`, guarding the
//    fields of every `ap_matrix_mdev` (patch 09 renamed it from `matrix_dev->lock`, the one
//    driver lock before the series).
//
// The rwsem's place at 6 comes with the 2026 fix for the stale `pqap_hook` (the kernel-doc of
// `get_update_locks_for_kvm()` in Debian's 6.1.192 and 6.12.118 sources lists it third,
// after `kvm->lock`); before that fix, as in 6.0, set_kvm and unset_kvm take and release it
// before any of 4, 5 and 7.
//
// ## Which path takes which locks, measured
//
// Every path runs once, in this order, with lock tracing on, on a mainline host with
// adapters 5, 6, 7 and domains 4, 5, adapters 5 and 6 given to vfio_ap. One mdev gets
// 05.0004 and control domain 4, a guest starts with it, and the rest follows. A label names
// the function and what its command writes or does (the commands are `PATHS` in the support
// class; the `ap_config` write stores what `ap_config` reads, so it changes nothing but
// takes its locks). A row lists each chain of locks held at once (the longest ones; `;`
// separates chains not nested in one another); a chain that leaves the hierarchy would be
// marked OUT OF ORDER.

// %%
Map<String, String> mainline = measure("mainline");
printRows(mainline);

// %% [markdown]
// Reading the table:
//
// - `ap_perms_mutex` heads exactly the paths that check `apmask`/`aqmask`. Unassignments and
//   control domains never take it: giving resources up needs no check, and control domains
//   are not subject to the masks.
// - `kvm->lock` appears only while the mdev has a guest: the rows marked "guest", the unbind
//   and bind of the guest's queue, the configuration changes that unplug from it and plug
//   back into it.
// - The queue callbacks run under the queue's `&dev->mutex`; `ap_device_probe()` reads the
//   masks under `ap_perms_mutex` and drops it before calling vfio_ap's probe, so the two
//   chains of the bind row are not nested in one another.
// - A mask write that reserves queues asks `in_use` under `ap_perms_mutex` (the refused row
//   prints the error); after the commit it re-probes the queues that change owner, each under
//   its device lock: vfio_ap's remove, then the default driver's probe, which reads the masks
//   under `ap_perms_mutex`. Clearing bits asks no one.
// - The show functions take `mdevs_lock` alone. In the kernel `ap_config_show()` reads the
//   masks without a lock; the model takes `mdevs_lock` there (a model choice, documented in
//   `VfioApOps.apConfigShow()`).
// - mdev creation takes `guests_lock` before `mdevs_lock` only since the 2026 fix "Fix
//   missing lock required to access list of ap_matrix_mdev objects", which the model's
//   mainline carries.
//
// After all these paths the lock-order checker has seen these dependencies, and no cycle:

// %%
System.out.println(mainline.get("lockdep"));

// %% [markdown]
// ## 6.0 against mainline
//
// The same paths on the 6.0 model, the rows that differ only (`ap_config` did not exist yet),
// then the 6.0 lockdep graph as the edges it lacks or adds:

// %%
printDifferences("6.0", measure("6.0"), mainline);

// %% [markdown]
// Two lock facts of the merged 6.0 code that the model does not reproduce: the kernel's
// `vfio_ap_mdev_cfg_remove()` and `vfio_ap_mdev_hot_plug_cfg()` take
// `matrix_mdev->kvm->lock` for every mdev, including those without a guest (a NULL `kvm`),
// and its `status_show()` takes `mdevs_lock` alone (the model takes `guests_lock` first on
// every kernel, as the 2026 code does). See **Patch15ConfigChange**.
//
// ## What the checker says about a path that breaks the order
//
// One more "path" on a mainline host that has run every path above, written out here and
// not part of the driver: it holds `mdevs_lock` and then takes `guests_lock`, as a helper
// would that looked up a guest from inside an mdev's critical section. How the report
// changes:

// %%
Session s = freshHost("mainline");
PATHS.forEach(p -> s.execute(p.command()));
takeInOrder(s, "a helper that breaks the order", s.host().vfioAp().matrixDev().mdevsLock(),
        s.host().vfioAp().matrixDev().guestsLock());

// %% [markdown]
// ## Sources
//
// - Patch mail: [[PATCH v18 17/18]](https://lore.kernel.org/all/20220215005040.52697-18-akrowiak@linux.ibm.com/)
//   (Tony Krowiak, 14 Feb 2022), in the [v18 series](https://lore.kernel.org/all/20220215005040.52697-1-akrowiak@linux.ibm.com/).
// - Merged as [`e32d3827f3d5`](https://git.kernel.org/torvalds/c/e32d3827f3d5)
//   ("s390/Docs: new doc describing lock usage by the vfio_ap device driver"),
//   Linux 6.0.
// - The code as in Linux 6.12.117 (drivers/s390/crypto/vfio_ap_ops.c):
//   [`get_update_locks_for_mdev()`][n107].
//
// [n107]: https://git.kernel.org/pub/scm/linux/kernel/git/stable/linux.git/tree/drivers/s390/crypto/vfio_ap_ops.c?h=v6.12.117#n107

// %%
}}
