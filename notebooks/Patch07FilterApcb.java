///usr/bin/env jbang "$0" "$@" ; exit $?
//JAVA 17+
//SOURCES support/AplabReference.java
//SOURCES support/Patch07FilterApcbSupport.java
import static aplab.notebook.Nb.*;
import aplab.shell.Session;
import aplab.vfioap.*;
import java.util.*;
public class Patch07FilterApcb extends Patch07FilterApcbSupport {
public static void main(String[] args) { notebook(Patch07FilterApcb.class, Patch07FilterApcb::cells); }
static void cells() {

// %% [markdown]
// # Patch 07/18: s390/vfio-ap: refresh guest's APCB by filtering APQNs assigned to mdev
//
// An mdev's `matrix` is what the admin assigned. An adapter or domain of it may be missing
// from the host's AP configuration (QCI), and an APQN of it may have no queue bound to
// vfio_ap. Before the series the whole matrix went to the guest at start, and assignment
// refused what was not usable (patch 08 removes those refusals). This patch filters the
// matrix into the shadow APCB of patch 06, which is what the guest gets:
//
// - `vfio_ap_mdev_filter_matrix()`: shadow apm = matrix apm AND host apm, shadow aqm =
//   matrix aqm AND host aqm; every APQN examined must have a queue linked to the mdev
//   (patch 05), else its **adapter** leaves the shadow. Three masks express "adapters x
//   domains", never "all but one APQN", and an adapter is one card: the adapter goes.
// - `vfio_ap_mdev_filter_cdoms()`: shadow adm = matrix adm AND host adm. Control domains
//   have no queues.
//
// In v18 the filter took two masks limiting the APQNs it examined (the new adapter or
// domain, at Halil Pasic's request in v17), ran QCI itself and re-initialised the shadow's
// limits (`vfio_ap_matrix_init()`). The merged title says "filtering AP resources".
//
// Review: Jason Herne asked why the filter re-initialises the shadow's limits every time,
// unless APXA (and with it the limits) can change while the host runs. The merged code
// still does, from `matrix_dev->info` (vfio_ap's copy of the QCI result, replaced on a
// configuration change, patch 15), and no longer runs QCI. The AP bus latches
// `ap_max_adapter_id` and `ap_max_domain_id` at init; the last section changes the maxima.
//
// > **Note (open question):** whether APXA or the maximum ids change at run time on a real
// > machine (source: the QCI description in the s390 AP architecture, not public).
//
// Later history: in 6.0 the masks are `apm_delta`/`aqm_delta`; examining only the delta
// let an unbound queue through (CVE-2024-26620, **Review10HotPlug**). In 6.8 "s390/vfio-ap:
// always filter entire AP matrix" and "s390/vfio-ap: loop over the shadow APCB when
// filtering guest's AP configuration" examine shadow apm x shadow aqm, already limited to
// the host's configuration. Since 6.6 a reset answering 0x03 (deconfigured) or 0x04
// (checkstopped) no longer makes a queue unusable (**Patch12ResetOnUnassign**).

// %% [markdown]
// ## What the guest gets, before and after
//
// The mdev has adapters 5 and 6, domain 4, control domains 0x47 and 0xab (the host has no
// 0xab). Queue 05.0004 is unbound from vfio_ap and the guest started; then the queue is
// bound again:

// %%
List<Session> kernels = List.of(startedUnbound("5.17"), startedUnbound("6.0"), startedUnbound("mainline"));
sideBySide(kernels, "aplab guest show g1", "echo 05.0004 > /sys/bus/ap/drivers/vfio_ap/bind", "aplab guest show g1");

// %% [markdown]
// On 5.17 the guest gets the matrix as assigned: adapter 05, although its only queue is
// bound to no driver (and an `apmask` write could hand it to `cex4queue`, patch 01), and
// control domain 00ab, which the host lacks. From 6.0 on, the unbind took adapter 5 out of
// the shadow (the remove callback of patch 11), 00ab is filtered out, and the bind (the
// probe of patch 11) filters again: adapter 5 is whole and is plugged into the guest.
//
// ## Domains the host does not have
//
// Assigning a domain the host lacks is allowed since patch 08; what it does to the guest
// depends on which APQNs the filter examines. The guest runs with 05.0004 and 06.0004;
// domain 0xab is assigned, then adapter 7 (also not in the host):

// %%
List<Session> two = List.of(started("6.0"), started("mainline"));
List<List<String>> logs = traceFilter(two);
sideBySide(two, "echo 0xab > assign_domain", "aplab guest show g1", "cat guest_matrix",
        "echo 7 > assign_adapter", "cat matrix", "cat guest_matrix");
printFilterTrace(two, logs);

// %% [markdown]
// 6.0 examines the new domain against every assigned adapter (`aqm_delta` = {0xab}); no
// queue 05.00ab or 06.00ab exists, so the guest loses all its adapters because of a domain
// it could never have had. mainline builds the shadow first (aqm {4, 0xab} AND host {4})
// and examines shadow apm x shadow aqm: nothing changes, the guest is not updated. Adapter
// 7 stays out on both; on 6.0 its filtering puts 5 and 6 back unexamined (shadow rebuilt
// from `matrix AND host`, only the delta examined): correct here, the flaw of CVE-2024-26620.
//
// ## Limits: the review question
//
// The matrix's limits are set when the mdev is created, the shadow's at every filtering,
// both from `matrix_dev->info`. The host starts with APXA and maxima 15 (`aplab host
// --adapters 5 --domains 4 --max-adapter 15 --max-domain 15`); then it reports 255:

// %%
Session s = limitsHost();
limits(s, "after the mdev is created:");
sh(s, "aplab host --adapters 5 --domains 4 --max-adapter 255 --max-domain 255",
        "cat /sys/bus/ap/ap_max_adapter_id");
limits(s, "after the configuration change:");
sh(s, "echo 5 > assign_adapter");
limits(s, "after the next filtering:");
sh(s, "echo 0x20 > assign_adapter", "cat guest_matrix");

// %% [markdown]
// The bus keeps the `ap_max_adapter_id` latched at init (15). The shadow's limits follow
// vfio_ap's new copy at the next filtering; the matrix keeps its creation limits, so 0x20
// is refused with ENODEV until the mdev is created again. Re-initialising the shadow's
// limits is harmless: only the matrix's decide what can be assigned (and a limit that
// shrank would leave ids above it, which the AND with the host's masks keeps out).

// %% [markdown]
// ## Sources
//
// - Patch mail: [[PATCH v18 07/18]](https://lore.kernel.org/all/20220215005040.52697-8-akrowiak@linux.ibm.com/)
//   (Tony Krowiak, 14 Feb 2022), in the [v18 series](https://lore.kernel.org/all/20220215005040.52697-1-akrowiak@linux.ibm.com/).
// - Merged as [`48cae940c31d`](https://git.kernel.org/torvalds/c/48cae940c31d)
//   ("s390/vfio-ap: refresh guest's APCB by filtering APQNs assigned to mdev"),
//   Linux 6.0.
// - Follow-up: [`850fb7fa8c68`](https://git.kernel.org/torvalds/c/850fb7fa8c68) ("s390/vfio-ap: always filter entire AP matrix",
//   Linux 6.8, CVE-2024-26620), `Fixes: 48cae940c31d`; its stable backports are in the
//   [stable list](https://lore.kernel.org/stable/?q=%22always+filter+entire+AP+matrix%22).
// - The code as in Linux 6.12.117 (drivers/s390/crypto/vfio_ap_ops.c):
//   [`vfio_ap_mdev_filter_matrix()`][n706].
//
// [n706]: https://git.kernel.org/pub/scm/linux/kernel/git/stable/linux.git/tree/drivers/s390/crypto/vfio_ap_ops.c?h=v6.12.117#n706

// %%
}}
