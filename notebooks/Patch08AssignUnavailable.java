///usr/bin/env jbang "$0" "$@" ; exit $?
//JAVA 17+
//SOURCES support/AplabReference.java
//SOURCES support/Patch08AssignUnavailableSupport.java
import static aplab.notebook.Nb.*;
import aplab.shell.Session;
import java.util.*;
public class Patch08AssignUnavailable extends Patch08AssignUnavailableSupport {
public static void main(String[] args) { notebook(Patch08AssignUnavailable.class, Patch08AssignUnavailable::cells); }
static void cells() {

// %% [markdown]
// # Patch 08/18: s390/vfio-ap: allow assignment of unavailable AP queues to mdev device
//
// Before this patch an assignment had to name queues bound to vfio_ap:
// `assign_adapter_store()` called `vfio_ap_mdev_verify_queues_reserved_for_apid()`: every
// APQN of the new adapter with the assigned domains (with no domain yet, one queue of the
// adapter) had to be bound to vfio_ap, else EADDRNOTAVAIL; `assign_domain_store()` alike.
//
// The patch replaces that with `vfio_ap_mdev_validate_masks()`, run over the matrix as it
// would be after the assignment:
//
// 1. no APQN of it may be reserved for the host's default drivers by `apmask` and
//    `aqmask` (`ap_apqn_in_matrix_owned_by_def_drv()`): EADDRNOTAVAIL;
// 2. no APQN of it may be assigned to another mdev (`vfio_ap_mdev_verify_no_sharing()`):
//    EADDRINUSE.
//
// An APQN that passes both may be assigned although the host lacks its adapter or domain
// or its queue is not bound to vfio_ap (the commit message: a configuration profile may
// name APQNs the system does not yet have); filtering (patch 07) keeps it from the guest
// until it appears. Both checks work on `apm x aqm`; a failed check undoes the assignment.
// Halil Pasic gave the patch his Reviewed-by.
//
// Review: `vfio_ap_mdev_verify_no_sharing()` now took the two bitmaps to check and skipped
// the mdev whose own `matrix.apm` and `matrix.aqm` *are* those bitmaps (a pointer
// comparison). Jason Herne worried that a second mdev with identical masks could slip
// through. Tony and Halil answered that addresses are compared, not contents: the bitmaps
// are fields of the mdev being assigned, so only it matches; the code comment was reworded
// to say so. The `in_use` callback (patch 13) passes the bus's masks, fields of no mdev,
// and skips none. Since 2024 the function takes the assignee mdev explicitly.

// %% [markdown]
// ## Before and after: what may be assigned
//
// Adapter 7 and domain 0xab are not in the host; queue 05.0047 is unbound from vfio_ap;
// adapter 8 is reserved for the host by `apmask`.

// %%
List<Session> kernels = List.of(oneMdev("5.17"), oneMdev("mainline"));
sideBySide(kernels, "echo 5 > assign_adapter", "echo 7 > assign_adapter", "echo 4 > assign_domain",
        "echo 0xab > assign_domain", "echo 0x47 > assign_domain", "echo 8 > assign_adapter", "cat matrix",
        "cat guest_matrix");

// %% [markdown]
// 5.17 refuses adapter 7 and domains 0xab and 0x47 with EADDRNOTAVAIL: no queue 07.xxxx or
// 05.00ab exists, and 05.0047 is not bound. mainline accepts all three. Both refuse adapter
// 8: 5.17 because no queue of it is bound to vfio_ap, mainline because `apmask` reserves
// 8 x 4 for the host. mainline's `guest_matrix` has no adapter: 7 and domain 0xab are not
// in the host, and 5 is dropped whole because 05.0047 is not bound. When the missing parts
// arrive, the shadow grows without a new assignment:

// %%
Session s = kernels.get(1);
sh(s, "echo 05.0047 > /sys/bus/ap/drivers/vfio_ap/bind", "cat guest_matrix",
        "aplab host --adapters 5,6,7 --domains 4,0x47,0xab", "cat guest_matrix");

// %% [markdown]
// Binding 05.0047 (the probe, patch 11) makes adapter 5 whole; the configuration change
// (patch 15) brings adapter 7 and domain 0xab, whose queues `apmask` and `aqmask` give to
// vfio_ap.
//
// ## Sharing, and the mdev that is being assigned
//
// Two mdevs. For 2222, adapter 5 alone passes (empty product); domain 4, which makes the
// product meet 1111's 05.0004, is refused with EADDRINUSE: masks equal to 1111's do not
// make 2222 look like 1111. 1111 assigning more is checked against 2222 only; `apmask`
// cannot take adapter 5 from an mdev (the same check through `in_use`, EBUSY from the bus).

// %%
Session t = twoMdevs("mainline");
sh(t, "echo 5 > " + U1 + "/assign_adapter", "echo 4 > " + U1 + "/assign_domain",
        "echo 5 > " + U2 + "/assign_adapter", "echo 4 > " + U2 + "/assign_domain",
        "echo 0x47 > " + U2 + "/assign_domain", "cat " + U2 + "/matrix",
        "echo 6 > " + U1 + "/assign_adapter", "echo 0x47 > " + U1 + "/assign_domain",
        "echo 6 > " + U1 + "/assign_adapter", "cat " + U1 + "/matrix",
        "echo +5 > /sys/bus/ap/apmask");

// %% [markdown]
// 1111's 0x47 is refused: 2222 has 05.0047. 1111's second `echo 6 > assign_adapter`
// succeeds: on mainline an id already assigned is a no-op ("s390/vfio-ap: bypass
// unnecessary processing of AP resources", Linux 6.0-rc7). The series as merged ran the
// whole assignment again, validating 1111's own matrix, which passed only because the
// sharing check skips the mdev being assigned. The filter trace (filtering follows a
// passed validation) shows the repeat on 6.0 without that fix (6.0 as released has it):

// %%
List<Session> again = List.of(twoAssigned("6.0 --without bypass-unnecessary-processing"), twoAssigned("mainline"));
List<List<String>> logs = traceFilter(again);
sideBySide(again, "echo 5 > assign_adapter", "cat matrix");
printFilterTrace(again, logs);

// %% [markdown]
// ## Sources
//
// - Patch mail: [[PATCH v18 08/18]](https://lore.kernel.org/all/20220215005040.52697-9-akrowiak@linux.ibm.com/)
//   (Tony Krowiak, 14 Feb 2022), in the [v18 series](https://lore.kernel.org/all/20220215005040.52697-1-akrowiak@linux.ibm.com/).
// - Merged as [`e2126a73746e`](https://git.kernel.org/torvalds/c/e2126a73746e)
//   ("s390/vfio-ap: allow assignment of unavailable AP queues to mdev device"),
//   Linux 6.0.
// - The code as in Linux 6.12.117 (drivers/s390/crypto/vfio_ap_ops.c):
//   [`vfio_ap_mdev_validate_masks()`][n968], [`vfio_ap_mdev_verify_no_sharing()`][n913].
//
// [n968]: https://git.kernel.org/pub/scm/linux/kernel/git/stable/linux.git/tree/drivers/s390/crypto/vfio_ap_ops.c?h=v6.12.117#n968
// [n913]: https://git.kernel.org/pub/scm/linux/kernel/git/stable/linux.git/tree/drivers/s390/crypto/vfio_ap_ops.c?h=v6.12.117#n913

// %%
}}
