///usr/bin/env jbang "$0" "$@" ; exit $?
//JAVA 17+
//SOURCES support/AplabReference.java
//SOURCES support/Patch06ShadowApcbSupport.java
import static aplab.notebook.Nb.*;
import aplab.shell.Session;
import aplab.vfioap.ApMatrix;
import java.util.List;
public class Patch06ShadowApcb extends Patch06ShadowApcbSupport {
public static void main(String[] args) { notebook(Patch06ShadowApcb.class, Patch06ShadowApcb::cells); }
static void cells() {

// %% [markdown]
// # Patch 06/18: s390/vfio-ap: introduce shadow APCB
//
// A guest's AP configuration lives in its CRYCB, in the AP control block (APCB): three
// masks, adapters (apm), usage domains (aqm) and control domains (adm). Before the series
// vfio_ap wrote the mdev's `matrix` into it once, at guest start (`vfio_ap_mdev_set_kvm()`
// -> `kvm_arch_crypto_set_masks()`), and cleared it at guest stop; nothing in between.
//
// The patch adds `struct ap_matrix shadow_apcb` to `struct ap_matrix_mdev`: the driver's
// copy of what the guest's APCB holds, or will hold. `vfio_ap_mdev_probe()` gives it the
// host's limits (`vfio_ap_matrix_init()`) when the mdev is created; in this patch
// `vfio_ap_mdev_set_kvm()` copies the matrix into the shadow and hands the shadow to KVM.
// By itself the patch changes nothing a guest sees. The commit message gives two reasons,
// which the following patches cash in:
//
// 1. The shadow exists whether or not a guest uses the mdev. Once filtering (patch 07)
//    makes it differ from the `matrix`, it shows an admin why a guest lacks a resource;
//    patch 14 shows it as `guest_matrix`.
// 2. Filtering works on the shadow, and the result is copied to the real APCB in one step
//    (at guest start, after an assignment, a probe or remove, a configuration change), so
//    the guest never sees a configuration that was only a step of the computation.
//
// Review: Halil Pasic gave it his Reviewed-by; no other discussion of this patch is known
// to this corpus. In the merged code `set_kvm` no longer copies: it pushes the shadow as
// the last filtering left it (`vfio_ap_mdev_update_guest_apcb()`, see the review of
// patch 10).

// %% [markdown]
// ## By itself: the same guest
//
// When everything assigned is in the host's configuration and bound to vfio_ap, filtering
// removes nothing, and the guest gets the same configuration with and without a shadow:

// %%
for (String k : List.of("5.17", "mainline")) {
    Session g = oneMdev(k);
    quietly(g, "echo 5 > assign_adapter", "echo 6 > assign_adapter", "echo 4 > assign_domain",
            "echo 0x47 > assign_domain", "echo 4 > assign_control_domain", "aplab guest start g1 --mdev " + U1);
    System.out.println("[" + k + "] aplab guest show g1  → " + out(g, "aplab guest show g1").replace("\n", "; "));
}

// %% [markdown]
// ## The shadow without a guest
//
// On mainline the shadow exists from the moment the mdev does, with the host's limits (255
// adapters and domains with APXA), and follows every assignment. The guest gets it at
// start (`set_masks`); at stop KVM's masks are cleared and the shadow stays, ready for the
// next start (a new KVM instance, whose list of CRYCB updates starts afresh).

// %%
Session s = oneMdev("mainline");
printShadow(s);
sh(s, "echo 5 > assign_adapter", "echo 4 > assign_domain", "echo 4 > assign_control_domain");
printShadow(s);
sh(s, "aplab guest start g1 --mdev " + U1, "aplab guest stop g1");
printUpdates(s);
printShadow(s);
sh(s, "aplab guest start g1 --mdev " + U1);
printUpdates(s);

// %% [markdown]
// ## No transient state in the guest
//
// The guest runs with adapters 5 and 6 and domain 4, and 06.0047 is not bound to vfio_ap.
// Assigning domain 0x47 makes the configuration (5, 6) x (4, 0x47) minus adapter 6, since
// 06.0047 cannot be given (patch 07). The driver computes that in the shadow and writes the
// result in one update (the second below): the guest never has 06.0047, not even between
// two steps.

// %%
Session t = oneMdev("mainline");
quietly(t, "echo 5 > assign_adapter", "echo 6 > assign_adapter", "echo 4 > assign_domain",
        "aplab guest start g1 --mdev " + U1, "echo 06.0047 > /sys/bus/ap/drivers/vfio_ap/unbind");
sh(t, "echo 0x47 > assign_domain");
printUpdates(t);

// %% [markdown]
// ## Sources
//
// - Patch mail: [[PATCH v18 06/18]](https://lore.kernel.org/all/20220215005040.52697-7-akrowiak@linux.ibm.com/)
//   (Tony Krowiak, 14 Feb 2022), in the [v18 series](https://lore.kernel.org/all/20220215005040.52697-1-akrowiak@linux.ibm.com/).
// - Merged as [`49b0109fb399`](https://git.kernel.org/torvalds/c/49b0109fb399) ("s390/vfio-ap: introduce shadow APCB"),
//   Linux 6.0.
// - The code as in Linux 6.12.117 (drivers/s390/crypto/vfio_ap_ops.c):
//   [`vfio_ap_mdev_update_guest_apcb()`][n648].
//
// [n648]: https://git.kernel.org/pub/scm/linux/kernel/git/stable/linux.git/tree/drivers/s390/crypto/vfio_ap_ops.c?h=v6.12.117#n648

// %%
}}
