///usr/bin/env jbang "$0" "$@" ; exit $?
//JAVA 17+
//SOURCES support/AplabReference.java
//SOURCES support/Patch10HotPlugAssignSupport.java
import static aplab.notebook.Nb.*;
import aplab.shell.Session;
import java.util.*;
public class Patch10HotPlugAssign extends Patch10HotPlugAssignSupport {
public static void main(String[] args) { notebook(Patch10HotPlugAssign.class, Patch10HotPlugAssign::cells); }
static void cells() {

// %% [markdown]
// # Patch 10/18: s390/vfio-ap: allow hot plug/unplug of AP devices when assigned/unassigned
//
// Before the series the six store functions of an mdev (`assign_adapter_store()`,
// `unassign_adapter_store()` and their domain and control-domain siblings) returned EBUSY
// while `matrix_mdev->kvm` was set: to change what a guest had, the admin shut it down.
// This patch removes that check. After every change to the mdev's `matrix` it is filtered
// into the shadow APCB (patches 06 and 07); if the shadow changed and a guest is attached,
// the whole shadow is written into the guest's CRYCB (`vfio_ap_mdev_update_guest_apcb()`
// -> `kvm_arch_crypto_set_masks()`). Unassigning clears the id from the shadow and pushes
// again: a hot unplug. Writing the CRYCB needs the guest's `kvm->lock`, found through
// `matrix_mdev->kvm`: hence patch 09's order `guests_lock`, `kvm->lock`, `mdevs_lock`.
//
// Review (Jason Herne, March 2022): rename the push helper (v18's
// `vfio_ap_mdev_hotplug_apcb()`, merged as `vfio_ap_mdev_update_guest_apcb()`) and call it
// from `vfio_ap_mdev_set_kvm()` too; make the filter functions return whether the shadow
// changed and name the saved copies `prev_shadow_*`; name the one-bit mask `apm_delta`;
// move the `get_locks`/`put_locks` refactor into patches of its own (done in v20). Each
// point is taken apart on the model in **Review10HotPlug**; this notebook shows what the
// patch does for an admin and a guest.

// %% [markdown]
// ## Hot plug and unplug with the guest running
//
// The host has adapters 5, 6, 7 and domains 4 and 0x47 (control domains too), all queues
// of adapters 5 to 8 bound to vfio_ap, one mdev with 05.0004, and guest g1 running with it.
// The same writes on Linux 5.17 (before the series) and on mainline:

// %%
List<Session> kernels = List.of(runningGuest("5.17"), runningGuest("mainline"));
sideBySide(kernels, STEPS);

// %% [markdown]
// On 5.17 every write fails with EBUSY and the guest keeps the unfiltered `matrix` it got at
// start (5.17 has no `guest_matrix`); on mainline the guest ends with the shadow APCB
// (`guest_matrix`). Below, every write into the guest's CRYCB as KVM received it: on 5.17
// one, at guest start (`vfio_ap_mdev_set_kvm()`); on mainline one more per accepted write,
// each with the complete masks. Adapter 6 brings 06.0004, domain 0x47 brings 05.0047 and
// 06.0047 (a domain is plugged across every adapter of the shadow), control domain 0x47
// lands in the ADM. Replayed on 6.0 (the series as merged), the steps print and write the
// same as on mainline; the `apm_delta` difference needs an adapter that filtering has
// dropped (**Review10HotPlug** section 4).

// %%
printCrycbWrites(kernels);
compareReplays(runningGuest("6.0"), runningGuest("mainline"));

// %% [markdown]
// ## What is plugged is the filtered shadow, not the matrix
//
// Patch 10 pushes the shadow, so an assignment plugs only what filtering lets through, and
// can even unplug. Here the mdev has adapters 5 and 6 with domain 4, and queue 06.0047 is
// unbound from vfio_ap first (patch 11's work, **Patch11HotPlugProbe**). Adapter 8 is not in
// the host: accepted (patch 08), nothing pushed ("changed" is false). Domain 0x47 forms
// 06.0047 with adapter 6; an APCB cannot leave out one APQN, so filtering drops adapter 6:
// assigning a domain **unplugs an adapter**. Unassigning 0x47 does not bring adapter 6 back:
// `vfio_ap_mdev_hot_unplug_domain()` clears the domain from the shadow and does not filter.
// Adapter 6 returns at the next filtering, the assignment of adapter 7.

// %%
Session s = host("mainline");
List<String> mainlineLines = filteredShadow(s);
mainlineLines.forEach(System.out::println);
sh(s, "cat matrix", "cat guest_matrix");
System.out.println("6.0 prints the same lines: " + mainlineLines.equals(filteredShadow(host("6.0"))));

// %% [markdown]
// ## The locks of one hot plug
//
// With a guest attached the assign path takes `kvm->lock` between `guests_lock` and
// `mdevs_lock`; `ap_perms_mutex` comes first because the assignment is checked against
// `apmask`/`aqmask` (**Patch13InUseImpl**). An unassign takes no `ap_perms_mutex`: giving
// resources up is not checked against the masks.

// %%
lockTrace(s, () -> s.execute("echo 5 > unassign_adapter"));
lockTrace(s, () -> s.execute("echo 5 > assign_adapter"));
sh(s, "aplab guest show g1");

// %% [markdown]
// ## Sources
//
// - Patch mail: [[PATCH v18 10/18]](https://lore.kernel.org/all/20220215005040.52697-11-akrowiak@linux.ibm.com/)
//   (Tony Krowiak, 14 Feb 2022), in the [v18 series](https://lore.kernel.org/all/20220215005040.52697-1-akrowiak@linux.ibm.com/).
// - Merged as [`51dc562af09d`](https://git.kernel.org/torvalds/c/51dc562af09d)
//   ("s390/vfio-ap: allow hot plug/unplug of AP devices when assigned/unassigned"),
//   Linux 6.0.
//   With it: [`8ee13ad99337`](https://git.kernel.org/torvalds/c/8ee13ad99337)
//   ("s390/vfio-ap: prepare for dynamic update of guest's APCB on assign/unassign").
// - Follow-up: [`850fb7fa8c68`](https://git.kernel.org/torvalds/c/850fb7fa8c68) ("s390/vfio-ap: always filter entire AP matrix",
//   Linux 6.8, CVE-2024-26620), `Fixes: 48cae940c31d`; its stable backports are in the
//   [stable list](https://lore.kernel.org/stable/?q=%22always+filter+entire+AP+matrix%22).
// - The code as in Linux 6.12.117 (drivers/s390/crypto/vfio_ap_ops.c):
//   [`assign_adapter_store()`][n1064], [`vfio_ap_mdev_update_guest_apcb()`][n648].
//
// [n1064]: https://git.kernel.org/pub/scm/linux/kernel/git/stable/linux.git/tree/drivers/s390/crypto/vfio_ap_ops.c?h=v6.12.117#n1064
// [n648]: https://git.kernel.org/pub/scm/linux/kernel/git/stable/linux.git/tree/drivers/s390/crypto/vfio_ap_ops.c?h=v6.12.117#n648

// %%
}}
