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
// usage domains and control domains the LPAR has, and the highest ids. It changes when an
// adapter is added to or removed from the running LPAR (at the HMC or SE). The AP bus's
// scan, `ap_scan_bus()`, runs QCI again and removes or creates card and queue devices;
// drivers learned of a change one queue device at a time, through remove and probe.
//
// The patch gives `struct ap_driver` two optional callbacks, both called with the new and
// the old QCI block:
//
// - `on_config_changed(new, old)`, at the start of a scan whose QCI differs from the
//   previous one, **before** any device is removed or created;
// - `on_scan_complete(new, old)`, at the end of that scan, **after** every device was
//   removed or created (and so probed by its driver).
//
// The bus keeps the previous scan's QCI to compare; a scan that finds the same
// configuration calls neither callback. Without the QCI facility (very old machines) none
// is called; the first 5.18 code assumed QCI was there and crashed such machines under KVM, fixed by
// "s390/ap: fix crash on older machines based on QCI info missing". (The model always has QCI.)
//
// A driver can so act on a whole removal before the devices go, and on an addition once,
// after all the new queues are probed: vfio_ap's hot unplug and deferred hot plug, patch 15.
// Like patch 01, this bus part was split off at Harald Freudenberger's request and merged
// for Linux 5.18. The model's 5.17 has no callbacks; its 6.0 and mainline have them and
// vfio_ap's implementation.

// %% [markdown]
// ## Before and after, as the guest sees it
//
// The mdev has adapters 5, 6 and 7 with domain 4 (adapter 7 is not in the host yet; 5.17
// cannot assign it, see patch 08) and guest g1 uses it. Then adapter 6 leaves the host's
// configuration and adapter 7 arrives (`aplab host` is a new QCI result and a bus scan).

// %%
List<Session> kernels = List.of(twoAdapters("5.17"), twoAdapters("mainline"));
sideBySide(kernels, "echo 5 > assign_adapter", "echo 6 > assign_adapter", "echo 7 > assign_adapter",
        "echo 4 > assign_domain", "aplab guest start g1 --mdev " + U1, "aplab guest show g1",
        "aplab host --adapters 5,7 --domains 4", "ls /sys/bus/ap/drivers/vfio_ap", "aplab guest show g1");
for (Session k : kernels) {
    System.out.println("CRYCB updates on " + k.host().version().release() + ": "
            + String.join("; ", k.host().guest("g1").kvm().updates()));
}

// %% [markdown]
// On 5.17 the bus removes 06.0004 and creates 07.0004, but the guest's CRYCB is never
// updated: the guest keeps adapter 06, which the host no longer has. On mainline the CRYCB
// is updated twice after guest start: adapter 06 leaves, then adapter 07 arrives.
//
// ## The order of the calls
//
// The same change, then the same configuration again, then adapter 6 back, on each kernel:
// the vfio_ap functions that took a lock, in the order they ran, each with the lock chains
// it held (`a > b`: b taken under a). The bus holds `ap_scan_bus_mutex` across the scan and
// a queue's `&dev->mutex` across its remove or probe.

// %%
for (String k : List.of("mainline", "5.17")) {
    Session u = started(k);
    System.out.println("[" + k + "]");
    driverCalls(u, "aplab host --adapters 5,7 --domains 4");
    driverCalls(u, "aplab host --adapters 5,7 --domains 4");
    driverCalls(u, "aplab host --adapters 5,6,7 --domains 4");
    sh(u, "aplab guest show g1");
}

// %% [markdown]
// On mainline `vfio_ap_on_cfg_changed` unplugs adapter 6 under the guest's `kvm->lock`,
// then notes the arrival of adapter 7 under `mdevs_lock` alone; 06.0004 is removed; the
// probe of 07.0004 links it to the mdev and, with a configuration change pending, leaves
// the filtering to `vfio_ap_on_scan_complete`, which plugs adapter 7. When adapter 6 comes
// back nothing has left: `on_config_changed` only notes the addition, and
// `on_scan_complete` plugs adapter 6.
//
// On 5.17 only remove and probe run (no QCI comparison reaches the driver); the guest is
// right after the third scan only because adapter 6 was in its CRYCB all along. The model
// names the callbacks as patch 04 renamed them; in 5.17 they were
// `vfio_ap_queue_dev_remove()` and `vfio_ap_queue_dev_probe()` in vfio_ap_drv.c.

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
