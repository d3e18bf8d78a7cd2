///usr/bin/env jbang "$0" "$@" ; exit $?
//JAVA 17+
//SOURCES support/AplabReference.java
//SOURCES support/Patch03GetQdevSupport.java
import static aplab.notebook.Nb.*;
import aplab.ap.*;
import aplab.shell.Session;
import java.util.*;
public class Patch03GetQdev extends Patch03GetQdevSupport {
public static void main(String[] args) { notebook(Patch03GetQdev.class, Patch03GetQdev::cells); }
static void cells() {

// %% [markdown]
// # Patch 03/18: s390/vfio-ap: use new AP bus interface to search for queue devices
//
// vfio_ap often needs the driver object (`struct vfio_ap_queue`) behind an APQN: for the
// guest's PQAP(AQIC) instruction, to reset an mdev's queues, and with this series to link
// queues to mdevs and to filter. Before this patch `vfio_ap_find_queue()` asked the driver
// core, `driver_find_device(&matrix_dev->vfio_ap_drv->driver, NULL, &apqn, match_apqn)`: a
// walk over every device bound to vfio_ap, comparing each one's APQN. The patch uses the AP
// bus's `ap_get_qdev(apqn)` instead: one lookup in the bus's table of queue devices keyed
// by APQN (`ap_queues`, under the spinlock `ap_queues_lock`), which returns the device with
// a reference held. The table holds every queue device, whichever driver has it, so the
// merged `vfio_ap_find_queue()` checks `queue->ap_dev.device.driver ==
// &matrix_dev->vfio_ap_drv->driver` before it reads the driver data, then drops the
// reference (`put_device()`).
//
// Both searches return *the vfio_ap_queue of that APQN if a queue device with that APQN
// exists and is bound to vfio_ap, else NULL*. The patch changes how fast the answer comes
// (a hash lookup instead of a list walk, which matters once the series searches every APQN
// of an mdev's matrix), not what it is: a refactor, with no visible behaviour change.
//
// Review: no substantive comment on the v18 posting of this patch is known to this corpus.
// On its first posting (2020) Cornelia Huck asked that the commit message explain why the
// lookup no longer tested the mdev's adapter and domain masks, as the old
// `vfio_ap_get_queue()` did; Tony Krowiak answered that the callers needing the test (the PQAP
// handler) do it themselves.
//
// The model has only the new search (`VfioApOps.vfioQueue()`: the bus's queue table, then
// the driver check); the old one is the list of devices `ls /sys/bus/ap/drivers/vfio_ap`
// shows.

// %% [markdown]
// ## The four kinds of APQN
//
// Adapters 5, 6 and 7 and domains 4 and 0x47; adapters 5 and 6 go to vfio_ap, and 06.0047
// is unbound and left without a driver. An APQN bound to vfio_ap, one bound to `cex4queue`,
// one with no driver and one with no queue device:

// %%
Session s = host();
quietly(s, "aplab host --adapters 5,6,7 --domains 4,0x47", "echo -5,-6 > /sys/bus/ap/apmask",
        "echo 06.0047 > /sys/bus/ap/drivers/vfio_ap/unbind");
lookups(s, "05.0004", "07.0004", "06.0047", "08.0004");

// %% [markdown]
// `ap_get_qdev()` finds 07.0004, but it is `cex4queue`'s, so the driver check makes the
// answer NULL, as the walk over vfio_ap's devices would; without that check the driver data
// of a zcrypt queue would be read as a `vfio_ap_queue`.
//
// ## The same answer in every state
//
// The two searches in 300 host states reached by random binds, unbinds, `apmask`/`aqmask`
// edits, host configuration changes and assignments (seed 3): the APQNs the driver walk
// finds against those for which the table lookup, tried on all 65536 APQNs, returns a queue.

// %%
Session r = host();
quietly(r, "aplab host --adapters 5,6 --domains 4,0x47", "echo -5,-6 > /sys/bus/ap/apmask",
        "echo " + U1 + " > " + CREATE);
compareSearches(r, 300, 3);

// %% [markdown]
// The states differ (queues come and go); the answers never do. What rests on the search
// (which queues an mdev links, filters and resets: patches 05, 07 and 12) does not depend on
// which search found the queue. The locks differ in kind only: the driver core walks a klist
// of the driver's devices, `ap_get_qdev()` holds the `ap_queues_lock` spinlock for the
// lookup; neither is held across anything that sleeps or takes another lock, so neither
// appears in the lock order of patch 09 (the model does not track them).

// %% [markdown]
// ## Sources
//
// - Patch mail: [[PATCH v18 03/18]](https://lore.kernel.org/all/20220215005040.52697-4-akrowiak@linux.ibm.com/)
//   (Tony Krowiak, 14 Feb 2022), in the [v18 series](https://lore.kernel.org/all/20220215005040.52697-1-akrowiak@linux.ibm.com/).
// - Merged as [`034921cdea1c`](https://git.kernel.org/torvalds/c/034921cdea1c)
//   ("s390/vfio-ap: use new AP bus interface to search for queue devices"),
//   Linux 6.0.
// - The code as in Linux 6.12.117 (drivers/s390/crypto/vfio_ap_ops.c):
//   [`vfio_ap_find_queue()`][n1898], [`vfio_ap_mdev_get_queue()`][n213].
//
// [n1898]: https://git.kernel.org/pub/scm/linux/kernel/git/stable/linux.git/tree/drivers/s390/crypto/vfio_ap_ops.c?h=v6.12.117#n1898
// [n213]: https://git.kernel.org/pub/scm/linux/kernel/git/stable/linux.git/tree/drivers/s390/crypto/vfio_ap_ops.c?h=v6.12.117#n213

// %%
}}
