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
// The patch rewrites much of `Documentation/s390/vfio-ap.rst` (`Documentation/arch/s390/`
// since 6.6) for the dynamic series: over-provisioning (assignment no longer needs queues
// bound to vfio_ap), the `guest_matrix` attribute, the rules for hot plug and unplug of
// adapters, domains and control domains in a running guest, and the refusal of
// `apmask`/`aqmask` writes that would take assigned queues from vfio_ap. It changes no code.
// This notebook replays the document's worked examples on the model (mainline unless a cell
// says otherwise) and marks where the document and the code disagree.
//
// Review: no substantive review comment on 16/18 is known to this corpus.

// %% [markdown]
// ## Sharing: the three examples of "AP and SIE"
//
// Two guests may share adapters or domains but never an APQN. In the document's examples
// guest 1 has adapters 1, 2 and domains 5, 6, and guest 2 has adapters 1, 2 and domain 7
// (valid; mdev 2 below), or adapters 3, 4 and domains 5, 6 (valid; mdev 3), or adapter 1 and
// domains 6, 7, sharing 01.0006 (invalid; mdev 2 reshaped):

// %%
Session c1 = host();
quietly(c1, "aplab host --adapters 1-4 --domains 5-7", "echo -1-4 > /sys/bus/ap/apmask", "cd " + M);
createMdev(c1, U1, "1,2", "5,6");
createMdev(c1, U2, "1,2", "7");
createMdev(c1, U3, "3,4", "5,6");
sh(c1, "cat " + U2 + "/matrix", "cat " + U3 + "/matrix",
        "echo 7 > " + U2 + "/unassign_domain", "echo 2 > " + U2 + "/unassign_adapter",
        "echo 6 > " + U2 + "/assign_domain", "echo 7 > " + U2 + "/assign_domain", "cat " + U2 + "/matrix");

// %% [markdown]
// The write that creates the overlap (domain 6) is refused, with EADDRINUSE where the
// document says EBUSY, and the matrix stays as it was. With no domain assigned the product
// adapters x domains is empty, so adapter 1 alone is accepted.
//
// ## Securing the queues: `apmask` and `aqmask`
//
// The document's host has adapters 5 and 6 and usage domains 4, 0x47, 0xab and 0xff (APXA
// on: 0xab and 0xff are above 15). Its relative writes, and on a second host the absolute
// masks it prints, give the same queues to vfio_ap:

// %%
Session c3 = docHost("mainline");
sh(c3, "echo -5,-6 > /sys/bus/ap/apmask", "echo -4,-0x47,-0xab,-0xff > /sys/bus/ap/aqmask",
        "cat /sys/bus/ap/apmask", "cat /sys/bus/ap/aqmask");
Session c3b = docHost("mainline");
quietly(c3b, "echo 0xf9ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff > /sys/bus/ap/apmask",
        "echo 0xf7fffffffffffffffeffffffffffffffffffffffffeffffffffffffffffffffe > /sys/bus/ap/aqmask");
System.out.println("bound to vfio_ap: " + vfioApQueues(c3));
System.out.println("the same after the absolute writes: " + vfioApQueues(c3).equals(vfioApQueues(c3b)));

// %% [markdown]
// The document's other mask examples: `0x7d00...` reserves adapters 1-5 and 7; `0x41` is read
// MSB-first and right-padded (ids 1 and 7); `+0,-6,+0x47,-0xf0` edits the mask bit by bit.

// %%
Session c2 = host();
sh(c2, "echo 0x7d00000000000000000000000000000000000000000000000000000000000000 > /sys/bus/ap/apmask",
        "cat /sys/bus/ap/apmask", "echo 0x41 > /sys/bus/ap/apmask", "cat /sys/bus/ap/apmask",
        "echo 0x40 > /sys/bus/ap/aqmask", "echo +0,-6,+0x47,-0xf0 > /sys/bus/ap/aqmask", "cat /sys/bus/ap/aqmask");

// %% [markdown]
// ## The three mdevs
//
// The document's three mdevs share adapters, not APQNs. Each guest's CRYCB holds what the
// document's `lszcrypt` listing in that guest shows:

// %%
Session c4 = docHost("mainline");
quietly(c4, "echo -5,-6 > /sys/bus/ap/apmask", "echo -4,-0x47,-0xab,-0xff > /sys/bus/ap/aqmask", "cd " + M);
createMdev(c4, U1, "5,6", "4,0xab");
createMdev(c4, U2, "5", "0x47,0xff");
createMdev(c4, U3, "6", "0x47,0xff");
quietly(c4, "aplab guest start guest1 --mdev " + U1, "aplab guest start guest2 --mdev " + U2,
        "aplab guest start guest3 --mdev " + U3);
sh(c4, "aplab guest show guest1", "aplab guest show guest2", "aplab guest show guest3");

// %% [markdown]
// The document's errors: a number above `ap_max_adapter_id` or `ap_max_domain_id` is
// ENODEV; an APQN reserved for the host (adapter bit set in `apmask`, domain bit in `aqmask`)
// EADDRNOTAVAIL; an APQN of another mdev EBUSY. The last section checks each on an mdev
// without a guest; with guests running the checks come before any hot plug and refuse alike:

// %%
sh(c4, "cat /sys/bus/ap/ap_max_domain_id", "echo 0x100 > " + U3 + "/assign_domain",
        "echo 0x100 > " + U3 + "/assign_control_domain", "echo 5 > " + U3 + "/assign_adapter",
        "cat " + U3 + "/matrix");

// %% [markdown]
// ## Hot plug rules
//
// The document's rule: an adapter, domain or control domain assigned to an mdev with a guest
// is plugged if the host has it and every APQN it forms with the other dimension has a queue
// bound to vfio_ap; unassigning unplugs; what the host lacks may be assigned and is plugged
// when it arrives. Below, mdev 3 gets adapter 7 and control domain 0x10 before the host has
// them (its control domains are its four usage domains); once they arrive, 07.00ff is unbound.

// %%
sh(c4, "echo 7 > " + U3 + "/assign_adapter", "echo 0x10 > " + U3 + "/assign_control_domain",
        "aplab guest show guest3",
        "aplab host --adapters 5,6,7 --domains 4,0x47,0xab,0xff --control-domains 4,0x10,0x47,0xab,0xff",
        "aplab guest show guest3",
        "echo 07.00ff > /sys/bus/ap/drivers/vfio_ap/unbind", "aplab guest show guest3", "cat " + U3 + "/guest_matrix");

// %% [markdown]
// Adapter 7's queues bound to vfio_ap on arrival: its `apmask` bit is set but all four domain
// bits are clear in `aqmask`, and the host reserves a queue only when both are set. The
// control domain came with the same configuration change and scan-complete update.
//
// Before the series (5.17) such over-provisioning is refused with EADDRNOTAVAIL, and there is
// no `guest_matrix`: see the notebooks of patches 08 and 14.

// %% [markdown]
// ## Where the document and the code differ
//
// Each row is a statement of `vfio-ap.rst` (or, where it says so, of a kernel-doc comment in
// `vfio_ap_ops.c`), what it leads a reader to expect from the last command of a scenario
// (`CLAIMS` in the support file), and what the model prints (errors by their errno names,
// `-` for no output).
// Each scenario starts on a fresh host: adapters 5 and 6 (domains 4 and 5) given to vfio_ap,
// mdev 1 with 05.0004, an empty mdev 2.

// %%
var claims = table("statement", List.of("the text says", "the code does"));
int differ = 0;
for (Claim c : CLAIMS) {
    String got = actual(c);
    differ += got.equals(c.expected()) ? 0 : 1;
    claims.row(c.statement(), List.of(shown(c.expected()), shown(got)));
}
System.out.print(claims.render());
System.out.printf("%d statements, %d where the code does not do what the text says%n", CLAIMS.size(), differ);

// %% [markdown]
// In each row marked `*` the code does what the series designed and the text is out of date
// or inexact:
//
// - sharing an APQN: `vfio_ap_mdev_verify_no_sharing()` returns EADDRINUSE, not EBUSY;
// - the kernel-doc of `assign_adapter_store()` and `assign_domain_store()` still gives the
//   pre-series rule (EADDRNOTAVAIL for an APQN not bound to vfio_ap, EAGAIN for a busy lock);
//   since patch 08 no bound queue is needed, and filtering keeps the adapter from the guest;
// - hot plug of a domain: the document requires a bound queue for every APQN of the domain;
//   the code plugs the domain and unplugs the adapter whose queue is missing (06.0005 in the
//   scenario; `vfio_ap_mdev_filter_matrix()` only ever removes adapters);
// - `features` (added in 6.12, after this series): `dyn` in the document, `hotplug` in
//   `features_show()`.
//
// The document also still says an assignment may fail with EBUSY while `apmask`/`aqmask` are
// being changed: that was v18's trylock design; the merged code orders the locks and the
// writer waits (see the notebook of patch 13).
//
// > **Note (open question):** the document says the removal of an mdev fails while a guest
// > uses it; with the current VFIO core the removal asks the device's user (QEMU) to release it
// > and waits, and the model's QEMU releases at once. What a user sees across versions is not
// > established here (source: `vfio_unregister_group_dev()` in drivers/vfio/vfio_main.c).

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
