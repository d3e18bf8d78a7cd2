///usr/bin/env jbang "$0" "$@" ; exit $?
//JAVA 17+
//SOURCES support/AplabReference.java
//SOURCES support/Patch05QueueLinksSupport.java
import static aplab.notebook.Nb.*;
import aplab.ap.ApQueue;
import aplab.shell.Session;
import aplab.vfioap.*;
import java.util.*;
public class Patch05QueueLinks extends Patch05QueueLinksSupport {
public static void main(String[] args) { notebook(Patch05QueueLinks.class, Patch05QueueLinks::cells); }
static void cells() {

// %% [markdown]
// # Patch 05/18: s390/vfio-ap: manage link between queue struct and matrix mdev
//
// Before this patch an mdev knew its queues only through its masks: to act on them the
// driver walked `matrix.apm x matrix.aqm` and searched each APQN among the queues bound to
// vfio_ap (patch 03's `vfio_ap_find_queue()`). The queue object's `matrix_mdev` pointer was
// set only as a side effect of the guest's PQAP(AQIC) instruction (`handle_pqap()` ->
// `vfio_ap_get_queue()`), not maintained as assignments and bindings changed.
//
// The patch makes the relation explicit and keeps it up to date in both directions:
//
// - each `struct ap_matrix_mdev` gets `qtable`, a hashtable of the `vfio_ap_queue`s of
//   its assigned APQNs that are bound to vfio_ap (keyed by APQN, linked through
//   `q->mdev_qnode`);
// - each `vfio_ap_queue` points back to that mdev (`q->matrix_mdev`), or to none.
//
// A queue is linked when both ends exist: on assignment (`vfio_ap_mdev_link_adapter()` /
// `vfio_ap_mdev_link_domain()` link every bound queue the new adapter or domain forms with
// the other dimension) and on probe (`vfio_ap_mdev_link_queue()` links a queue that binds
// to vfio_ap to the mdev that has its APQN). It is unlinked on unassignment, on remove and
// when the mdev is removed. `vfio_ap_mdev_get_queue(matrix_mdev, apqn)` answers from the
// table. Later patches rest on it: filtering (patch 07) asks whether an APQN's queue is
// linked to the mdev, the remove path (patch 11) finds a departing queue's mdev, the resets
// walk the table.
//
// Review: no substantive comment on the v18 posting of this patch is known to this corpus.
// Two fixes followed the merge in the summer of 2022: "s390/vfio-ap: bypass unnecessary
// processing of AP resources" (6.0-rc7: assigning an adapter or domain a second time linked
// its queues again, `hash_add()` of a node already in the table corrupted it, and removing
// the mdev then hung) and "s390/vfio-ap: fix unlinking of queues from the mdev" (the
// unassign code of patch 12 cleared the queues' back pointers but left them in the table,
// so they were reset at every later close or removal of the mdev). In 2024 "Ignore
// duplicate link requests in vfio_ap_mdev_link_queue" made linking idempotent.

// %% [markdown]
// ## Links as things happen (mainline)
//
// Two mdevs, 1111 and 2222. After each command: each mdev's `qtable`, then the back
// pointer of every queue bound to vfio_ap (`-`: none).

// %%
String[] cmds = {"echo 5 > assign_adapter", "echo 4 > assign_domain", "echo 0x47 > assign_domain",
        "echo 05.0047 > /sys/bus/ap/drivers/vfio_ap/unbind", "echo 05.0047 > /sys/bus/ap/drivers/vfio_ap/bind",
        "echo 6 > ../" + U2 + "/assign_adapter", "echo 4 > ../" + U2 + "/assign_domain",
        "echo 4 > unassign_domain", "echo 5 > assign_adapter", "echo 1 > remove"};
step(twoMdevs("mainline"), cmds);

// %% [markdown]
// An adapter alone links nothing (no APQN yet); each domain links the queues it completes.
// The unbind of 05.0047 frees its `vfio_ap_queue` and so unlinks it; the bind links the new
// object. A queue is in at most one table, since two mdevs cannot share an APQN (patch 08).
// Unassigning domain 4 unlinks 05.0004 and clears its back pointer; assigning adapter 5 a
// second time changes nothing; removing mdev 1111 unlinks what it had.
//
// ## Before and after: the links are new, the queues acted on are not
//
// 5.17 has no table and sets no back pointer (the model shows it empty). What an observer
// sees is what the links are used for: the queues reset when the guest stops and when the
// mdev is removed. 5.17 finds them by walking the matrix, mainline walks the table. Here
// adapters 5 and 6 and domains 4 and 0x47 are assigned, and 06.0047 is unbound:

// %%
for (String k : List.of("5.17", "mainline")) {
    resetsOnBoth(k);
}

// %% [markdown]
// Neither kernel resets 06.0047 (there is no `vfio_ap_queue` to reset through); both reset
// the three bound queues at guest stop and again at mdev removal. (Before the series the
// guest also got 06.0047 in its CRYCB, since 5.17 pushed the unfiltered matrix: patch 07.)
//
// ## 6.0
//
// The model's 6.0 runs the fixed linking code, so it shows neither the stale links after an
// unassignment nor the corrupted table after a duplicate assignment described above:

// %%
sameLinks("6.0", "mainline", cmds);

// %% [markdown]
// ## Sources
//
// - Patch mail: [[PATCH v18 05/18]](https://lore.kernel.org/all/20220215005040.52697-6-akrowiak@linux.ibm.com/)
//   (Tony Krowiak, 14 Feb 2022), in the [v18 series](https://lore.kernel.org/all/20220215005040.52697-1-akrowiak@linux.ibm.com/).
// - Merged as [`11cb2419fafe`](https://git.kernel.org/torvalds/c/11cb2419fafe) ("s390/vfio-ap: manage link between queue struct and matrix mdev"),
//   Linux 6.0.
// - The code as in Linux 6.12.117 (drivers/s390/crypto/vfio_ap_ops.c):
//   [`vfio_ap_mdev_link_queue()`][n807], [`vfio_ap_unlink_queue_fr_mdev()`][n825].
//
// [n807]: https://git.kernel.org/pub/scm/linux/kernel/git/stable/linux.git/tree/drivers/s390/crypto/vfio_ap_ops.c?h=v6.12.117#n807
// [n825]: https://git.kernel.org/pub/scm/linux/kernel/git/stable/linux.git/tree/drivers/s390/crypto/vfio_ap_ops.c?h=v6.12.117#n825

// %%
}}
