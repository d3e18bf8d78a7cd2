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
// adapter bit is set in `apmask` **and** its domain bit in `aqmask`; setting a bit gives
// queues to the host. Before this patch the AP bus stored any new mask and re-probed every
// queue whose owner changed (`ap_bus_revise_bindings()`), so vfio_ap's remove callback ran
// for a queue that an mdev had assigned, even while a guest used it.
//
// The patch adds `int (*in_use)(unsigned long *apm, unsigned long *aqm)` to
// `struct ap_driver`. With `ap_perms_mutex` held, `apmask_commit()` / `aqmask_commit()`
// compute the bits the write newly sets (`bitmap_andnot(reserved, new, old)`). If there
// are any, the bus asks each driver that implements `in_use` (`bus_for_each_drv()` with
// `__verify_card_reservations()` / `__verify_queue_reservations()`, the module pinned with
// `try_module_get()`): for `apmask` with (newly reserved adapters, current `aqmask`), for
// `aqmask` with (current `apmask`, newly reserved domains). A non-zero answer fails the
// write with -EBUSY and leaves the mask as it was. Clearing bits asks no one.
//
// This is the bus half only. vfio_ap's `vfio_ap_mdev_resource_in_use()` is patch 13 (it
// answers EADDRINUSE if any mdev's matrix has one of the APQNs), which also shows what the
// veto changes for a running guest. The model's 6.0 and mainline kernels have both halves,
// its 5.17 neither.
//
// Review and merge: at Harald Freudenberger's request the AP bus patches (01 and 02) were
// split out and merged on their own, through the s390 tree for Linux 5.18, two releases
// before the vfio_ap side (6.0). Also at his request (v18 change log), the two
// `__verify_*_reservations()` functions no longer test the driver's flags: what decides is
// whether the driver provides `in_use` (the zcrypt queue driver does not).

// %% [markdown]
// ## What is asked, and what is not
//
// The veto is about assignment, not guests: it holds with the guest stopped. Only APQNs the
// write newly reserves count: adapter 6's queues are bound to vfio_ap but assigned to no
// mdev, so `+6` goes through (the first `cat` shows it alone committed). A write is all or
// nothing: `-7,+5` is refused as a whole (adapter 7 stays with the host), and so is the
// mask of all ones, although most of its bits are harmless.

// %%
Session s = assigned("mainline");
quietly(s, "aplab guest start g1 --mdev " + U1);
sh(s, "aplab guest stop g1", "echo +5 > /sys/bus/ap/apmask",
        "echo +6 > /sys/bus/ap/apmask", "ls /sys/bus/ap/drivers/vfio_ap",
        "echo -7,+5 > /sys/bus/ap/apmask", "echo " + ALL_ONES + " > /sys/bus/ap/apmask",
        "cat /sys/bus/ap/apmask", "echo -4 > /sys/bus/ap/aqmask", "echo +5 > /sys/bus/ap/apmask",
        "ls /sys/bus/ap/drivers/vfio_ap", "echo +4 > /sys/bus/ap/aqmask", "cat /sys/bus/ap/aqmask");

// %% [markdown]
// From `echo -4` on, `aqmask` works the same way with the roles swapped. Clearing domain 4
// needs no consent. `+5` in `apmask` then reserves adapter 5 with the domains still set in
// `aqmask`, which no longer include 4, so the write is accepted: 05.0047 goes to the host,
// 05.0004 stays and 06.0004 came back to vfio_ap with the cleared bit. Setting domain 4
// again is checked as (adapters set in `apmask`) x {4}, which contains 05.0004: refused.

// %% [markdown]
// ## Where the callback runs
//
// The `+5` write traced: one line per stretch from holding no tracked lock to holding none
// (`a > b`: b taken under a; `(xN)`: N equal stretches). On mainline vfio_ap's `in_use`
// takes `guests_lock` and `mdevs_lock` under the bus's `ap_perms_mutex` (patches 09 and 13);
// the refused write never reaches `ap_bus_revise_bindings()` and takes no device lock. On
// 5.17 the write commits; the re-probe takes `ap_perms_mutex` to test each queue's owner and
// runs vfio_ap's remove for 05.0004 and 05.0047 under the queue's device lock
// (`&dev->mutex`) and `matrix_dev->lock`; `cex4queue`'s probe takes no lock the model tracks.

// %%
for (String k : List.of("5.17", "mainline")) {
    System.out.println("[" + k + "] echo +5 > /sys/bus/ap/apmask");
    lockCounts(assigned(k), "echo +5 > /sys/bus/ap/apmask");
}

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
