///usr/bin/env jbang "$0" "$@" ; exit $?
//JAVA 17+
//SOURCES support/AplabReference.java
//SOURCES support/Patch18MaintainersSupport.java
import static aplab.notebook.Nb.*;
import aplab.shell.Session;
import java.util.List;
public class Patch18Maintainers extends Patch18MaintainersSupport {
public static void main(String[] args) { notebook(Patch18Maintainers.class, Patch18Maintainers::cells); }
static void cells() {

// %% [markdown]
// # Patch 18/18: MAINTAINERS: pick up all vfio_ap docs for VFIO AP maintainers
//
// The last patch changes one line of `MAINTAINERS`: in the "S390 VFIO AP DRIVER" entry the
// file pattern `Documentation/s390/vfio-ap.rst` becomes `Documentation/s390/vfio-ap*`, so
// that the new `vfio-ap-locking.rst` (patch 17) is routed to the vfio_ap maintainers as
// well (`scripts/get_maintainer.pl` matches the `F:` patterns). It changes no code and no
// behaviour; there is nothing in it for the model to run.
//
// Review: the v19 version of this patch also replaced the entry's
// `drivers/s390/crypto/vfio_ap*` line by the three file names, a rebase slip that Matthew
// Rosato pointed out; v20 changed only the documentation line and got Jason Herne's
// Reviewed-by. When the s390 documentation moved (6.6), the pattern became
// `Documentation/arch/s390/vfio-ap*`.

// %% [markdown]
// ## The `features` attribute
//
// Since 6.12 the matrix device has a read-only `features` attribute (`features_show()`), so
// that userspace can tell what the driver supports without guessing from the kernel
// version. Older kernels do not have it:

// %%
sideBySide(List.of(host("5.17"), host("6.0"), host("mainline")), "cat " + M + "/features");

// %% [markdown]
// `guest_matrix` is the attribute of patch 14, `hotplug` the dynamic configuration of this
// series (patches 10, 11, 15), `ap_config` the attribute of 6.10. The document's table and
// example call the second flag `dyn`.
//
// The statements of `vfio-ap.rst` are checked against the code, each as a scenario, in the
// notebook of patch 16 (section "Where the document and the code differ").

// %% [markdown]
// ## Sources
//
// - Patch mail: [[PATCH v18 18/18]](https://lore.kernel.org/all/20220215005040.52697-19-akrowiak@linux.ibm.com/)
//   (Tony Krowiak, 14 Feb 2022), in the [v18 series](https://lore.kernel.org/all/20220215005040.52697-1-akrowiak@linux.ibm.com/).
// - Merged as [`693714b900ce`](https://git.kernel.org/torvalds/c/693714b900ce) ("MAINTAINERS: pick up all vfio_ap docs for VFIO AP maintainers"),
//   Linux 6.0.
// - The code as in Linux 6.12.117: [`features_show()`][drv29] in drivers/s390/crypto/vfio_ap_drv.c.
//
// [drv29]: https://git.kernel.org/pub/scm/linux/kernel/git/stable/linux.git/tree/drivers/s390/crypto/vfio_ap_drv.c?h=v6.12.117#n29

// %%
}}
