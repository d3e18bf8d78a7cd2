///usr/bin/env jbang "$0" "$@" ; exit $?
//JAVA 17+
//SOURCES support/AplabReference.java
//SOURCES support/Patch13InUseImplSupport.java
import static aplab.notebook.Nb.*;
import aplab.lockdep.*;
import aplab.shell.Session;
import java.util.*;
public class Patch13InUseImpl extends Patch13InUseImplSupport {
public static void main(String[] args) { notebook(Patch13InUseImpl.class, Patch13InUseImpl::cells); }
static void cells() {

// %% [markdown]
// # Patch 13/18: s390/vfio-ap: implement in-use callback for vfio_ap driver
//
// Patch 01 (merged in 5.18) made the AP bus ask a driver's `in_use(apm, aqm)` callback,
// under `ap_perms_mutex`, before an `apmask` or `aqmask` write reserves queues for the host;
// a refusal fails the write with EBUSY (see that notebook). This patch implements the
// callback for vfio_ap: `vfio_ap_mdev_resource_in_use()` runs the sharing check
// (`vfio_ap_mdev_verify_no_sharing()` with no assignee) over every mdev's matrix and
// answers EADDRINUSE if any mdev has one of the APQNs.
//
// The lock problem: the bus holds `ap_perms_mutex` when it calls `in_use`, and `in_use`
// takes `guests_lock` and `mdevs_lock` to walk the mdevs. In v18 an assignment held those
// two and then called `ap_apqn_in_matrix_owned_by_def_drv()`, which took `ap_perms_mutex`:
// the same locks in opposite orders (AB-BA). v18 avoided the deadlock with
// `mutex_trylock()` in `in_use`, so a mask write failed with EBUSY whenever the driver's
// locks were busy, although nothing was in use. The merged design (v20, Linux 6.0) orders
// the locks instead: `assign_adapter_store()` and `assign_domain_store()` (and later
// `ap_config_store()`) take `ap_perms_mutex` **first**, and `in_use` takes `guests_lock`
// and `mdevs_lock` with blocking locks. The bus helper no longer takes `ap_perms_mutex`,
// which the assign path now holds. The merged commit message still tells the deadlock story.
//
// Review: Jason Herne noticed that v18's `vfio_ap_mdev_validate_masks()` tested for a
// negative return of `ap_apqn_in_matrix_owned_by_def_drv()`, which only returns 0 or 1;
// Tony called it a careless error and removed it. The change from trylock to the lock order
// came with v19/v20.
//
// > **Note (open question):** no mail at hand shows which reviewer asked for the change from
// > trylock to the lock order (source: the v19 and v20 change logs).
//
// The model runs the merged design only; v18's lock order is restated below on a separate
// lock checker.

// %% [markdown]
// ## The veto
//
// The mdev has 05.0004 and guest g1 runs with it (the check looks at the assignment, not at
// the guest). The admin gives adapter 5 back to the host, on 5.17 (no `in_use`) and on
// mainline:

// %%
List<Session> kernels = List.of(assigned("5.17"), assigned("mainline"));
for (Session k : kernels) {
    quietly(k, "aplab guest start g1 --mdev " + U1);
}
sideBySide(kernels, "echo +5 > /sys/bus/ap/apmask", "ls /sys/bus/ap/drivers/cex4queue", "aplab guest show g1",
        "cat matrix");
printResets(kernels);

// %% [markdown]
// On 5.17 the write succeeds: vfio_ap's remove callback zeroizes 05.0004 and 05.0005 (the
// resets above; whatever the guest had in flight is lost) and `cex4queue` binds them. The
// guest's CRYCB still lists adapter 05 and domain 0004, since nothing in 5.17 updates a
// running guest: from then on the host's zcrypt driver and the guest drive the same queue.
// On mainline vfio_ap answers EADDRINUSE, the bus fails the write with EBUSY, and no queue
// moves or is reset.
//
// The bus asks about (new adapters) x `aqmask` for an `apmask` write and about `apmask` x
// (new domains) for an `aqmask` write; clearing bits asks no one (patch 01). So the order of
// two writes decides:

// %%
Session s = kernels.get(1);
sh(s, "echo -4 > /sys/bus/ap/aqmask", "echo +5 > /sys/bus/ap/apmask", "ls /sys/bus/ap/drivers/vfio_ap",
        "echo +4 > /sys/bus/ap/aqmask", "cat /sys/bus/ap/aqmask");

// %% [markdown]
// With domain 4 cleared in `aqmask`, `+5` reserves 05.0005 only: it leaves vfio_ap, and the
// assigned 05.0004 stays. Setting domain 4 again asks about (adapters in `apmask`, now
// including 5) x {4}, which contains 05.0004, and is refused.
//
// ## The merged lock order
//
// A refused `aqmask` write and an assignment both take `ap_perms_mutex` before
// `guests_lock`. The only other edge into `ap_perms_mutex` is the bus reading the masks under
// a queue's device lock (`ap_device_probe()`); none leads back from the driver's locks. The
// whole graph of the driver's paths is in the notebook of patch 17.

// %%
lockTrace(s, () -> s.execute("echo +4 > /sys/bus/ap/aqmask"));
lockTrace(s, () -> s.execute("echo 6 > assign_adapter"));
printLockdepEdges(s, "ap_perms_mutex");

// %% [markdown]
// ## v18's order, on the lock checker
//
// Had v18's `in_use` used blocking locks, one run of each path, one after the other (no
// contention, no actual deadlock), would be enough for the checker to report the AB-BA order:

// %%
V18 blocking = new V18();
run("assign", blocking.lockdep, "assign_adapter_store (v18)", blocking::assign);
run("apmask", blocking.lockdep, "apmask_store -> in_use (v18 order, blocking)", blocking::apmaskStoreBlocking);
blocking.lockdep.reportLines().forEach(System.out::println);

// %% [markdown]
// A `mutex_trylock()` never waits, so lockdep records no dependency for it and the graph has
// no cycle. The price is the spurious EBUSY: the mask write arrives while an assignment holds
// `guests_lock` and `mdevs_lock` and fails before anything is checked; the assignment then
// takes the free `ap_perms_mutex` and finishes (latches fix the order of the two threads):

// %%
V18 trylock = new V18();
trylockRace(trylock).forEach(System.out::println);
trylock.lockdep.reportLines().forEach(System.out::println);

// %% [markdown]
// ## What the merged order does instead
//
// In the merged design a mask write that arrives during an assignment waits for it. Below,
// the notebook holds the model's `ap_perms_mutex` in place of an assignment while another
// thread sets domain 4 in `aqmask`; once the mutex is free, `in_use` gives the real answer:
// EBUSY because 05.0004 is assigned, not because a lock was busy.

// %%
List<String> printed = new ArrayList<>();
boolean waited = waitsFor(s.host().bus().permsMutex(), () -> printed.addAll(s.execute("echo +4 > /sys/bus/ap/aqmask")));
System.out.println("the aqmask writer waited for ap_perms_mutex: " + waited);
System.out.println("then it printed: " + printed);

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
