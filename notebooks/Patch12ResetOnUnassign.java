///usr/bin/env jbang "$0" "$@" ; exit $?
//JAVA 17+
//SOURCES support/AplabReference.java
//SOURCES support/Patch12ResetOnUnassignSupport.java
import static aplab.notebook.Nb.*;
import aplab.shell.Session;
import java.util.List;
public class Patch12ResetOnUnassign extends Patch12ResetOnUnassignSupport {
public static void main(String[] args) { notebook(Patch12ResetOnUnassign.class, Patch12ResetOnUnassign::cells); }
static void cells() {

// %% [markdown]
// # Patch 12/18: s390/vfio-ap: reset queues after adapter/domain unassignment
//
// Once patch 10 lets an admin unassign an adapter or domain from a running guest, the queues
// the guest loses may still hold its requests and replies, which the next user of the queue
// (another mdev, or the host's driver after an `apmask` change) must not see. The patch
// resets (ZAPQ) them: `vfio_ap_mdev_hot_unplug_adapter()` and
// `vfio_ap_mdev_hot_unplug_domain()`, while unlinking the queues of the unassigned adapter
// or domain, collect those whose APQN is in the shadow APCB, push the smaller shadow to the
// guest, call `vfio_ap_mdev_reset_queues()` on the collection and finally clear the queues'
// back pointer to the mdev.
//
// Exactly the queues in the shadow are reset: what the guest has (without a guest, what it
// would get). A queue that filtering kept out of the shadow was never given to a guest, and
// an assigned APQN without a queue bound to vfio_ap has nothing to reset. The patch also
// records each reset's response code in the queue (`reset_rc`); filtering keeps an adapter
// out of the guest while the last reset of one of its queues did not end normally.
//
// Review (Jason Herne): restructure the unlink helpers so that the table of queues to reset
// is not passed three functions deep (v20: `vfio_ap_unlink_apqn_fr_mdev()` returns the queue
// and the caller decides); rename the hash bucket cursor `bkt` (Tony: `loop_cursor`); the
// `reset_rc = 0` before ZAPQ is redundant (Tony: set it once, right after `ap_zapq()`); why
// `unset_kvm` switched from its `kvm` argument to `matrix_mdev->kvm` (the same pointer; Tony
// would look at dropping the argument). These shape the code, not the behaviour below.
//
// Below, `[reset XX.YYYY rc=0xNN]` after a command is a queue reset that it caused.

// %% [markdown]
// ## Which queues are reset
//
// The mdev has adapters 5, 6, 8 and domains 4, 0x47. Adapter 8 is not in the host and queue
// 06.0047 is unbound from vfio_ap, so the shadow, and the guest, have adapter 5 only.
// Unassigning domain 4 resets 05.0004 alone: 06.0004 is linked to the mdev but the guest
// never had it, and APQN 08.0004 has no queue.

// %%
Session s = prepared("mainline");
withResets(s, "cat guest_matrix", "aplab guest start g1 --mdev " + U1, "aplab guest show g1",
        "echo 4 > unassign_domain", "aplab guest show g1",
        "echo 6 > unassign_adapter", "echo 8 > unassign_adapter", "cat guest_matrix",
        "echo 5 > unassign_adapter", "aplab guest show g1", "cat matrix");

// %% [markdown]
// Unassigning adapters 6 and 8 resets nothing: neither was in the guest. The last
// unassignment leaves the guest with domain 0x47 and no adapter.
//
// ## With no guest attached
//
// The rule is about the shadow: after the guest stops, the shadow is kept (`guest_matrix`),
// and an unassignment still resets the queues in it. Stopping the guest resets every queue
// linked to the mdev (`vfio_ap_mdev_unset_kvm()`, older than this series):

// %%
Session t = prepared("mainline");
withResets(t, "aplab guest start g1 --mdev " + U1, "aplab guest stop g1", "cat guest_matrix",
        "echo 0x47 > unassign_domain");

// %% [markdown]
// ## Before and after the series
//
// On 5.17 an unassignment with a guest attached fails with EBUSY, so nothing is reset. The
// scenario is simpler here (5.17 needs every assigned queue bound to vfio_ap): adapters 5
// and 6, domain 4, a running guest; on 6.0 and mainline the guest is then stopped and
// adapter 5 unassigned.

// %%
withResetsOnEach(List.of(twoAdapters("5.17")), "echo 6 > unassign_adapter");
withResetsOnEach(List.of(twoAdapters("6.0"), twoAdapters("mainline")), "echo 6 > unassign_adapter",
        "aplab guest stop g1", "echo 5 > unassign_adapter");

// %% [markdown]
// 05.0004 is reset at the guest's stop and again at the unassignment after it, being still
// in the kept shadow. The 5.17 guest stop is left out on purpose: in the kernel
// `vfio_ap_mdev_unset_kvm()` called 5.17's `vfio_ap_mdev_reset_queues()`, which reset every
// queue of the mdev's matrix bound to vfio_ap (05.0004 and 06.0004 here); the model's 5.17
// host resets only queues linked to the mdev, a link that exists only since patch 05, and
// logs no reset there: a gap of the model (reported to the project), not a 5.17 property.
//
// ## The reset's response code feeds the filter
//
// Card 5 is configured off (`cardXX/config`), adapter 5 unassigned (its queue is reset and
// answers 0x03, "deconfigured"), the card configured on again, and adapter 5 assigned
// again. 6.0 takes only 0x00 as a clean reset and filters adapter 5 out. Since 6.6
// ("s390/vfio-ap: allow deconfigured queue to be passed through to a guest") 0x03 and 0x04
// (checkstopped) count as passable, and mainline plugs adapter 5.

// %%
List<Session> both = List.of(deconfiguredReset("6.0"), deconfiguredReset("mainline"));
printResetLogs(both);
sideBySide(both, "echo 5 > assign_adapter", "aplab guest show g1", "cat guest_matrix");

// %% [markdown]
// ## Sources
//
// - Patch mail: [[PATCH v18 12/18]](https://lore.kernel.org/all/20220215005040.52697-13-akrowiak@linux.ibm.com/)
//   (Tony Krowiak, 14 Feb 2022), in the [v18 series](https://lore.kernel.org/all/20220215005040.52697-1-akrowiak@linux.ibm.com/).
// - Merged as [`70aeefe574cb`](https://git.kernel.org/torvalds/c/70aeefe574cb) ("s390/vfio-ap: reset queues after adapter/domain unassignment"),
//   Linux 6.0.
// - The code as in Linux 6.12.117 (drivers/s390/crypto/vfio_ap_ops.c):
//   [`vfio_ap_mdev_reset_queues()`][n2021], [`vfio_ap_mdev_hot_unplug_adapter()`][n1186].
//
// [n2021]: https://git.kernel.org/pub/scm/linux/kernel/git/stable/linux.git/tree/drivers/s390/crypto/vfio_ap_ops.c?h=v6.12.117#n2021
// [n1186]: https://git.kernel.org/pub/scm/linux/kernel/git/stable/linux.git/tree/drivers/s390/crypto/vfio_ap_ops.c?h=v6.12.117#n1186

// %%
}}
