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
// An mdev's `matrix` is what the admin assigned. Not all of it can be given to a guest:
// an adapter or domain may not be in the host's AP configuration (QCI), and an APQN of
// the matrix may have no queue device bound to vfio_ap (it is unbound, or bound to the
// host's driver, or does not exist). Before the series the driver simply pushed the whole
// matrix at guest start, counting on assignment to have refused what was not usable
// (patch 08 removes those refusals). This patch filters the matrix into the shadow APCB of
// patch 06, which is what the guest gets:
//
// - `vfio_ap_mdev_filter_matrix()`: shadow apm = matrix apm AND host apm, shadow aqm =
//   matrix aqm AND host aqm; then every APQN examined must have a queue linked to the
//   mdev (patch 05), else its **adapter** is removed from the shadow. The APCB is three
//   masks: it can express "adapters x domains", never "all of these but one APQN"; and an
//   adapter is one physical card, so the adapter goes, not the domain.
// - `vfio_ap_mdev_filter_cdoms()`: shadow adm = matrix adm AND host adm. Control domains
//   have no queues and need no binding.
//
// The shadow is rebuilt from `matrix AND host` on every call, so an adapter dropped earlier
// comes back once its queues are all there. In v18 the filter took two masks limiting the
// APQNs it examined (the new adapter or domain, at Halil Pasic's request in v17), ran the
// QCI instruction itself to learn the host configuration, and re-initialised the shadow's
// limits (`vfio_ap_matrix_init()`). The merged title says "filtering AP resources" instead
// of "filtering APQNs".
//
// Review: Jason Herne asked why the filter re-initialises the shadow's limits every time,
// unless APXA (and with it the limits) can change while the host runs. The merged code
// still re-initialises them, but from `matrix_dev->info`, vfio_ap's copy of the QCI
// result, which is replaced only when the bus reports a configuration change (patch 15);
// the filter no longer runs QCI. Whether a real host's APXA or maximum ids can change
// without a re-IPL is not established here; the model lets `aplab host` change them.
//
// > **Note (open question):** whether APXA or the maximum ids change at run time on a real
// > machine (source: the QCI description in the s390 AP architecture, not public).
//
// Later history: the two examined masks became `apm_delta`/`aqm_delta` in the merged 6.0
// code; examining only the delta let an unbound queue through (CVE-2024-26620, see the
// review notebook of patch 10). Linux 6.8 replaced it with "s390/vfio-ap: always filter
// entire AP matrix" and, in the same series, "s390/vfio-ap: loop over the shadow APCB when
// filtering guest's AP configuration": the loop runs over shadow apm x shadow aqm, which
// are already limited to the host's configuration. Since 6.6 a queue whose last reset
// found it deconfigured (0x03) or checkstopped (0x04) no longer counts as unusable.

// %% [markdown]
// ## What the guest gets, before and after
//
// The mdev has adapters 5 and 6 with domain 4, and control domains 0x47 and 0xab (the host
// has no control domain 0xab). Then queue 05.0004 is unbound from vfio_ap, the guest
// starts, and the queue is bound again:

// %%
List<Session> kernels = List.of(oneMdev("5.17"), oneMdev("6.0"), oneMdev("mainline"));
sideBySide(kernels, "echo 5 > assign_adapter", "echo 6 > assign_adapter", "echo 4 > assign_domain",
        "echo 0x47 > assign_control_domain", "echo 0xab > assign_control_domain",
        "echo 05.0004 > /sys/bus/ap/drivers/vfio_ap/unbind", "aplab guest start g1 --mdev " + U1,
        "aplab guest show g1", "cat guest_matrix", "echo 05.0004 > /sys/bus/ap/drivers/vfio_ap/bind",
        "aplab guest show g1");

// %% [markdown]
// On 5.17 the guest gets the matrix as assigned: adapter 05 although its only queue,
// 05.0004, is bound to no driver (and 5.17 would let an `apmask` write hand it to
// `cex4queue`, patch 01), and control domain 00ab, which the host does not have. The bind changes
// nothing in the guest.
//
// From 6.0 on, the unbind took adapter 5 out of the shadow (the remove callback of patch
// 11), the guest starts with adapter 06 only, control domain 00ab is filtered out, and the
// bind (the probe of patch 11) filters again: 05.0004 is linked, adapter 5 comes back and
// is plugged into the running guest.
//
// ## Domains the host does not have
//
// Assigning a domain the host lacks is allowed since patch 08. What it does to the guest
// depends on which APQNs the filter examines. The guest runs with 05.0004 and 06.0004;
// domain 0xab is assigned, then adapter 7 (not in the host either):

// %%
List<Session> two = List.of(oneMdev("6.0"), oneMdev("mainline"));
for (Session k : two) {
    quietly(k, "echo 5 > assign_adapter", "echo 6 > assign_adapter", "echo 4 > assign_domain",
            "aplab guest start g1 --mdev " + U1);
}
List<List<String>> filterLogs = new ArrayList<>();
for (Session k : two) {
    List<String> log = new ArrayList<>();
    filterLogs.add(log);
    k.host().vfioAp().traceFilter(log::add);
}
sideBySide(two, "echo 0xab > assign_domain", "aplab guest show g1", "cat guest_matrix",
        "echo 7 > assign_adapter", "cat matrix", "cat guest_matrix");
for (int i = 0; i < two.size(); i++) {
    two.get(i).host().vfioAp().traceFilter(null);
    System.out.println("filter calls on " + two.get(i).host().version().release() + ":");
    filterLogs.get(i).forEach(l -> System.out.println("  " + l));
}

// %% [markdown]
// 6.0 examines the new domain against every assigned adapter (`aqm_delta` = {0xab}). No
// queue 05.00ab or 06.00ab exists, since the host has no domain 0xab, so both adapters are
// dropped: the running guest loses all its adapters because of a domain it could never
// have had. mainline builds the shadow first (aqm = {4, 0xab} AND host = {4}) and examines
// only shadow apm x shadow aqm: 05.0004 and 06.0004 are linked, nothing changes, and the
// guest is not even updated ("unchanged"). Adapter 7 is not in the host's configuration,
// so it stays out on both. On 6.0 that second filtering puts adapters 5 and 6 back: it
// rebuilds the shadow from `matrix AND host` and examines only the delta (adapter 7), so
// the two adapters return without being looked at. Here that happens to be right; it is
// the same mechanism that let an unbound queue into a guest (CVE-2024-26620).
//
// ## Limits: the review question
//
// The matrix's limits are set once, when the mdev is created; the shadow's limits are
// re-read from `matrix_dev->info` at every filtering. The host starts with at most 16
// adapters and domains (`--max-adapter 15 --max-domain 15`, with APXA); then its
// configuration reports 256:

// %%
Session s = host();
quietly(s, "aplab host --adapters 5 --domains 4 --max-adapter 15 --max-domain 15",
        "echo -5 > /sys/bus/ap/apmask", "echo " + U1 + " > " + CREATE, "cd " + MDEV);
limits(s, "after the mdev is created:");
sh(s, "aplab host --adapters 5 --domains 4 --max-adapter 255 --max-domain 255",
        "cat /sys/bus/ap/ap_max_adapter_id");
limits(s, "after the configuration change:");
sh(s, "echo 5 > assign_adapter");
limits(s, "after the next filtering:");
sh(s, "echo 0x20 > assign_adapter", "cat guest_matrix");

// %% [markdown]
// The bus now allows adapters up to 255 and the shadow's limits follow (at the first
// filtering after the change, not at the change itself), but the mdev's `matrix` keeps the
// limits it was created with: adapter 0x20 is refused with ENODEV until the mdev is
// removed and created again. Re-initialising the shadow's limits is harmless, but only
// the matrix's limits decide what can be assigned, and they never change. (A limit that
// shrank would leave the matrix holding ids above the new shadow limit; the filter's
// AND with the host's masks keeps them out of the shadow anyway.)


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
