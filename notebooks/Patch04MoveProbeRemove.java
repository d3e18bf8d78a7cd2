///usr/bin/env jbang "$0" "$@" ; exit $?
//JAVA 17+
//SOURCES support/AplabReference.java
//SOURCES support/Patch04MoveProbeRemoveSupport.java
import static aplab.notebook.Nb.*;
import aplab.shell.Session;
import java.util.*;
public class Patch04MoveProbeRemove extends Patch04MoveProbeRemoveSupport {
public static void main(String[] args) { notebook(Patch04MoveProbeRemove.class, Patch04MoveProbeRemove::cells); }
static void cells() {

// %% [markdown]
// # Patch 04/18: s390/vfio-ap: move probe and remove callbacks to vfio_ap_ops.c
//
// vfio_ap registers with the AP bus a probe and a remove callback for queue devices. Until
// this patch they lived in vfio_ap_drv.c (`vfio_ap_queue_dev_probe()` and
// `vfio_ap_queue_dev_remove()`): probe allocated the `struct vfio_ap_queue`, set its APQN
// and its invalid interrupt subclass and stored it as the device's driver data; remove
// reset (zeroized) the queue and freed the object; both under `matrix_dev->lock`. The patch
// moves them, renamed `vfio_ap_mdev_probe_queue()` and `vfio_ap_mdev_remove_queue()`, to
// vfio_ap_ops.c, so that `vfio_ap_mdev_reset_queue()` can become static and the queue
// functions leave vfio_ap_private.h. Later patches grow both callbacks (linking in patch
// 05, hot plug in patch 11); this one is meant to change no behaviour. Halil Pasic gave it
// his Reviewed-by.
//
// One thing did not move in the v18 diff. Since Linux 5.17 ("s390/vfio-ap: add status
// attribute to AP queue device's sysfs dir") the old probe created, and the old remove
// removed, a `status` attribute on each queue device bound to vfio_ap (`assigned`,
// `unassigned` or `in use`). The moved functions in v18 no longer call
// `sysfs_create_group()`/`sysfs_remove_group()`, so the attribute would have disappeared.
// The v20 change log says its creation was moved into `vfio_ap_mdev_probe_queue()`; the
// merged code has it.
//
// > **Note (open question):** which reviewer noticed the lost attribute is not recorded in the
// > mails at hand (source: the v20 change log).
//
// The model names the callbacks by their new names on every kernel.

// %% [markdown]
// ## Same scenario, same results
//
// Queues that no mdev has assigned are bound and unbound in every way the bus offers: an
// `apmask` write, a manual unbind and bind, an `aqmask` write, and a host configuration
// change that removes adapter 6. With no assignment, the hot plug code of later patches has
// nothing to do, and what runs is the probe and remove this patch moved. After each step:
// the queues bound to vfio_ap; at the end, every queue reset vfio_ap issued. 5.17 is before
// the move, 6.0 after it; mainline is printed as the lines that differ from 5.17.

// %%
compareRuns("5.17", "6.0", "mainline");

// %% [markdown]
// Each queue that arrives gets a `vfio_ap_queue`, each queue that leaves is reset once. The
// queues of adapter 6 given back to the host with `+6` are reset when vfio_ap lets them go
// (so that nothing a guest left in them reaches the host); 06.0047, which `-0x47` gave back
// to vfio_ap, is reset when adapter 6 leaves the host configuration, and since the queue no
// longer exists the reset answers 0x01 (queue not available).
//
// mainline differs in exactly that last reset, because of a later patch: since 6.8
// ("s390/vfio-ap: do not reset queue removed from host config") the remove callback skips
// the reset of a queue that has left the host configuration, since it can only fail.
//
// ## Which locks the callbacks take
//
// The move did not touch the locking either. The unbind and bind of 05.0047, traced (`a >
// b`: b taken under a); what differs between 5.17 and mainline comes from patch 09
// (`guests_lock`, and `matrix_dev->lock` renamed `mdevs_lock`). For a queue that an mdev
// has assigned, patches 05 and 11 add the lookup of the mdev and its guest's `kvm->lock`.

// %%
bindLocks("5.17");
bindLocks("mainline");

// %% [markdown]
// ## The `status` attribute
//
// Each queue bound to vfio_ap has `status`; it goes away with the binding (mainline, then
// 5.17 in the last line):

// %%
Session m = fresh("mainline");
quietly(m, "echo -5 > /sys/bus/ap/apmask", "cd " + MDEV, "echo 5 > assign_adapter", "echo 4 > assign_domain");
sh(m, "cat /sys/bus/ap/devices/05.0004/status", "cat /sys/bus/ap/devices/05.0047/status",
        "aplab guest start g1 --mdev " + U1, "cat /sys/bus/ap/devices/05.0004/status",
        "echo 05.0047 > /sys/bus/ap/drivers/vfio_ap/unbind", "cat /sys/bus/ap/devices/05.0047/status");
Session old = fresh("5.17");
quietly(old, "echo -5 > /sys/bus/ap/apmask");
sh(old, "cat /sys/bus/ap/devices/05.0004/status");

// %% [markdown]
// Until 6.7 ("s390/vfio-ap: fix sysfs status attribute for AP queue devices") `in use`
// meant only "the mdev has a guest", not "the guest has this APQN".

// %% [markdown]
// ## Sources
//
// - Patch mail: [[PATCH v18 04/18]](https://lore.kernel.org/all/20220215005040.52697-5-akrowiak@linux.ibm.com/)
//   (Tony Krowiak, 14 Feb 2022), in the [v18 series](https://lore.kernel.org/all/20220215005040.52697-1-akrowiak@linux.ibm.com/).
// - Merged as [`260f3ea14138`](https://git.kernel.org/torvalds/c/260f3ea14138) ("s390/vfio-ap: move probe and remove callbacks to vfio_ap_ops.c"),
//   Linux 6.0.
// - The code as in Linux 6.12.117 (drivers/s390/crypto/vfio_ap_ops.c):
//   [`vfio_ap_mdev_probe_queue()`][n2397], [`vfio_ap_mdev_remove_queue()`][n2458].
//
// [n2397]: https://git.kernel.org/pub/scm/linux/kernel/git/stable/linux.git/tree/drivers/s390/crypto/vfio_ap_ops.c?h=v6.12.117#n2397
// [n2458]: https://git.kernel.org/pub/scm/linux/kernel/git/stable/linux.git/tree/drivers/s390/crypto/vfio_ap_ops.c?h=v6.12.117#n2458

// %%
}}
