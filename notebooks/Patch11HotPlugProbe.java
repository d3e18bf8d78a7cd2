///usr/bin/env jbang "$0" "$@" ; exit $?
//JAVA 17+
//SOURCES support/AplabReference.java
//SOURCES support/Patch11HotPlugProbeSupport.java
import static aplab.notebook.Nb.*;
import aplab.shell.Session;
import java.util.List;
public class Patch11HotPlugProbe extends Patch11HotPlugProbeSupport {
public static void main(String[] args) { notebook(Patch11HotPlugProbe.class, Patch11HotPlugProbe::cells); }
static void cells() {

// %% [markdown]
// # Patch 11/18: s390/vfio-ap: hot plug/unplug of AP devices when probed/removed
//
// Patch 10 plugs and unplugs when the admin edits an mdev; this patch does so when a queue
// device arrives at or leaves vfio_ap: the admin binds or unbinds it, `apmask`/`aqmask`
// hand queues between the default drivers and vfio_ap, or the host's AP configuration
// changes (patch 15).
//
// - `vfio_ap_mdev_probe_queue()`: if an mdev has the queue's APQN assigned, link the queue
//   to it, filter the matrix into the shadow APCB and push the shadow to the guest if it
//   changed. In v18 the probe filtered only the new queue's adapter; 6.0 filters the whole
//   matrix, and since 6.8 the probe leaves the filtering to scan-complete while a host
//   configuration change is in progress (**Patch15ConfigChange**).
// - `vfio_ap_mdev_remove_queue()`: if the queue's APQN is in the shadow, clear the queue's
//   **adapter** from the shadow and push (an APCB cannot leave out one APQN, patch 07). The
//   adapter stays in the mdev's `matrix` and comes back when the queue is bound again.
//
// Review: the v18 cover letter lists, among the v17 -> v18 changes made at Halil Pasic's
// request, that filtering was restored in the queue remove callback. No other substantive
// comment on 11/18 is known to this corpus.

// %% [markdown]
// ## Unbinding a queue unplugs its adapter; binding it plugs it back
//
// The host: adapters 5 and 6, domains 4, 0x47 and 0xab, all their queues bound to vfio_ap;
// the mdev has adapters 5, 6 and domains 4, 0x47, and guest g1 runs with it. Queue 05.0047
// is unbound from vfio_ap on Linux 5.17 (before the series), 6.0 (the series as merged) and
// mainline, then bound again; after each table, the queue resets it caused:

// %%
List<Session> kernels = List.of(runningGuest("5.17"), runningGuest("6.0"), runningGuest("mainline"));
int[] seen = resetsSoFar(kernels);
sideBySide(kernels, "echo 05.0047 > " + VFIO + "/unbind", "aplab guest show g1");
printNewResets(kernels, seen);
sh(kernels.get(2), "cat /sys/bus/ap/devices/05.0004/status", "cat /sys/bus/ap/devices/06.0004/status");
shOnEach(kernels, "echo 05.0047 > " + VFIO + "/bind", "aplab guest show g1");
printNewResets(kernels, seen);

// %% [markdown]
// On 5.17 the guest keeps adapter 05 with domain 0x47: it can address 05.0047 although no
// host driver is responsible for that queue any more. From 6.0 the guest loses adapter 05,
// 05.0004 too, which is still bound and assigned. The bind runs the probe, which filters,
// finds adapter 05 whole and plugs it back.
//
// Since "s390/vfio-ap: fix sysfs status attribute for AP queue devices" (2023) "in use"
// means the guest has the APQN in its CRYCB, so mainline's 05.0004 is "assigned". In 6.0
// `status_show()` said "in use" for every queue of an mdev with a guest; the model's 6.0
// prints the mainline answer, so only mainline is shown.
//
// 5.17 and 6.0 reset the departing queue only; since 6.8 ("s390/vfio-ap: reset queues
// associated with adapter for queue unbound from driver") `vfio_ap_mdev_remove_queue()`
// resets every queue of the adapter the guest lost (`reset_queues_for_apid()`), because the
// guest was using 05.0004 as well.

// %% [markdown]
// ## `apmask` and `aqmask`
//
// A mask write that gives queues back to the default drivers removes them from vfio_ap
// through the same remove callback. On 5.17 nothing stops it: adapter 6 goes to
// `cex4queue` while the guest runs with it and keeps it, so host and guest both drive the
// same queues. From 6.0 patch 13's `in_use` callback refuses the write (EBUSY): the mdev
// has APQNs of adapter 6 (**Patch13InUseImpl**):

// %%
sideBySide(kernels, "echo +6 > /sys/bus/ap/apmask", "ls /sys/bus/ap/drivers/cex4queue",
        "aplab guest show g1");
printNewResets(kernels, seen);

// %% [markdown]
// From 6.0 a mask write can take only queues that no mdev has assigned, which are in no
// guest. On 6.0 and mainline, domains 4 and 0x47 are cleared in `aqmask` (nobody's consent
// needed, no queue moves here), then adapter 5 is given back: of the newly reserved APQNs
// (adapter 5 with the domains still in `aqmask`) the host has only 05.00ab, which no mdev
// has, so `in_use` agrees. 05.00ab leaves vfio_ap and is reset (6.0 resets every departing
// queue, mainline those still in the host's configuration); the guest is not touched:

// %%
shOnEach(kernels.subList(1, 3), "echo -4,-0x47 > /sys/bus/ap/aqmask", "echo +5 > /sys/bus/ap/apmask",
        "ls /sys/bus/ap/drivers/cex4queue", "aplab guest show g1");
printNewResets(kernels, seen);

// %% [markdown]
// ## The locks of the two callbacks
//
// The driver core holds the queue device's `&dev->mutex` around probe and remove. Remove
// takes the update locks of the mdev the queue is linked to (`get_update_locks_for_queue()`);
// probe must first find, under `guests_lock`, the mdev that has the APQN to know which
// `kvm->lock` to take (`get_update_locks_by_apqn()`). The bind path also reads `apmask` and
// `aqmask` under `ap_perms_mutex` in `ap_device_probe()`, dropped before the driver is
// called. The full dependency graph is in **Patch17LockingDoc**.

// %%
Session s = kernels.get(2);
lockTrace(s, () -> s.execute("echo 06.0004 > " + VFIO + "/unbind"));
sh(s, "aplab guest show g1");
lockTrace(s, () -> s.execute("echo 06.0004 > " + VFIO + "/bind"));
sh(s, "aplab guest show g1");
lockdepVerdict(s);

// %% [markdown]
// ## Sources
//
// - Patch mail: [[PATCH v18 11/18]](https://lore.kernel.org/all/20220215005040.52697-12-akrowiak@linux.ibm.com/)
//   (Tony Krowiak, 14 Feb 2022), in the [v18 series](https://lore.kernel.org/all/20220215005040.52697-1-akrowiak@linux.ibm.com/).
// - Merged as [`09d31ff78793`](https://git.kernel.org/torvalds/c/09d31ff78793) ("s390/vfio-ap: hot plug/unplug of AP devices when probed/removed"),
//   Linux 6.0.
//   With it: [`2c1ee8983aa3`](https://git.kernel.org/torvalds/c/2c1ee8983aa3)
//   ("s390/vfio-ap: prepare for dynamic update of guest's APCB on queue probe/remove").
// - The code as in Linux 6.12.117 (drivers/s390/crypto/vfio_ap_ops.c):
//   [`vfio_ap_mdev_probe_queue()`][n2397], [`vfio_ap_mdev_remove_queue()`][n2458].
//
// [n2397]: https://git.kernel.org/pub/scm/linux/kernel/git/stable/linux.git/tree/drivers/s390/crypto/vfio_ap_ops.c?h=v6.12.117#n2397
// [n2458]: https://git.kernel.org/pub/scm/linux/kernel/git/stable/linux.git/tree/drivers/s390/crypto/vfio_ap_ops.c?h=v6.12.117#n2458

// %%
}}
