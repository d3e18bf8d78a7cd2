///usr/bin/env jbang "$0" "$@" ; exit $?
//JAVA 17+
//SOURCES support/AplabReference.java
import static aplab.notebook.Nb.*;
import aplab.shell.Session;
import java.util.List;
public class Patch14GuestMatrix {
public static void main(String[] args) { notebook(Patch14GuestMatrix.class, Patch14GuestMatrix::cells); }
static void cells() {

// %% [markdown]
// # Patch 14/18: s390/vfio-ap: sysfs attribute to display the guest's matrix
//
// An admin could read an mdev's `matrix` (what was assigned) but not what the guest gets.
// With filtering (patch 07) the two differ: adapters and domains not in the host's AP
// configuration, and adapters with a queue not bound to vfio_ap, never reach the guest. The
// patch adds the read-only attribute `guest_matrix`, printed from the mdev's shadow APCB by
// `guest_matrix_show()` in the format of `matrix`.
//
// Review: Jason Herne suggested the name `matrix_guest`; the name `guest_matrix` stayed,
// and the patch got his Reviewed-by.

// %%
Session s = host();
quietly(s, "aplab host --adapters 5,6 --domains 4,0x47", "echo -5,-6 > /sys/bus/ap/apmask",
        "echo -4,-0x47,-0xab > /sys/bus/ap/aqmask", "echo " + U1 + " > " + CREATE, "echo " + U2 + " > " + CREATE,
        "cd " + MDEV);
sh(s, "echo 5 > assign_adapter", "echo 6 > assign_adapter", "echo 7 > assign_adapter",
        "echo 4 > assign_domain", "echo 0xab > assign_domain", "cat matrix", "cat guest_matrix",
        "cd ../" + U2, "echo 4 > assign_domain", "cat guest_matrix", "echo 4 > unassign_domain",
        "echo 5 > assign_adapter", "cat guest_matrix");

// %% [markdown]
// Adapter 7 and domain 0xab are assigned (over-provisioning is allowed since patch 08) but
// the host has neither, so `guest_matrix` leaves them out. On the second mdev, domains
// alone and adapters alone print as `.0004` and `05.` lines. Before the series (5.17)
// there is no such file:

// %%
List<Session> kernels = List.of(host("5.17"), host("mainline"));
kernels.forEach(k -> quietly(k, "echo " + U1 + " > " + CREATE, "cd " + MDEV));
sideBySide(kernels, "cat guest_matrix");

// %% [markdown]
// ## Sources
//
// - Patch mail: [[PATCH v18 14/18]](https://lore.kernel.org/all/20220215005040.52697-15-akrowiak@linux.ibm.com/)
//   (Tony Krowiak, 14 Feb 2022), in the [v18 series](https://lore.kernel.org/all/20220215005040.52697-1-akrowiak@linux.ibm.com/).
// - Merged as [`f7f795c54d71`](https://git.kernel.org/torvalds/c/f7f795c54d71) ("s390/vfio-ap: sysfs attribute to display the guest's matrix"),
//   Linux 6.0.
// - The code as in Linux 6.12.117 (drivers/s390/crypto/vfio_ap_ops.c):
//   [`guest_matrix_show()`][n1631].
//
// [n1631]: https://git.kernel.org/pub/scm/linux/kernel/git/stable/linux.git/tree/drivers/s390/crypto/vfio_ap_ops.c?h=v6.12.117#n1631

// %%
}}
