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
// Patch 10 plugs and unplugs when the admin edits an mdev. This patch does the same when a
// queue device arrives at or leaves the vfio_ap driver, which happens when the admin binds
// or unbinds a queue, when `apmask`/`aqmask` hand queues between the default drivers and
// vfio_ap, and when the host's AP configuration changes (patch 15).
//
// - `vfio_ap_mdev_probe_queue()`: if an mdev has the queue's APQN assigned, link the queue
//   to it, filter the matrix into the shadow APCB and push the shadow to the guest if it
//   changed. In v18 the probe filtered only the new queue's adapter; the merged 6.0 code
//   filters the mdev's whole matrix, and since 6.8 the probe leaves the filtering to
//   scan-complete while a host configuration change is in progress (see
//   **Patch15ConfigChange**).
// - `vfio_ap_mdev_remove_queue()`: if the queue's APQN is in the shadow, clear the queue's
//   **adapter** from the shadow and push: an APCB is a set of adapters times a set of
//   domains and cannot leave out one APQN, so the guest loses the whole adapter. The
//   adapter stays in the mdev's `matrix`; it comes back when the queue is bound again.
//
// Review: the v18 cover letter lists, among the v17 -> v18 changes made at Halil Pasic's
// request, that filtering was restored in the queue remove callback. No other substantive
// comment on 11/18 is known to this corpus.
//
// The host: adapters 5 and 6, domains 4, 0x47 and 0xab; all queues of adapters 5 and 6
// bound to vfio_ap; the mdev has adapters 5, 6 and domains 4, 0x47, and guest g1 runs with
// it.

// %% [markdown]
// ## Unbinding a queue unplugs its adapter; binding it plugs it back
//
// Queue 05.0047 is unbound from vfio_ap, then bound again, on Linux 5.17 (before the
// series), 6.0 (the series as merged) and mainline:

// %%
List<Session> kernels = List.of(runningGuest("5.17"), runningGuest("6.0"), runningGuest("mainline"));
int[] seen = new int[kernels.size()];
printNewResets(kernels, seen);
sideBySide(kernels, "echo 05.0047 > " + VFIO + "/unbind", "aplab guest show g1", "cat guest_matrix",
        "ls " + VFIO);
printNewResets(kernels, seen);
sh(kernels.get(2), "cat /sys/bus/ap/devices/05.0004/status", "cat /sys/bus/ap/devices/06.0004/status");

// %% [markdown]
// On 5.17 the guest still has adapter 05 with domain 0x47 in its CRYCB: it can address
// 05.0047 although no driver on the host is responsible for that queue any more. From 6.0
// the guest loses adapter 05, both its queues: 05.0004 too, which is still bound and still
// assigned. 5.17 has no `guest_matrix`.
//
// The `status` attribute of a queue bound to vfio_ap shows it on
// mainline: 05.0004 is "assigned", not "in use", because since "s390/vfio-ap: fix sysfs
// status attribute for AP queue devices" (2023) "in use" means the guest has the APQN in
// its CRYCB. In 6.0 `status_show()` said "in use" for every queue of an mdev with a guest,
// so 05.0004 would read "in use" there; the model's 6.0 host prints the mainline answer,
// which is why only mainline is shown.
//
// The resets differ as well: 5.17 and 6.0 reset the departing queue only; since 6.8
// ("s390/vfio-ap: reset queues associated with adapter for queue unbound from driver")
// `vfio_ap_mdev_remove_queue()` resets every queue of the adapter the guest just lost
// (`reset_queues_for_apid()`), because the guest was using 05.0004 as well.
//
// Binding the queue again runs the probe, which filters and finds adapter 05 whole:

// %%
sideBySide(kernels, "echo 05.0047 > " + VFIO + "/bind", "aplab guest show g1", "cat guest_matrix");
printNewResets(kernels, seen);

// %% [markdown]
// ## `apmask` and `aqmask`
//
// A mask write that gives queues back to the default drivers removes them from vfio_ap
// through the same remove callback. Before the series nothing stopped such a write: on 5.17
// the admin takes adapter 6 back while the guest runs with it. The queues move to
// `cex4queue`, and the guest keeps adapter 06 in its CRYCB: host and guest now both drive
// the same queues. From 6.0, patch 13's `in_use` callback refuses the write (EBUSY) because
// the mdev has APQNs of adapter 6 (**Patch13InUseImpl**):

// %%
sideBySide(kernels, "echo +6 > /sys/bus/ap/apmask", "ls /sys/bus/ap/drivers/cex4queue",
        "aplab guest show g1");
printNewResets(kernels, seen);

// %% [markdown]
// So from 6.0 on a mask write can only take queues that no mdev has assigned, and those are
// not in any guest: the remove callback runs and leaves every guest alone. On 6.0 and
// mainline (5.17 has given adapter 6 away above), domains 4 and 0x47 are cleared in
// `aqmask` first, which needs nobody's consent and moves no queue here. Then adapter 5 is
// given back to the default drivers: the newly reserved APQNs are adapter 5 with the
// domains still set in `aqmask`, of which the host has only 05.00ab; no mdev has it, so
// `in_use` agrees. 05.00ab leaves vfio_ap, is reset (6.0 resets every departing queue,
// mainline every departing queue that is still in the host's configuration), and the
// guest is not touched.

// %%
List<Session> dynamic = kernels.subList(1, 3);
sideBySide(dynamic, "echo -4,-0x47 > /sys/bus/ap/aqmask", "echo +5 > /sys/bus/ap/apmask",
        "ls /sys/bus/ap/drivers/cex4queue", "aplab guest show g1");
printNewResets(kernels, seen);

// %% [markdown]
// ## The locks of the two callbacks
//
// The driver core holds the queue device's lock (`&dev->mutex`) around probe and remove.
// Remove takes the update locks of the mdev the queue is linked to
// (`get_update_locks_for_queue()`); probe first has to find the mdev that has the APQN,
// under `guests_lock`, before it knows which `kvm->lock` to take
// (`get_update_locks_by_apqn()`). The bind path also reads `apmask`/`aqmask` under
// `ap_perms_mutex` in `ap_device_probe()`, and drops it before calling the driver:

// %%
Session s = kernels.get(2);
lockTrace(s, () -> s.execute("echo 06.0004 > " + VFIO + "/unbind"));
sh(s, "aplab guest show g1");
lockTrace(s, () -> s.execute("echo 06.0004 > " + VFIO + "/bind"));
sh(s, "aplab guest show g1", "aplab lockdep");

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
