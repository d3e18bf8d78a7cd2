///usr/bin/env jbang "$0" "$@" ; exit $?
//JAVA 17+
//SOURCES support/AplabReference.java
//SOURCES support/Patch13InUseImplSupport.java
import static aplab.notebook.Nb.*;
import aplab.lockdep.*;
import aplab.shell.Session;
import java.util.*;
import java.util.concurrent.CountDownLatch;
public class Patch13InUseImpl extends Patch13InUseImplSupport {
public static void main(String[] args) { notebook(Patch13InUseImpl.class, Patch13InUseImpl::cells); }
static void cells() {

// %% [markdown]
// # Patch 13/18: s390/vfio-ap: implement in-use callback for vfio_ap driver
//
// `apmask` and `aqmask` decide which queues belong to the host's default drivers and which
// to vfio_ap. Setting a bit gives queues back to the host. Before the series nothing
// checked whether vfio_ap had handed those queues to an mdev, or to a running guest. Patch
// 01 of the series (merged in 5.18) gave `struct ap_driver` an `in_use(apm, aqm)` callback
// that the bus calls, under `ap_perms_mutex`, for the APQNs a mask write would newly
// reserve; any refusal fails the write with EBUSY and changes nothing. This patch
// implements it for vfio_ap: `vfio_ap_mdev_resource_in_use()` runs the sharing check
// (`vfio_ap_mdev_verify_no_sharing()` with no assignee) over every mdev's matrix and
// answers EADDRINUSE if any mdev has one of the APQNs.
//
// The lock problem. The bus holds `ap_perms_mutex` when it calls `in_use`, and `in_use`
// needs `guests_lock` and `mdevs_lock` to walk the mdevs. An assignment, in v18, held those
// two and then called `ap_apqn_in_matrix_owned_by_def_drv()`, which took `ap_perms_mutex`:
// the two paths take the same pair of locks in opposite orders (AB-BA). v18 dodged the
// deadlock with `mutex_trylock()` in `in_use`: if the driver's locks were busy, the mask
// write failed with EBUSY although nothing was in use. The merged design (v20, Linux 6.0)
// orders the locks instead: `assign_adapter_store()` and `assign_domain_store()` (and
// later `ap_config_store()`) take `ap_perms_mutex` **first**, then the update locks, and
// `in_use` takes `guests_lock` and `mdevs_lock` with ordinary blocking locks. Since the
// assign path now holds `ap_perms_mutex` when it checks the masks, the bus helper no
// longer takes it itself (a kernel mutex cannot be taken twice). The merged commit message
// still tells the deadlock story.
//
// Review: Jason Herne noticed that v18's `vfio_ap_mdev_validate_masks()` tested for a
// negative return of `ap_apqn_in_matrix_owned_by_def_drv()`, which only returns 0 or 1;
// Tony called it a careless error and removed it. The change from trylock to the lock order
// came with v19/v20.
//
// > **Note (open question):** no mail at hand shows which reviewer asked for the change from
// > trylock to the lock order (source: the v19 and v20 change logs).
//
// **The model runs the merged design only.** The v18 trylock design appears below only as a
// few lines that restate its lock order on a separate lock checker.

// %% [markdown]
// ## The veto
//
// The mdev has 05.0004 and guest g1 runs with it (no guest is needed for the check: the
// mdev's assignment is what counts). The admin gives adapter 5 back to the host, on 5.17 (no
// `in_use`) and on mainline:

// %%
List<Session> kernels = List.of(assigned("5.17"), assigned("mainline"));
for (Session k : kernels) {
    quietly(k, "aplab guest start g1 --mdev " + U1);
}
sideBySide(kernels, "echo +5 > /sys/bus/ap/apmask", "cat /sys/bus/ap/apmask",
        "ls /sys/bus/ap/drivers/cex4queue", "aplab guest show g1", "cat matrix");
for (Session k : kernels) {
    System.out.println("queue resets on " + k.host().version().release() + ": " + k.host().vfioAp().resetLog());
}

// %% [markdown]
// On 5.17 the write succeeds. 05.0004 and 05.0005 leave vfio_ap: its remove callback
// zeroizes each queue (the reset above, which also throws away whatever the guest had in
// flight) and `cex4queue` binds them. The guest's CRYCB still lists adapter 05 and domain
// 0004, because nothing in 5.17 updates a running guest: from then on the host's zcrypt
// driver and the guest drive the same queue. On mainline the bus asks vfio_ap before
// committing, vfio_ap answers EADDRINUSE, the bus turns that into EBUSY for the writer,
// `apmask` keeps adapter 5 cleared, no queue moves and nothing is reset.
//
// What counts is the Cartesian product of the newly reserved ids with the other mask as it
// is: an `apmask` write is checked as (new adapters) x `aqmask`, an `aqmask` write as
// `apmask` x (new domains). Clearing bits (giving queues to vfio_ap) is never checked, and a
// write that changes nothing calls no one:

// %%
Session s = kernels.get(1);
sh(s, "echo -4 > /sys/bus/ap/aqmask", "echo +5 > /sys/bus/ap/apmask", "ls /sys/bus/ap/drivers/vfio_ap",
        "echo +4 > /sys/bus/ap/aqmask", "cat /sys/bus/ap/aqmask");

// %% [markdown]
// Clearing domain 4 in `aqmask` needs nobody's consent. After it, `+5` in `apmask` newly
// reserves adapter 5 with the domains still set in `aqmask`: 4 is not among them, so the
// assigned 05.0004 is not affected and the write goes through. 05.0005 leaves vfio_ap;
// 05.0004 stays, since its domain bit is clear. Setting domain 4 again is refused:
// (adapters set in `apmask`, now including 5) x {4} contains 05.0004.
//
// ## The merged lock order, measured
//
// A refused `aqmask` write and an assignment, traced:

// %%
lockTrace(s, () -> s.execute("echo +4 > /sys/bus/ap/aqmask"));
lockTrace(s, () -> s.execute("echo 6 > assign_adapter"));
sh(s, "aplab lockdep");

// %% [markdown]
// Both paths take `ap_perms_mutex` before `guests_lock`; lockdep's graph has the edge
// `ap_perms_mutex -> guests_lock` and no edge back. The other edges come from the host
// setup: the bus scan (`ap_scan_bus_mutex`), the queue device locks held around probe and
// remove (`&dev->mutex`), and `guests_lock -> mdevs_lock` of every driver path.
//
// ## The inverted order, on the lock checker
//
// v18's order, restated: the assign path holds `guests_lock` and `mdevs_lock` and then takes
// `ap_perms_mutex`; the mask write holds `ap_perms_mutex` and then takes `guests_lock`. Had
// v18's `in_use` used blocking locks, one run of each path, one after the other (no
// contention, no actual deadlock), is enough for the checker:

// %%
V18 blocking = new V18();
run("assign", blocking.lockdep, "assign_adapter_store (v18)", () -> {
    blocking.assignHead();
    blocking.assignTail();
});
String[] result = new String[1];
run("apmask", blocking.lockdep, "apmask_store -> in_use (v18 order, blocking)",
        () -> result[0] = blocking.apmaskStoreBlocking());
blocking.lockdep.reportLines().forEach(System.out::println);

// %% [markdown]
// With v18's `mutex_trylock()` a trylock never waits, so lockdep records no dependency for
// it and the graph has no cycle. The price is the spurious EBUSY: below, an assignment is
// in progress (it holds `guests_lock` and `mdevs_lock`) when the mask write arrives; the
// write fails before anything was checked; then the assignment takes
// `ap_perms_mutex`, which is free again, and finishes. The two threads are sequenced with
// latches, so the outcome is always this one.

// %%
V18 trylock = new V18();
CountDownLatch assignHoldsLocks = new CountDownLatch(1);
CountDownLatch writeDone = new CountDownLatch(1);
List<String> outcome = new ArrayList<>();
Thread assign = new Thread(() -> {
    try (var op = trylock.lockdep.operation("assign_adapter_store (v18)")) {
        trylock.assignHead();
        assignHoldsLocks.countDown();
        await(writeDone);
        trylock.assignTail();
        outcome.add("assign_adapter_store: completed");
    }
}, "assign");
Thread write = new Thread(() -> {
    await(assignHoldsLocks);
    try (var op = trylock.lockdep.operation("apmask_store -> in_use (v18 trylock)")) {
        outcome.add("apmask_store: in_use returned " + trylock.apmaskStoreTrylock());
    }
    writeDone.countDown();
}, "apmask");
assign.start();
write.start();
join(write);
join(assign);
outcome.forEach(System.out::println);
trylock.lockdep.reportLines().forEach(System.out::println);

// %% [markdown]
// ## What the merged order does instead
//
// In the merged design a mask write that arrives during an assignment waits for it. Below,
// the notebook itself holds the model's `ap_perms_mutex`, standing in for an assignment in
// progress, while another thread sets domain 4 in `aqmask`. The writer parks on the mutex;
// when the mutex is released it runs, and `in_use` gives the real answer: EBUSY because
// 05.0004 is assigned, not because a lock was busy.

// %%
TrackedLock perms = s.host().bus().permsMutex();
List<String> printed = new ArrayList<>();
Thread writer = new Thread(() -> printed.addAll(s.execute("echo +4 > /sys/bus/ap/aqmask")), "aqmask");
perms.lock();
boolean waited;
try {
    writer.start();
    waited = parked(writer);
} finally {
    perms.unlock();
}
join(writer);
System.out.println("the aqmask writer waited for ap_perms_mutex: " + waited);
System.out.println("then it printed: " + printed);
sh(s, "aplab lockdep");

// %% [markdown]
// ## Sources
//
// - Patch mail: [[PATCH v18 13/18]](https://lore.kernel.org/all/20220215005040.52697-14-akrowiak@linux.ibm.com/)
//   (Tony Krowiak, 14 Feb 2022), in the [v18 series](https://lore.kernel.org/all/20220215005040.52697-1-akrowiak@linux.ibm.com/).
// - Merged as [`3f85d1df26a9`](https://git.kernel.org/torvalds/c/3f85d1df26a9) ("s390/vfio-ap: implement in-use callback for vfio_ap driver"),
//   Linux 6.0.
// - The code as in Linux 6.12.117 (drivers/s390/crypto/vfio_ap_ops.c):
//   [`vfio_ap_mdev_resource_in_use()`][n2524].
//
// [n2524]: https://git.kernel.org/pub/scm/linux/kernel/git/stable/linux.git/tree/drivers/s390/crypto/vfio_ap_ops.c?h=v6.12.117#n2524

// %%
}}
