///usr/bin/env jbang "$0" "$@" ; exit $?
//JAVA 17+
//SOURCES support/AplabReference.java
//SOURCES support/Patch01InUseCallbackSupport.java
import static aplab.notebook.Nb.*;
import aplab.shell.Session;
import java.util.List;
public class Patch01InUseCallback extends Patch01InUseCallbackSupport {
public static void main(String[] args) { notebook(Patch01InUseCallback.class, Patch01InUseCallback::cells); }
static void cells() {

// %% [markdown]
// # Patch 01/18: s390/ap: driver callback to indicate resource in use
//
// `/sys/bus/ap/apmask` and `/sys/bus/ap/aqmask` split the AP queues between the host's
// default (zcrypt) drivers and vfio_ap: an APQN belongs to the default drivers when its
// adapter bit is set in `apmask` **and** its domain bit in `aqmask`. Setting a bit gives
// queues back to the host. Until this patch the AP bus did that unconditionally: it stored
// the new mask and re-probed every queue whose owner had changed
// (`ap_bus_revise_bindings()`), so vfio_ap's remove callback ran for a queue that an mdev
// had assigned, even while a guest used it.
//
// The patch adds one callback to `struct ap_driver`:
// `int (*in_use)(unsigned long *apm, unsigned long *aqm)`. In `apmask_store()` and
// `aqmask_store()`, with `ap_perms_mutex` held, `apmask_commit()` / `aqmask_commit()`
// compute the bits the write newly sets (`bitmap_andnot(reserved, new, old)`). Only if
// there are any, the bus walks its drivers (`bus_for_each_drv()` with
// `__verify_card_reservations()` / `__verify_queue_reservations()`) and asks each one that
// implements `in_use`: for an `apmask` write with (newly reserved adapters, current
// `aqmask`), for an `aqmask` write with (current `apmask`, newly reserved domains). A
// non-zero answer becomes -EBUSY for the writer, and the mask is left as it was. Clearing
// bits asks no one. The driver module is pinned (`try_module_get()`) around the call.
//
// This patch is the bus half only. vfio_ap's implementation,
// `vfio_ap_mdev_resource_in_use()`, is patch 13 (it answers EADDRINUSE if any mdev's
// matrix has one of the APQNs); the model's 6.0 and mainline kernels have both halves, its 5.17
// has neither.
//
// Review and merge: the AP bus patches (01 and 02) were split out of the vfio_ap series at
// Harald Freudenberger's request so that they could go in on their own; they were merged
// through the s390 tree for Linux 5.18, two releases before the vfio_ap side (6.0). The
// v18 change log also records that, at Harald's request, `__verify_card_reservations()` and
// `__verify_queue_reservations()` no longer test the driver's flags before the call: what
// decides is whether the driver provides `in_use` at all (the zcrypt queue driver does
// not).

// %% [markdown]
// What the veto changes for a running guest (5.17 against mainline: the host takes the
// queue from under the guest, or the write is refused) is shown once, in the notebook of
// patch 13, which implements `in_use` for vfio_ap.
//
// ## What is asked, and what is not
//
// The question is about *assignment*, not about guests: the veto holds with the guest
// stopped too. Only APQNs that the write would newly reserve count: adapter 6's queues are
// bound to vfio_ap but assigned to no mdev, so `+6` goes through. A write is all or
// nothing: `-7,+5` is refused as a whole (adapter 7 stays with the host), and so is the
// absolute mask of all ones, although most of its bits are harmless.

// %%
Session s = assigned("mainline");
quietly(s, "aplab guest start g1 --mdev " + U1);
sh(s, "aplab guest stop g1", "echo +5 > /sys/bus/ap/apmask",
        "echo +6 > /sys/bus/ap/apmask", "ls /sys/bus/ap/drivers/vfio_ap",
        "echo -7,+5 > /sys/bus/ap/apmask", "echo " + ALL_ONES + " > /sys/bus/ap/apmask",
        "cat /sys/bus/ap/apmask");

// %% [markdown]
// `cat /sys/bus/ap/apmask` shows ids 5 cleared and 6 set again (`0xfb...`): only the
// `+6` write was committed.
//
// The other mask works the same way with the roles swapped. Clearing domain 4 in
// `aqmask` needs no consent. After that, `+5` in `apmask` newly reserves adapter 5 *with
// the domains still set in `aqmask`*, which no longer include 4, so the assigned 05.0004
// is not among the APQNs asked about and the write is accepted (05.0047 goes to the host;
// 05.0004 stays with vfio_ap, and 06.0004 came back to vfio_ap with the cleared domain
// bit). Setting domain 4 again is then checked as (adapters set in `apmask`) x {4}, which
// contains 05.0004: refused.

// %%
sh(s, "echo -4 > /sys/bus/ap/aqmask", "echo +5 > /sys/bus/ap/apmask",
        "ls /sys/bus/ap/drivers/vfio_ap", "echo +4 > /sys/bus/ap/aqmask", "cat /sys/bus/ap/aqmask");

// %% [markdown]
// ## Where the callback runs
//
// A refused `apmask` write, traced lock by lock (thread, function, lock). The bus holds
// `ap_perms_mutex` across the whole check; vfio_ap's `in_use` takes `guests_lock` and
// `mdevs_lock` inside it (patches 09 and 13 explain those two). The refused write never
// reaches `ap_bus_revise_bindings()`, so no queue device lock is taken. On 5.17 the same
// write takes `ap_perms_mutex` to commit and releases it; the re-probe that follows takes
// it again, briefly, each time it tests a queue's owner, and runs vfio_ap's remove for
// 05.0004 and 05.0047 under the queue's device lock (`&dev->mutex`) and the driver's
// `matrix_dev->lock`; `cex4queue`'s probe takes no lock the model tracks.

// %%
Session before = assigned("5.17");
Session after = assigned("mainline");
System.out.println("[5.17] echo +5 > /sys/bus/ap/apmask");
lockTrace(before, () -> before.execute("echo +5 > /sys/bus/ap/apmask"));
System.out.println("[mainline] echo +5 > /sys/bus/ap/apmask");
lockTrace(after, () -> after.execute("echo +5 > /sys/bus/ap/apmask"));

// %% [markdown]
// ## Sources
//
// - Patch mail: [[PATCH v18 01/18]](https://lore.kernel.org/all/20220215005040.52697-2-akrowiak@linux.ibm.com/)
//   (Tony Krowiak, 14 Feb 2022), in the [v18 series](https://lore.kernel.org/all/20220215005040.52697-1-akrowiak@linux.ibm.com/).
// - Merged as [`4f8206b88286`](https://git.kernel.org/torvalds/c/4f8206b88286) ("s390/ap: driver callback to indicate resource in use"),
//   Linux 5.18.
// - The code as in Linux 6.12.117 (drivers/s390/crypto/vfio_ap_ops.c):
//   [`vfio_ap_mdev_resource_in_use()`][n2524].
//
// [n2524]: https://git.kernel.org/pub/scm/linux/kernel/git/stable/linux.git/tree/drivers/s390/crypto/vfio_ap_ops.c?h=v6.12.117#n2524

// %%
}}
