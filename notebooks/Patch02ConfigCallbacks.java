///usr/bin/env jbang "$0" "$@" ; exit $?
//JAVA 17+
//SOURCES support/AplabReference.java
//SOURCES support/Patch02ConfigCallbacksSupport.java
import static aplab.notebook.Nb.*;
import aplab.shell.Session;
import java.util.*;
public class Patch02ConfigCallbacks extends Patch02ConfigCallbacksSupport {
public static void main(String[] args) { notebook(Patch02ConfigCallbacks.class, Patch02ConfigCallbacks::cells); }
static void cells() {

// %% [markdown]
// # Patch 02/18: s390/ap: notify drivers on config changed and scan complete callbacks
//
// The host's AP configuration is what the QCI instruction reports: the masks of adapters,
// usage domains and control domains the LPAR has, and the highest ids. It can change while
// the host runs (an adapter is added to or removed from the LPAR at the HMC or SE). The AP
// bus sees that in its scan, `ap_scan_bus()`: it runs QCI again and removes or creates
// card and queue devices, so drivers only learned about a change one queue device at a
// time, through their remove and probe callbacks.
//
// This patch gives `struct ap_driver` two optional callbacks, both with the new and the
// old QCI block as arguments:
//
// - `on_config_changed(new, old)`, called at the start of a scan whose QCI differs from
//   the previous one, **before** any device is removed or created;
// - `on_scan_complete(new, old)`, called at the end of that scan, **after** every device
//   was removed or created (and so probed by its driver).
//
// The bus keeps the QCI of the previous scan next to the current one so that it can tell
// whether the configuration changed and pass both. A scan that finds the same
// configuration calls neither callback. Without the QCI facility (very old machines)
// there is nothing to compare and no callback is made; the first 5.18 code assumed QCI
// was always there and crashed such machines under KVM, which "s390/ap: fix crash on older
// machines based on QCI info missing" repaired. (The model always has QCI.)
//
// What a driver gains: when resources leave, it can act on the whole removal at once,
// before the devices go; when resources arrive, it can wait until all the new queues are
// probed and then act once. vfio_ap's use of both (hot unplug of what left, one deferred
// hot plug of what arrived) is patch 15. Like patch 01, this bus part was split off at
// Harald Freudenberger's request and merged for Linux 5.18; the model's 5.17 kernel has no
// callbacks, its 6.0 and mainline kernels have them and vfio_ap's implementation.

// %% [markdown]
// ## Before and after, as the guest sees it
//
// The mdev has adapters 5, 6 and 7 with domain 4 (adapter 7 is not in the host yet; 5.17
// cannot assign it, see patch 08) and guest g1 uses it. Then the host's configuration
// changes: adapter 6 leaves, adapter 7 arrives (`aplab host` run again is a new QCI result
// followed by a bus scan).

// %%
List<Session> kernels = List.of(twoAdapters("5.17"), twoAdapters("mainline"));
sideBySide(kernels, "echo 5 > assign_adapter", "echo 6 > assign_adapter", "echo 7 > assign_adapter",
        "echo 4 > assign_domain", "aplab guest start g1 --mdev " + U1, "aplab guest show g1",
        "aplab host --adapters 5,7 --domains 4", "ls /sys/bus/ap/drivers/vfio_ap", "aplab guest show g1");
for (Session k : kernels) {
    System.out.println("CRYCB updates on " + k.host().version().release() + ":");
    k.host().guest("g1").kvm().updates().forEach(u -> System.out.println("  " + u));
}

// %% [markdown]
// On 5.17 the bus removes 06.0004 and creates 07.0004 and the drivers' remove and probe
// run, but the guest's CRYCB is never touched: it keeps adapter 06, which the host no
// longer has, for as long as it runs. On mainline there are two CRYCB updates after the one
// from guest start: adapter 06 leaves in the first, adapter 07 arrives in the second.
//
// ## The order of the calls
//
// The same change on mainline, traced: every lock taken and released, with the thread and the
// kernel function that took it. `ap_scan_bus` is the bus; the vfio_ap functions are its
// callbacks.

// %%
Session t = twoAdapters("mainline");
quietly(t, "echo 5 > assign_adapter", "echo 6 > assign_adapter", "echo 7 > assign_adapter",
        "echo 4 > assign_domain", "aplab guest start g1 --mdev " + U1);
lockTrace(t, () -> t.execute("aplab host --adapters 5,7 --domains 4"));

// %% [markdown]
// Read top to bottom: `ap_scan_bus_mutex`, then `vfio_ap_on_cfg_changed` (unplugging
// adapter 6 with the guest's `kvm->lock` held, then noting the arrival of adapter 7 under
// `mdevs_lock` alone), then the removal of queue device 06.0004 under its device lock
// (`vfio_ap_mdev_remove_queue`), then the creation of 07.0004: the bus checks
// `apmask`/`aqmask` under `ap_perms_mutex` and vfio_ap's probe runs
// (`vfio_ap_mdev_probe_queue`: it links the queue to the mdev and, since a configuration
// change is pending, leaves the filtering to the end), and last
// `vfio_ap_on_scan_complete`, which plugs adapter 7.
// The same, reduced to the driver functions in the order they ran:

// %%
Session u = twoAdapters("mainline");
quietly(u, "echo 5 > assign_adapter", "echo 6 > assign_adapter", "echo 7 > assign_adapter",
        "echo 4 > assign_domain", "aplab guest start g1 --mdev " + U1);
driverCalls(u, "aplab host --adapters 5,7 --domains 4");
driverCalls(u, "aplab host --adapters 5,7 --domains 4");
driverCalls(u, "aplab host --adapters 5,6,7 --domains 4");
sh(u, "aplab guest show g1");

// %% [markdown]
// The second run of the same configuration is a scan that finds nothing new: neither
// callback is made and no device changes. The third brings adapter 6 back: nothing left,
// so `on_config_changed` only notes the addition, 06.0004 is probed, and
// `on_scan_complete` plugs adapter 6 into the guest.
//
// On 5.17 the same three scans call only the remove and probe callbacks (no QCI
// comparison reaches the driver). The model names them as patch 04 renamed them; in 5.17
// they were `vfio_ap_queue_dev_remove()` and `vfio_ap_queue_dev_probe()` in
// vfio_ap_drv.c. After the third scan the guest happens to be right again: adapter 6 is
// back, although it was in the guest's CRYCB all along.

// %%
Session v = twoAdapters("5.17");
quietly(v, "echo 5 > assign_adapter", "echo 6 > assign_adapter", "echo 4 > assign_domain",
        "aplab guest start g1 --mdev " + U1);
driverCalls(v, "aplab host --adapters 5,7 --domains 4");
driverCalls(v, "aplab host --adapters 5,7 --domains 4");
driverCalls(v, "aplab host --adapters 5,6,7 --domains 4");
sh(v, "aplab guest show g1");

// %% [markdown]
// ## Sources
//
// - Patch mail: [[PATCH v18 02/18]](https://lore.kernel.org/all/20220215005040.52697-3-akrowiak@linux.ibm.com/)
//   (Tony Krowiak, 14 Feb 2022), in the [v18 series](https://lore.kernel.org/all/20220215005040.52697-1-akrowiak@linux.ibm.com/).
// - Merged as [`283915850a44`](https://git.kernel.org/torvalds/c/283915850a44)
//   ("s390/ap: notify drivers on config changed and scan complete callbacks"),
//   Linux 5.18.
// - The code as in Linux 6.12.117 (drivers/s390/crypto/vfio_ap_ops.c):
//   [`vfio_ap_on_cfg_changed()`][n2826], [`vfio_ap_on_scan_complete()`][n2878].
//
// [n2826]: https://git.kernel.org/pub/scm/linux/kernel/git/stable/linux.git/tree/drivers/s390/crypto/vfio_ap_ops.c?h=v6.12.117#n2826
// [n2878]: https://git.kernel.org/pub/scm/linux/kernel/git/stable/linux.git/tree/drivers/s390/crypto/vfio_ap_ops.c?h=v6.12.117#n2878

// %%
}}
