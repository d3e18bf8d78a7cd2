///usr/bin/env jbang "$0" "$@" ; exit $?
//JAVA 17+
//SOURCES support/AplabReference.java
//SOURCES support/Patch15ConfigChangeSupport.java
import static aplab.notebook.Nb.*;
import aplab.shell.Session;
import java.util.List;
public class Patch15ConfigChange extends Patch15ConfigChangeSupport {
public static void main(String[] args) { notebook(Patch15ConfigChange.class, Patch15ConfigChange::cells); }
static void cells() {

// %% [markdown]
// # Patch 15/18: s390/vfio-ap: handle config changed and scan complete notification
//
// Since patch 02 (merged in 5.18) the AP bus tells its drivers about a change of the host's
// AP configuration (the QCI masks of adapters, usage domains and control domains) twice:
// `on_config_changed(cur, prev)` before its scan removes and creates card and queue devices,
// and `on_scan_complete(cur, prev)` after (see that notebook). This patch implements both
// for vfio_ap.
//
// - `vfio_ap_on_cfg_changed()`, under `guests_lock`: for what left the host
//   (`vfio_ap_mdev_cfg_remove()`), each mdev that has it assigned drops it from its shadow
//   and the guest is updated at once (`vfio_ap_mdev_hot_unplug_cfg()`); for what arrived
//   (`vfio_ap_mdev_cfg_add()`), each mdev notes in `apm_add`/`aqm_add`/`adm_add` the part it
//   has assigned (adapters older than CEX4 are dropped by `vfio_ap_filter_apid_by_qtype()`);
//   then vfio_ap's copy of the QCI (`matrix_dev->info`) becomes the new one.
// - The bus then removes and creates the queue devices: patch 11's remove and probe
//   callbacks run for each.
// - `vfio_ap_on_scan_complete()`: for each mdev with pending additions, filter once and push
//   once (`vfio_ap_mdev_hot_plug_cfg()`), then clear the add masks. Waiting plugs everything
//   that arrived in one CRYCB update, when all the new queues exist.
//
// `vfio_ap_on_cfg_changed()` resets nothing: the removed queues are gone from the host.
// (The queue remove callback that follows still issued a ZAPQ on each in 6.0, which answers
// 0x01; since 6.8 it skips queues that are no longer in the host's configuration.) The
// mdev's `matrix` never changes; only the shadow does.
//
// Review (Jason Herne): unrelated hunks to move out; `bitmap_andnot()` returns an int, so
// the flags should be ints; the first of a series of `|=` should be `=`; why store the old
// and new QCI in `matrix_dev` instead of passing them as arguments (the merged callbacks take
// them as arguments), and could the remove and add helpers be merged. The treatment of mdevs
// without a guest changed too: v18 and v19 skipped them in the remove path
// (`if (!matrix_mdev->kvm) continue;`), the merged code walks every mdev.

// %% [markdown]
// ## Removal unplugs at once; addition plugs at scan complete
//
// `hostChange()` runs `aplab host` on each kernel: a new QCI and a bus scan. The guest has
// adapters 5 and 6, domain 4 and control domain 5. Adapter 6 and control domain 5 leave the
// host, then come back; Linux 5.17 has neither callback:

// %%
List<Session> kernels = List.of(runningGuest("5.17"), runningGuest("mainline"));
hostChange(kernels, "aplab host --adapters 5 --domains 4,5 --control-domains 4,6");
sideBySide(kernels, "aplab guest show g1", "ls /sys/bus/ap/drivers/vfio_ap", "cat matrix");
hostChange(kernels, "aplab host --adapters 5,6 --domains 4,5 --control-domains 4,5,6");
sideBySide(kernels, "aplab guest show g1", "cat guest_matrix");

// %% [markdown]
// On 5.17 the guest keeps adapter 06 and control domain 0005 while the host no longer has
// them. On mainline both are unplugged and, once back, plugged again at scan complete,
// after vfio_ap has probed the new queue devices (`apmask` still gives adapter 6 to
// vfio_ap). `matrix` keeps adapter 6 throughout.
//
// ## One push per configuration change
//
// An mdev with adapters 5, 6 and 7 and domains 4 and 5, on a host with adapter 5 only;
// adapters 6 and 7 arrive together. In 6.0 every probe filtered and pushed: two CRYCB
// updates. Since 6.8 ("s390/vfio-ap: let on_scan_complete() callback filter matrix and
// update guest's APCB") a probe leaves the filtering to scan complete while the mdev has
// pending additions: one update. (v18 already deferred it so; the merged 6.0 code did not.)

// %%
List<Session> adds = List.of(threeAdapters("6.0"), threeAdapters("mainline"));
int[] seen = pushCounts(adds);
hostChange(adds, "aplab host --adapters 5,6,7 --domains 4,5");
printNewPushes(adds, seen);

// %% [markdown]
// The order of events on mainline, from the lock trace (every lock, with the function that
// took it) of one configuration change that removes adapter 7 and domain 5:

// %%
Session m = adds.get(1);
lockTrace(m, () -> m.execute("aplab host --adapters 5,6 --domains 4"));
sh(m, "aplab guest show g1");

// %% [markdown]
// `vfio_ap_on_cfg_changed` unplugs under the guest's `kvm->lock` before the queue devices
// are removed (`vfio_ap_mdev_remove_queue`, under each device's lock); their APQNs are
// already out of the shadow, so they neither push nor reset. Scan complete adds nothing.
//
// ## Control domains: the `cdrem` bug
//
// `vfio_ap_mdev_cfg_remove()` computed an mdev's removed control domains as
// `bitmap_andnot(cdrem, cd_remove, matrix_mdev->matrix.adm)`: the removed control domains
// the mdev does **not** have. Clearing those from the shadow changes nothing, and the ones
// the mdev has stay in the guest. The code is the same from the merge (6.0) through the
// 6.16-6.19 sources; the fix ("s390/vfio-ap: Fix control domain removal", 2026) uses
// `bitmap_and`. The model's mainline carries the 2026 fixes; a real 6.19 behaves as 6.0 below.

// %%
List<Session> cd = List.of(runningGuest("6.0"), runningGuest("mainline"));
int[] cdSeen = pushCounts(cd);
hostChange(cd, "aplab host --adapters 5,6 --domains 4,5 --control-domains 4,6");
sideBySide(cd, "aplab guest show g1");
printNewPushes(cd, cdSeen);

// %% [markdown]
// On 6.0 the guest keeps control domain 0005 although the host lost it, and no update is
// made. A removal of an unassigned control domain, on the other hand, makes `cdrem`
// non-empty on 6.0: the mdev counts as affected and its unchanged shadow is pushed again.

// %%
hostChange(cd, "aplab host --adapters 5,6 --domains 4,5 --control-domains 4");
printNewPushes(cd, cdSeen);

// %% [markdown]
// ## The last adapter or domain
//
// `vfio_ap_mdev_hot_unplug_cfg()` decided whether to update the guest from the return value
// of `bitmap_andnot()`, which says whether the result is non-empty, not whether it changed.
// When the last domain (or adapter) of a guest leaves the host, the shadow becomes empty and
// the guest is not updated: it keeps a domain the host no longer has. Fixed in 2026
// ("s390/vfio-ap: Fix hot-unplug skipped when last AP adapter or domain removed"); the
// model's mainline has the fix. Domain 4 is the guest's only domain:

// %%
hostChange(cd, "aplab host --adapters 5,6 --domains 5 --control-domains 4");
sideBySide(cd, "aplab guest show g1", "cat guest_matrix");
printNewPushes(cd, cdSeen);

// %% [markdown]
// 6.0 leaves 0004 in the guest's CRYCB while `guest_matrix`, computed from the same shadow,
// lists no domain; the two disagree until the next push. (The 6.0 guest also still has
// control domain 0005 from the `cdrem` cell.) Bringing domain 4 and control domain 5 back
// plugs them on both kernels, but on 6.0 each probe filters and pushes, and the probe of
// 05.0004 runs before 06.0004 exists, so the guest briefly gets a configuration without
// adapter 06; mainline waits for scan complete and pushes once:

// %%
hostChange(cd, "aplab host --adapters 5,6 --domains 4,5 --control-domains 4,5");
printNewPushes(cd, cdSeen);

// %% [markdown]
// ## What the model does not show
//
// Two more differences between the merged 6.0 code (`drivers/s390/crypto/vfio_ap_ops.c` at
// eeb386aeb5b7) and mainline are not reproduced by the model's 6.0 host:
//
// - `vfio_ap_mdev_cfg_remove()` and `vfio_ap_mdev_hot_plug_cfg()` take
//   `mutex_lock(&matrix_mdev->kvm->lock)` for every mdev, attached or not: with no guest, a
//   lock at an address computed from a NULL pointer. The same lines are still in the 6.16-6.19
//   sources. The model, on every kernel, takes `kvm->lock` only for an mdev with a guest.
// - In 6.0, when only control domains were added, `vfio_ap_mdev_hot_plug_cfg()` ends in an
//   unconditional `else` calling `vfio_ap_mdev_filter_matrix(shadow_apcb.apm, aqm, ...)` with
//   an empty `aqm`: it rebuilds the shadow's adapters from matrix AND host and examines no
//   APQN, so an adapter that filtering had dropped (say, for an unbound queue) comes back
//   into the guest. The model's 6.0 does not filter in that case.
//
// With no guest attached, mainline takes no `kvm->lock` at all on a configuration change:

// %%
Session idle = idleMdev();
lockTrace(idle, () -> idle.execute("aplab host --adapters 5 --domains 4,5"));
sh(idle, "cat guest_matrix");

// %% [markdown]
// ## Sources
//
// - Patch mail: [[PATCH v18 15/18]](https://lore.kernel.org/all/20220215005040.52697-16-akrowiak@linux.ibm.com/)
//   (Tony Krowiak, 14 Feb 2022), in the [v18 series](https://lore.kernel.org/all/20220215005040.52697-1-akrowiak@linux.ibm.com/).
// - Merged as [`eeb386aeb5b7`](https://git.kernel.org/torvalds/c/eeb386aeb5b7)
//   ("s390/vfio-ap: handle config changed and scan complete notification"),
//   Linux 6.0.
// - The code as in Linux 6.12.117 (drivers/s390/crypto/vfio_ap_ops.c):
//   [`vfio_ap_on_cfg_changed()`][n2826], [`vfio_ap_mdev_cfg_remove()`][n2593],
//   [`vfio_ap_mdev_hot_plug_cfg()`][n2845].
//
// [n2826]: https://git.kernel.org/pub/scm/linux/kernel/git/stable/linux.git/tree/drivers/s390/crypto/vfio_ap_ops.c?h=v6.12.117#n2826
// [n2593]: https://git.kernel.org/pub/scm/linux/kernel/git/stable/linux.git/tree/drivers/s390/crypto/vfio_ap_ops.c?h=v6.12.117#n2593
// [n2845]: https://git.kernel.org/pub/scm/linux/kernel/git/stable/linux.git/tree/drivers/s390/crypto/vfio_ap_ops.c?h=v6.12.117#n2845

// %%
}}
