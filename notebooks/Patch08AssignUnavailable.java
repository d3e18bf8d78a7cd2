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
// Before this patch an assignment had to name queues that were there and bound to vfio_ap.
// `assign_adapter_store()` called `vfio_ap_mdev_verify_queues_reserved_for_apid()`: every
// APQN of the new adapter with the assigned domains had to be a queue device bound to
// vfio_ap, or, with no domain assigned yet, at least one queue of the adapter had to be;
// otherwise EADDRNOTAVAIL. `assign_domain_store()` did the same for a domain.
//
// The patch replaces that with `vfio_ap_mdev_validate_masks()`, run over the whole
// matrix as it would be after the assignment:
//
// 1. no APQN of it may be reserved for the host's default drivers by `apmask` and
//    `aqmask` (`ap_apqn_in_matrix_owned_by_def_drv()`): EADDRNOTAVAIL;
// 2. no APQN of it may be assigned to another mdev (`vfio_ap_mdev_verify_no_sharing()`):
//    EADDRINUSE.
//
// An APQN that passes both may be assigned even if its adapter or domain is not in the
// host's configuration, or its queue is not bound to vfio_ap: the commit message argues
// that the AP architecture lets a configuration profile name APQNs the system does not
// (yet) have. Filtering (patch 07) keeps such APQNs away from the guest, and hot plug
// (patches 11 and 15) hands them over when they appear. Both checks work on the Cartesian
// product `apm x aqm`: an adapter assigned while no domain is, passes either check, and a
// conflict shows up when the second dimension is assigned. The assignment is undone when
// a check fails. Halil Pasic gave the patch his Reviewed-by.
//
// Review: `vfio_ap_mdev_verify_no_sharing()` now took the two bitmaps to check instead of
// the mdev, and skipped the entry of the mdev list whose own `matrix.apm` and
// `matrix.aqm` *are* those bitmaps (a pointer comparison). Jason Herne worried that a
// second mdev with identical masks could then be skipped too and slip through. Tony and
// Halil answered that the comparison is of addresses, not of contents: the bitmaps passed
// in are fields of the mdev being assigned, so only that mdev matches, and two mdevs never
// share an address; the code comment was reworded to say the bitmaps are fields of the
// `matrix_mdev` object. The same function serves the `in_use` callback (patch 13) with the
// bus's masks, which are fields of no mdev, so no mdev is skipped there. Since 2024 the
// function takes the assignee mdev explicitly, which says the same thing more plainly.

// %% [markdown]
// ## Before and after: what may be assigned
//
// Adapter 7 and domain 0xab are not in the host; 05.0047 is unbound from vfio_ap before
// domain 0x47 is assigned; adapter 8 is reserved for the host by `apmask`.

// %%
List<Session> kernels = List.of(oneMdev("5.17"), oneMdev("mainline"));
sideBySide(kernels, "echo 7 > assign_adapter", "echo 5 > assign_adapter", "echo 4 > assign_domain",
        "echo 0xab > assign_domain", "echo 05.0047 > /sys/bus/ap/drivers/vfio_ap/unbind",
        "echo 0x47 > assign_domain", "echo 8 > assign_adapter", "cat matrix", "cat guest_matrix");

// %% [markdown]
// 5.17 refuses adapter 7, domain 0xab and domain 0x47 with EADDRNOTAVAIL (`Cannot assign
// requested address`): no queue 07.xxxx or 05.00ab exists, and 05.0047 is not bound to
// vfio_ap. mainline accepts all three, and `matrix` is what the admin asked for. Adapter 8 is
// refused by both, for different reasons: on 5.17 because it has no queue bound to
// vfio_ap, on mainline because `apmask` reserves it for the host (8 x 4 is the host's).
//
// `guest_matrix` on mainline holds no adapter at all, only the domains 4 and 0x47 (adapter 7
// and domain 0xab are not in the host; adapter 5 is dropped whole, because its queue
// 05.0047 is not bound to vfio_ap). When the missing parts arrive, the guest's share grows
// without anyone assigning anything again:

// %%
Session s = kernels.get(1);
sh(s, "echo 05.0047 > /sys/bus/ap/drivers/vfio_ap/bind", "cat guest_matrix",
        "aplab host --adapters 5,6,7 --domains 4,0x47,0xab", "cat guest_matrix");

// %% [markdown]
// Binding 05.0047 makes adapter 5 whole. The configuration change then brings adapter 7
// and domain 0xab; their queues bind to vfio_ap (`apmask` and `aqmask` give them to it),
// and all of the matrix reaches the shadow.
//
// ## Sharing, and the mdev that is being assigned
//
// Two mdevs. 1111 has 05.0004. 2222 tries the same assignments: the adapter alone passes
// (no domain, empty product), the domain makes the product meet 1111's and is refused
// with EADDRINUSE (`Address already in use`): masks equal to 1111's do not make 2222 look
// like 1111. 2222 can have adapter 5 with another domain. 1111 assigning more of its own
// resources is checked against 2222 only, never against itself; `apmask` cannot take
// adapter 5 back while an mdev has it (the same check, through `in_use`, mapped to EBUSY
// by the bus).

// %%
Session t = host();
quietly(t, "aplab host --adapters 5,6 --domains 4,0x47", "echo -5,-6 > /sys/bus/ap/apmask",
        "echo " + U1 + " > " + CREATE, "echo " + U2 + " > " + CREATE, "cd " + MATRIX);
sh(t, "echo 5 > " + U1 + "/assign_adapter", "echo 4 > " + U1 + "/assign_domain",
        "echo 5 > " + U2 + "/assign_adapter", "echo 4 > " + U2 + "/assign_domain",
        "echo 0x47 > " + U2 + "/assign_domain", "cat " + U2 + "/matrix",
        "echo 6 > " + U1 + "/assign_adapter", "echo 0x47 > " + U1 + "/assign_domain",
        "echo 6 > " + U1 + "/assign_adapter", "cat " + U1 + "/matrix",
        "echo +5 > /sys/bus/ap/apmask");

// %% [markdown]
// 1111's `echo 0x47 > assign_domain` is refused, and rightly: 2222 already has 05.0047.
// Its second `echo 6 > assign_adapter` succeeds: on mainline an id already assigned is a
// no-op ("s390/vfio-ap: bypass unnecessary processing of AP resources", Linux 6.0-rc7).
// The series as merged ran the whole assignment again, validation over 1111's own matrix
// included; it passed only because the sharing check skips the mdev being assigned. The
// filter trace shows the repeated assignment reaching the filtering (which runs only
// after validation passed) on 6.0 without that fix (Linux 6.0 as released has it), and
// doing nothing on mainline:

// %%
List<Session> again = List.of(host("6.0 --without bypass-unnecessary-processing"), host("mainline"));
for (Session k : again) {
    quietly(k, "aplab host --adapters 5,6 --domains 4,0x47", "echo -5,-6 > /sys/bus/ap/apmask",
            "echo " + U1 + " > " + CREATE, "echo " + U2 + " > " + CREATE, "cd " + MATRIX,
            "echo 5 > " + U1 + "/assign_adapter", "echo 4 > " + U1 + "/assign_domain",
            "echo 5 > " + U2 + "/assign_adapter", "echo 0x47 > " + U2 + "/assign_domain");
}
List<List<String>> logs = List.of(new ArrayList<>(), new ArrayList<>());
for (int i = 0; i < again.size(); i++) {
    again.get(i).host().vfioAp().traceFilter(logs.get(i)::add);
}
sideBySide(again, "echo 5 > " + U1 + "/assign_adapter", "cat " + U1 + "/matrix");
List<String> summary = new ArrayList<>();
for (int i = 0; i < again.size(); i++) {
    again.get(i).host().vfioAp().traceFilter(null);
    summary.add("filter calls on " + again.get(i).host().version().release() + ": "
            + (logs.get(i).isEmpty() ? "none" : String.join("; ", logs.get(i))));
}
summary.forEach(System.out::println);

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
