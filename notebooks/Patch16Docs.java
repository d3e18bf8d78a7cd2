///usr/bin/env jbang "$0" "$@" ; exit $?
//JAVA 17+
//SOURCES support/AplabReference.java
//SOURCES support/Patch16DocsSupport.java
import static aplab.notebook.Nb.*;
import aplab.shell.Session;
import java.util.List;
public class Patch16Docs extends Patch16DocsSupport {
public static void main(String[] args) { notebook(Patch16Docs.class, Patch16Docs::cells); }
static void cells() {

// %% [markdown]
// # Patch 16/18: s390/vfio-ap: update docs to include dynamic config support
//
// The patch rewrites large parts of `Documentation/s390/vfio-ap.rst` (since 6.6
// `Documentation/arch/s390/vfio-ap.rst`) for the dynamic series: assignment no longer
// requires the queues to be bound to vfio_ap (over-provisioning), the `guest_matrix`
// attribute, the rules by which adapters, domains and control domains are hot plugged into
// and unplugged from a running guest, and the refusal of `apmask`/`aqmask` writes that
// would take assigned queues from vfio_ap. It changes no code; this notebook replays the
// document's worked examples on the model (mainline unless a cell says otherwise) and marks
// where the document and the code disagree.
//
// Review: no substantive review comment on 16/18 is known to this corpus.

// %% [markdown]
// ## Sharing: the three examples of "AP and SIE"
//
// Two guests may share adapters or domains but never an APQN. Example 1: guest 1 has
// adapters 1, 2 and domains 5, 6; guest 2 adapters 1, 2 and domain 7 (valid). Example 2:
// guest 2 has adapters 3, 4 and domains 5, 6 (valid). Example 3: guest 2 has adapter 1 and
// domains 6, 7, sharing 01.0006 with guest 1 (invalid).

// %%
Session c1 = host();
quietly(c1, "aplab host --adapters 1-4 --domains 5-7", "echo -1-4 > /sys/bus/ap/apmask", "cd " + M,
        "echo " + U1 + " > " + CREATE, "echo " + U2 + " > " + CREATE, "echo " + U3 + " > " + CREATE,
        "echo 1 > " + U1 + "/assign_adapter", "echo 2 > " + U1 + "/assign_adapter",
        "echo 5 > " + U1 + "/assign_domain", "echo 6 > " + U1 + "/assign_domain");
sh(c1, "echo 1 > " + U2 + "/assign_adapter", "echo 2 > " + U2 + "/assign_adapter",
        "echo 7 > " + U2 + "/assign_domain", "cat " + U2 + "/matrix",
        "echo 3 > " + U3 + "/assign_adapter", "echo 4 > " + U3 + "/assign_adapter",
        "echo 5 > " + U3 + "/assign_domain", "echo 6 > " + U3 + "/assign_domain", "cat " + U3 + "/matrix",
        "echo 7 > " + U2 + "/unassign_domain", "echo 2 > " + U2 + "/unassign_adapter",
        "echo 6 > " + U2 + "/assign_domain", "echo 7 > " + U2 + "/assign_domain", "cat " + U2 + "/matrix");

// %% [markdown]
// (Example 1 is mdevs 1 and 2, example 2 mdevs 1 and 3; for example 3, mdev 2 is then
// reshaped to adapter 1 with domains 6 and 7.)
//
// The document says the overlapping assignment fails with **EBUSY**; the code
// (`vfio_ap_mdev_verify_no_sharing()`) returns **EADDRINUSE** ("Address already in use").
// The refused write is the one that creates the overlap (domain 6), and the matrix is left
// as it was. The order matters: with no domain assigned the product adapters x domains is
// empty, so adapter 1 alone is accepted.
//
// ## Securing the queues: `apmask` and `aqmask`
//
// The example host has adapters 5 and 6 and usage domains 4, 0x47, 0xab and 0xff (APXA
// on: 0xab and 0xff are above 15). The document's relative writes, then the absolute masks
// it prints, on a second host:

// %%
Session c3 = docHost("mainline");
sh(c3, "echo -5,-6 > /sys/bus/ap/apmask", "echo -4,-0x47,-0xab,-0xff > /sys/bus/ap/aqmask",
        "cat /sys/bus/ap/apmask", "cat /sys/bus/ap/aqmask", "ls /sys/bus/ap/drivers/vfio_ap");
Session c3b = docHost("mainline");
sh(c3b, "echo 0xf9ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff > /sys/bus/ap/apmask",
        "echo 0xf7fffffffffffffffeffffffffffffffffffffffffeffffffffffffffffffffe > /sys/bus/ap/aqmask");
System.out.println("same queues bound to vfio_ap: "
        + out(c3, "ls /sys/bus/ap/drivers/vfio_ap").equals(out(c3b, "ls /sys/bus/ap/drivers/vfio_ap")));

// %% [markdown]
// The document's other mask examples: `0x7d00...` reserves adapters 1, 2, 3, 4, 5 and 7;
// `0x41` is read MSB-first and right-padded, so ids 1 and 7; the relative
// `+0,-6,+0x47,-0xf0` edits the current mask bit by bit.

// %%
Session c2 = host();
sh(c2, "echo 0x7d00000000000000000000000000000000000000000000000000000000000000 > /sys/bus/ap/apmask",
        "cat /sys/bus/ap/apmask", "echo 0x41 > /sys/bus/ap/apmask", "cat /sys/bus/ap/apmask",
        "echo 0x40 > /sys/bus/ap/aqmask", "echo +0,-6,+0x47,-0xf0 > /sys/bus/ap/aqmask", "cat /sys/bus/ap/aqmask");

// %% [markdown]
// ## The three mdevs
//
// mdev 1: adapters 5, 6 with domains 4, 0xab. mdev 2: adapter 5 with 0x47, 0xff. mdev 3:
// adapter 6 with 0x47, 0xff. Adapters are shared, APQNs are not. Each guest then starts
// with its mdev, and what each guest's CRYCB holds is what the document's `lszcrypt`
// listing in each guest shows (guest 1: cards 05 and 06 with domains 0004 and 00ab, and so
// on).

// %%
Session c4 = docHost("mainline");
quietly(c4, "echo -5,-6 > /sys/bus/ap/apmask", "echo -4,-0x47,-0xab,-0xff > /sys/bus/ap/aqmask", "cd " + M,
        "echo " + U1 + " > " + CREATE, "echo " + U2 + " > " + CREATE, "echo " + U3 + " > " + CREATE);
sh(c4, "echo 5 > " + U1 + "/assign_adapter", "echo 6 > " + U1 + "/assign_adapter",
        "echo 4 > " + U1 + "/assign_domain", "echo 0xab > " + U1 + "/assign_domain",
        "echo 5 > " + U2 + "/assign_adapter", "echo 0x47 > " + U2 + "/assign_domain",
        "echo 0xff > " + U2 + "/assign_domain",
        "echo 6 > " + U3 + "/assign_adapter", "echo 0x47 > " + U3 + "/assign_domain",
        "echo 0xff > " + U3 + "/assign_domain",
        "cat " + U1 + "/matrix", "cat " + U2 + "/guest_matrix", "cat " + U3 + "/guest_matrix",
        "aplab guest start guest1 --mdev " + U1, "aplab guest start guest2 --mdev " + U2,
        "aplab guest start guest3 --mdev " + U3,
        "aplab guest show guest1", "aplab guest show guest2", "aplab guest show guest3");

// %% [markdown]
// The errors the document lists: a number above the maximum (`ap_max_adapter_id`,
// `ap_max_domain_id`) is ENODEV; an APQN reserved for the host drivers is EADDRNOTAVAIL; an
// APQN of another mdev is EBUSY in the document and EADDRINUSE in the code. With guests
// running, every write below is refused the same way (the checks come before any hot plug):

// %%
sh(c4, "cat /sys/bus/ap/ap_max_adapter_id", "echo 256 > " + U3 + "/assign_adapter",
        "echo 0x100 > " + U3 + "/assign_domain", "echo 0x100 > " + U3 + "/assign_control_domain",
        "echo 5 > " + U3 + "/assign_adapter", "cat " + U3 + "/matrix",
        "echo " + U4 + " > " + CREATE, "echo 7 > " + U4 + "/assign_adapter",
        "echo 1 > " + U4 + "/assign_domain", "cat " + U4 + "/matrix", "echo 1 > " + U4 + "/remove");

// %% [markdown]
// The EADDRNOTAVAIL case needs an APQN whose adapter bit is set in `apmask` and whose domain
// bit is set in `aqmask`: adapters 5 and 6 are cleared, so a fourth mdev takes adapter 7
// (accepted: with no domain the product is empty, and the host need not have the adapter)
// and is refused domain 1, which forms 07.0001.

// %% [markdown]
// ## Hot plug rules
//
// The document's rule: an adapter, domain or control domain assigned to an mdev with a
// guest is plugged if it is in the host's configuration and every APQN it forms with the
// other dimension has a queue bound to vfio_ap; unassigning unplugs. Resources not (yet) in
// the host's configuration may be assigned and are plugged when they arrive. Here adapter 7
// and control domain 0x10 are assigned to mdev 3 before the host has them (the host's
// control domains are its four usage domains); the guest gets them when they arrive.
// Unbinding one queue of adapter 7 takes the adapter out again.

// %%
sh(c4, "echo 7 > " + U3 + "/assign_adapter", "echo 0x10 > " + U3 + "/assign_control_domain",
        "aplab guest show guest3",
        "aplab host --adapters 5,6,7 --domains 4,0x47,0xab,0xff --control-domains 4,0x10,0x47,0xab,0xff",
        "aplab guest show guest3",
        "echo 07.00ff > /sys/bus/ap/drivers/vfio_ap/unbind", "aplab guest show guest3", "cat " + U3 + "/guest_matrix");

// %% [markdown]
// Every queue of adapter 7 bound to vfio_ap on arrival: its bit is still set in `apmask`,
// but the four domain bits are clear in `aqmask`, and a queue is reserved for the host only
// when both bits are set. The control domain arrived with the same configuration change
// and was plugged by the same scan-complete update.
//
// ## Before the series
//
// The same over-provisioning on Linux 5.17: assignment required every new APQN to be bound
// to vfio_ap already (EADDRNOTAVAIL otherwise), and there was no `guest_matrix`:

// %%
List<Session> kernels = List.of(docHost("5.17"), docHost("mainline"));
for (Session k : kernels) {
    quietly(k, "echo -5,-6,-7 > /sys/bus/ap/apmask", "echo -4,-0x47,-0xab,-0xff > /sys/bus/ap/aqmask",
            "echo " + U1 + " > " + CREATE, "cd " + M + "/" + U1, "echo 4 > assign_domain");
}
sideBySide(kernels, "echo 7 > assign_adapter", "echo 5 > assign_adapter", "cat matrix", "cat guest_matrix");

// %% [markdown]
// ## Where the document and the code differ
//
// Each row is a statement of `vfio-ap.rst` (or of a kernel-doc comment in `vfio_ap_ops.c`),
// what it leads a reader to expect from the last command of a small scenario (the scenarios are
// `CLAIMS` in the support file), and what the model of the code prints. Every scenario starts
// from the same host: adapters 5 and 6 (with domains 4 and 5) given to vfio_ap in `apmask`,
// mdev 1 with 05.0004, and an empty mdev 2.

// %%
var claims = table("statement", List.of("the text says", "the code does"));
int differ = 0;
for (Claim c : CLAIMS) {
    String got = actual(c);
    differ += got.equals(c.expected()) ? 0 : 1;
    claims.row(c.source() + ": " + c.statement(), List.of(c.expected().replace("\n", "; "), got.replace("\n", "; ")));
}
System.out.print(claims.render());
System.out.printf("%d statements, %d where the code does not do what the text says%n", CLAIMS.size(), differ);

// %% [markdown]
// In each row marked `*` the code does what the series designed and the text is out of date
// or inexact:
//
// - sharing an APQN: the document says EBUSY; `vfio_ap_mdev_verify_no_sharing()` returns
//   EADDRINUSE ("Address already in use");
// - the kernel-doc of `assign_adapter_store()` and `assign_domain_store()` still describes
//   the pre-series rule (EADDRNOTAVAIL for an APQN not bound to vfio_ap, EAGAIN for a busy
//   lock); since patch 08 an assignment needs no bound queue, and filtering keeps the adapter
//   out of the guest instead;
// - the document still says an assignment may fail with EBUSY while `apmask`/`aqmask` are
//   being changed: that was v18's trylock design; the merged code orders the locks and the
//   writer waits (see the notebook of patch 13);
// - hot plug of a domain: the document makes it conditional on every APQN of the domain
//   having a bound queue; the code plugs the domain and unplugs the adapters whose queue is
//   missing (`vfio_ap_mdev_filter_matrix()` only ever removes adapters). Below, 06.0005 is
//   unbound before domain 5 is assigned to a running guest's mdev;
// - `features` (added in 6.12, after this series): `dyn` in the document, `hotplug` in
//   `features_show()`.
//
// > **Note (open question):** the document says the removal of an mdev fails while a guest
// > uses it; with the current VFIO core the removal asks the device's user (QEMU) to release it
// > and waits, and the model's QEMU releases at once. What a user sees across versions is not
// > established here (source: `vfio_unregister_group_dev()` in drivers/vfio/vfio_main.c).

// %%
Session d = host("mainline");
quietly(d, "aplab host --adapters 5,6 --domains 4,5", "echo -5,-6 > /sys/bus/ap/apmask",
        "echo " + U1 + " > " + CREATE, "cd " + M + "/" + U1,
        "echo 5 > assign_adapter", "echo 6 > assign_adapter", "echo 4 > assign_domain",
        "aplab guest start g1 --mdev " + U1);
sh(d, "echo 06.0005 > /sys/bus/ap/drivers/vfio_ap/unbind", "echo 5 > assign_domain", "aplab guest show g1",
        "cat " + M + "/features");

// %% [markdown]
// ## Sources
//
// - Patch mail: [[PATCH v18 16/18]](https://lore.kernel.org/all/20220215005040.52697-17-akrowiak@linux.ibm.com/)
//   (Tony Krowiak, 14 Feb 2022), in the [v18 series](https://lore.kernel.org/all/20220215005040.52697-1-akrowiak@linux.ibm.com/).
// - Merged as [`cb269e0aba7c`](https://git.kernel.org/torvalds/c/cb269e0aba7c) ("s390/vfio-ap: update docs to include dynamic config support"),
//   Linux 6.0.
// - The code as in Linux 6.12.117 (drivers/s390/crypto/vfio_ap_ops.c):
//   [`assign_adapter_store()`][n1064], [`vfio_ap_mdev_verify_no_sharing()`][n913].
//
// [n1064]: https://git.kernel.org/pub/scm/linux/kernel/git/stable/linux.git/tree/drivers/s390/crypto/vfio_ap_ops.c?h=v6.12.117#n1064
// [n913]: https://git.kernel.org/pub/scm/linux/kernel/git/stable/linux.git/tree/drivers/s390/crypto/vfio_ap_ops.c?h=v6.12.117#n913

// %%
}}
