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
// vfio_ap (patch 03's `vfio_ap_find_queue()`). The queue object had a `matrix_mdev`
// pointer, but it was only set as a side effect of looking the queue up for the guest's
// PQAP(AQIC) instruction (`handle_pqap()` -> `vfio_ap_get_queue()`), not maintained as
// assignments and bindings changed.
//
// The patch makes the relation explicit and keeps it up to date in both directions:
//
// - each `struct ap_matrix_mdev` gets `qtable`, a hashtable of the `vfio_ap_queue`s of
//   its assigned APQNs that are bound to vfio_ap (keyed by APQN, linked through
//   `q->mdev_qnode`);
// - each `vfio_ap_queue` points back to that mdev (`q->matrix_mdev`), or to none.
//
// A queue is linked when both ends exist: on assignment
// (`vfio_ap_mdev_link_adapter()` / `vfio_ap_mdev_link_domain()` link every bound queue the
// new adapter or domain forms with the other dimension) and on probe (a queue that binds
// to vfio_ap is linked to the mdev that has its APQN, `vfio_ap_mdev_link_queue()`). It is
// unlinked on unassignment, on remove (the queue leaves vfio_ap) and when the mdev is
// removed. `vfio_ap_mdev_get_queue(matrix_mdev, apqn)` then answers from the table. The
// later patches rest on it: filtering (patch 07) asks "is this APQN's queue linked to this
// mdev?", the remove path (patch 11) finds the mdev a departing queue belongs to, the
// resets walk the table.
//
// Review: no substantive comment on the v18 posting of this patch is known to this corpus.
// The code drew two fixes after the merge, both in the summer of 2022:
// "s390/vfio-ap: bypass unnecessary processing of AP resources" (merged for 6.0-rc7:
// assigning an adapter or domain that was already assigned linked its queues a second
// time, `hash_add()` of a node already in the table corrupted it, and removing the mdev
// then hung) and "s390/vfio-ap: fix unlinking of queues from the mdev" (in the unassign
// code of patch 12, the queues' back pointers were cleared but the queues stayed in the
// table, so they were reset at every later close or removal of the mdev). In 2024, "Ignore duplicate link requests in
// vfio_ap_mdev_link_queue" made linking idempotent.

// %% [markdown]
// ## Links as things happen (mainline)
//
// Two mdevs, 1111 and 2222. After each command: each mdev's `qtable`, then the back
// pointer of every queue bound to vfio_ap (`-`: none).

// %%
Session s = twoMdevs("mainline");
step(s, "echo 5 > assign_adapter", "echo 4 > assign_domain", "echo 0x47 > assign_domain",
        "echo 05.0047 > /sys/bus/ap/drivers/vfio_ap/unbind", "echo 05.0047 > /sys/bus/ap/drivers/vfio_ap/bind",
        "echo 6 > ../" + U2 + "/assign_adapter", "echo 4 > ../" + U2 + "/assign_domain",
        "echo 4 > unassign_domain", "echo 5 > assign_adapter", "echo 1 > remove");

// %% [markdown]
// Reading it: an adapter alone links nothing (no APQN yet); each domain links the queues
// it completes. The unbind of 05.0047 removes it from the table (its `vfio_ap_queue` is
// freed with the binding) and the bind links the new object again. Mdev 2222 gets 06.0004
// in its own table; a queue is in at most one table, since two mdevs cannot share an APQN
// (patch 08). Unassigning domain 4 unlinks 05.0004 and clears its back pointer; assigning
// adapter 5 a second time changes nothing; removing mdev 1111 unlinks what it had.
//
// ## Before and after: the links are new, the queues acted on are not
//
// 5.17 has no table and sets no back pointer (the model shows it empty); mainline links as the
// admin assigns. What an outside observer can see is what the links are used for: the
// queues the driver resets when the guest stops and when the mdev is removed. 5.17 found
// them by walking the matrix, mainline walks the table; the same queues are reset:

// %%
List<Session> kernels = List.of(twoMdevs("5.17"), twoMdevs("mainline"));
List<Integer> resetsBefore = new ArrayList<>();
for (Session k : kernels) {
    quietly(k, "echo 5 > assign_adapter", "echo 6 > assign_adapter", "echo 4 > assign_domain",
            "echo 0x47 > assign_domain", "echo 06.0047 > /sys/bus/ap/drivers/vfio_ap/unbind");
    System.out.println("[" + k.host().version().release() + "] " + String.join(" | ", links(k)));
    resetsBefore.add(k.host().vfioAp().resetLog().size());
}
sideBySide(kernels, "aplab guest start g1 --mdev " + U1, "aplab guest stop g1", "echo 1 > remove");
for (int i = 0; i < kernels.size(); i++) {
    List<String> log = kernels.get(i).host().vfioAp().resetLog();
    System.out.println("resets on " + kernels.get(i).host().version().release() + " since the unbind: "
            + String.join(", ", log.subList(resetsBefore.get(i), log.size())));
}

// %% [markdown]
// 06.0047 is assigned but not bound to vfio_ap: neither kernel resets it (there is no
// `vfio_ap_queue` to reset through), both reset the three bound queues once at guest stop
// and once at mdev removal. (Before the series the guest also got 06.0047 in its CRYCB,
// since 5.17 pushed the unfiltered matrix: see patch 07.)
//
// ## 6.0
//
// The model's 6.0 links and unlinks as mainline does: it runs the fixed linking code, so it
// shows neither the stale links after an unassignment nor the corrupted table after a
// duplicate assignment described above:

// %%
Session merged = twoMdevs("6.0");
step(merged, "echo 5 > assign_adapter", "echo 4 > assign_domain", "echo 0x47 > assign_domain",
        "echo 4 > unassign_domain", "echo 5 > assign_adapter");

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
