///usr/bin/env jbang "$0" "$@" ; exit $?
//JAVA 17+
//SOURCES ../reference/src/main/java/**.java

import static aplab.notebook.Nb.*;

import aplab.lockdep.LockDep;
import aplab.notebook.Notebook;
import aplab.shell.Session;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;

public class Patch17LockingDoc {
    public static void main(String[] args) {
        Notebook.main(Patch17LockingDoc.class, Patch17LockingDoc::cells);
    }

    static final String U1 = "11111111-1111-1111-1111-111111111111";
    static final String M = "/sys/devices/vfio_ap/matrix";
    static final String MDEV = M + "/" + U1;
    static final String CREATE = M + "/mdev_supported_types/vfio_ap-passthrough/create";
    static final String VFIO = "/sys/bus/ap/drivers/vfio_ap";

    /** The hierarchy, outermost first; the rwsem is taken alone, before any of the others. */
    static final List<String> HIERARCHY = List.of("ap_scan_bus_mutex", "&dev->mutex", "ap_perms_mutex",
            "guests_lock", "kvm->lock", "mdevs_lock");

    /** One measured path: what the kernel function is, and the command that runs it. */
    record Path(String function, String command) {
    }

    /** The paths, in an order that keeps the host consistent (set-up first, guest in the middle). */
    static final List<Path> PATHS = List.of(
            new Path("vfio_ap_mdev_probe (create)", "echo " + U1 + " > " + CREATE),
            new Path("assign_adapter_store", "echo 5 > " + MDEV + "/assign_adapter"),
            new Path("assign_domain_store", "echo 4 > " + MDEV + "/assign_domain"),
            new Path("assign_control_domain_store", "echo 4 > " + MDEV + "/assign_control_domain"),
            new Path("matrix_show", "cat " + MDEV + "/matrix"),
            new Path("guest_matrix_show", "cat " + MDEV + "/guest_matrix"),
            new Path("control_domains_show", "cat " + MDEV + "/control_domains"),
            new Path("ap_config_show", "cat " + MDEV + "/ap_config"),
            new Path("vfio_ap_mdev_set_kvm (guest start)", "aplab guest start g1 --mdev " + U1),
            new Path("assign_adapter_store, guest", "echo 6 > " + MDEV + "/assign_adapter"),
            new Path("assign_domain_store, guest", "echo 5 > " + MDEV + "/assign_domain"),
            new Path("unassign_domain_store, guest", "echo 5 > " + MDEV + "/unassign_domain"),
            new Path("unassign_adapter_store, guest", "echo 6 > " + MDEV + "/unassign_adapter"),
            new Path("assign_control_domain_store, guest", "echo 5 > " + MDEV + "/assign_control_domain"),
            new Path("unassign_control_domain_store, guest", "echo 5 > " + MDEV + "/unassign_control_domain"),
            new Path("ap_config_store, guest", "echo 0x04,0x08,0x08 > " + MDEV + "/ap_config"),
            new Path("status_show", "cat /sys/bus/ap/devices/05.0004/status"),
            new Path("vfio_ap_mdev_remove_queue (unbind)", "echo 05.0004 > " + VFIO + "/unbind"),
            new Path("vfio_ap_mdev_probe_queue (bind)", "echo 05.0004 > " + VFIO + "/bind"),
            new Path("apmask_store -> in_use (refused)", "echo +5 > /sys/bus/ap/apmask"),
            new Path("apmask_store (clear), reprobe", "echo -7 > /sys/bus/ap/apmask"),
            new Path("apmask_store -> in_use, reprobe", "echo +7 > /sys/bus/ap/apmask"),
            new Path("ap_scan_bus (adapter 5 leaves)", "aplab host --adapters 6,7 --domains 4,5"),
            new Path("ap_scan_bus (adapter 5 returns)", "aplab host --adapters 5,6,7 --domains 4,5"),
            new Path("vfio_ap_mdev_unset_kvm (guest stop)", "aplab guest stop g1"),
            new Path("vfio_ap_mdev_remove (remove)", "echo 1 > " + MDEV + "/remove"));

    /** A host with adapters 5, 6, 7 and domains 4, 5; adapters 5 and 6 given to vfio_ap in apmask. */
    static Session freshHost(String kernel) {
        Session s = host(kernel);
        quietly(s, "aplab host --adapters 5,6,7 --domains 4,5", "echo -5,-6 > /sys/bus/ap/apmask");
        return s;
    }

    /**
     * Runs one command with lock tracing and returns every chain of locks held at once that is not
     * the beginning of a longer one, in the order first seen ("A -> B -> C"; several separated by
     * "; ").
     */
    static String chains(Session s, String command, List<String> printed) {
        List<String> stack = new ArrayList<>();
        LinkedHashSet<String> all = new LinkedHashSet<>();
        s.host().lockdep().trace(line -> {
            int lock = line.indexOf(": lock ");
            int unlock = line.indexOf(": unlock ");
            if (lock >= 0) {
                stack.add(line.substring(lock + 7));
                all.add(String.join(" -> ", stack));
            } else if (unlock >= 0) {
                stack.remove(line.substring(unlock + 9));
            }
        });
        try {
            printed.addAll(s.execute(command));
        } finally {
            s.host().lockdep().trace(null);
        }
        List<String> longest = new ArrayList<>();
        for (String c : all) {
            boolean prefix = false;
            for (String d : all) {
                prefix |= d.startsWith(c + " -> ");
            }
            if (!prefix) {
                longest.add(c);
            }
        }
        return longest.isEmpty() ? "(none)" : String.join("; ", longest);
    }

    /** Whether every chain in {@code text} goes down the hierarchy. */
    static boolean inOrder(String text) {
        for (String chain : text.split("; ")) {
            int last = -1;
            for (String l : chain.split(" -> ")) {
                int k = HIERARCHY.indexOf(l);
                if (k < 0) {
                    continue;
                }
                if (k <= last) {
                    return false;
                }
                last = k;
            }
        }
        return true;
    }

    /** Runs every path on a fresh host of that kernel: function -> chains (and what it printed). */
    static Map<String, String> measure(String kernel) {
        Session s = freshHost(kernel);
        Map<String, String> rows = new LinkedHashMap<>();
        for (Path p : PATHS) {
            List<String> printed = new ArrayList<>();
            String c = chains(s, p.command(), printed);
            rows.put(p.function(), c + (printed.isEmpty() || p.command().startsWith("cat ") ? "" : "   [" + String.join(" ", printed) + "]"));
        }
        rows.put("lockdep", String.join("\n", s.host().lockdep().reportLines()));
        return rows;
    }

    static void cells() {
        // %% [markdown]
        // # Patch 17/18: s390/Docs: new doc describing lock usage by the vfio_ap device driver
        //
        // The patch adds `Documentation/s390/vfio-ap-locking.rst` (today
        // `Documentation/arch/s390/vfio-ap-locking.rst`). It changes no code. The document
        // describes the locks the driver relies on:
        //
        // - `matrix_dev->mdevs_lock`: a mutex in the singleton `struct ap_matrix_dev`, guarding the
        //   fields of every `ap_matrix_mdev` (before the series the one driver lock was
        //   `matrix_dev->lock`; patch 09 renamed it);
        // - `kvm->lock`: held while adapters, domains or control domains are plugged into or
        //   unplugged from a guest (`kvm_arch_crypto_set_masks()` requires it);
        // - `matrix_dev->guests_lock`: held while `matrix_mdev->kvm` is used to plug or unplug, and
        //   while mdevs are added to or removed from `matrix_dev->mdev_list`, so that a path can look
        //   up an mdev and its guest before it takes that guest's `kvm->lock`;
        // - `kvm->arch.crypto.pqap_hook_rwsem`: write-held when the PQAP(AQIC) hook is set or
        //   cleared, read-held by KVM while it calls the hook.
        //
        // Review (Halil Pasic, March/April 2022, on v18): wording ("singleton object" rather than
        // "single instance"; a matrix_mdev "field" does not cover the separately allocated
        // `vfio_ap_queue` objects); "lockdep splat" understates it, the splat reports a possible
        // deadlock; and the v18 draft's "Locking Order" section began by saying the proper order
        // depends on the operation. Halil objected that a lock order is one global order (a path
        // that skips `kvm->lock` because there is no guest still takes the others in the same
        // order), and asked that the hierarchy be stated in one place rather than left to be
        // extracted from the per-operation scenarios. The v20 document (105 lines instead of 389,
        // Reviewed-by Jason Herne) dropped the scenarios **and the order section**: the merged
        // file describes the four locks one by one and gives no hierarchy. The order is written
        // in the kernel-doc comments of `get_update_locks_for_kvm()` and
        // `get_update_locks_for_mdev()` (guests_lock, then kvm->lock, then mdevs_lock), and the
        // place of the AP bus's `ap_perms_mutex` is written nowhere but in the code.
        //
        // ## The hierarchy, stated once
        //
        // Outermost first; a path may skip levels but never takes a lock above one it holds:
        //
        // 1. `ap_scan_bus_mutex` (AP bus scan, around the configuration callbacks);
        // 2. `&dev->mutex`, a queue device's lock, held by the driver core around probe and remove;
        // 3. `ap_perms_mutex` (`ap_attr_mutex` since 6.19), only on paths that check or change
        //    `apmask`/`aqmask`: `assign_adapter_store()`, `assign_domain_store()`,
        //    `ap_config_store()`, the bus's mask stores (which call `in_use`) and `ap_device_probe()`;
        // 4. `matrix_dev->guests_lock`;
        // 5. `kvm->lock` of the mdev's guest, only if the mdev has one;
        // 6. `matrix_dev->mdevs_lock`.
        //
        // `pqap_hook_rwsem` is taken and released before any of 4 to 6 in
        // `vfio_ap_mdev_set_kvm()`/`vfio_ap_mdev_unset_kvm()`; KVM holds it (read) around the PQAP
        // interception, whose handler takes `mdevs_lock` only.
        //
        // ## Which path takes which locks, measured
        //
        // Every path below runs once on a mainline host, with lock tracing on. A row lists each
        // chain of locks held at the same time (the longest ones; `;` separates chains that are not
        // nested in one another); the last column says whether all of them go down the hierarchy.

        // %%
        Map<String, String> mainline = measure("mainline");
        boolean allInOrder = true;
        for (Path p : PATHS) {
            String row = mainline.get(p.function());
            boolean ok = inOrder(row);
            allInOrder &= ok;
            System.out.printf("%-40s %-70s %s%n", p.function(), row, ok ? "in order" : "OUT OF ORDER");
        }
        System.out.println("every path in order: " + allInOrder);

        // %% [markdown]
        // The commands behind the rows (the host has adapters 5, 6, 7 and domains 4, 5; the set-up
        // gives adapters 5 and 6 to vfio_ap; one mdev gets 05.0004 and control domain 4, a guest
        // starts with it, and the rest follows; the `ap_config` write stores what `ap_config`
        // reads at that point, so it changes nothing but still takes its locks):

        // %%
        for (Path p : PATHS) {
            System.out.printf("%-40s %s%n", p.function(), p.command());
        }

        // %% [markdown]
        // Reading the table:
        //
        // - `ap_perms_mutex` heads exactly the paths that check `apmask`/`aqmask`. Unassignments
        //   and control domains never take it: giving resources up needs no check, and control
        //   domains are not subject to the masks.
        // - `kvm->lock` appears only while the mdev has a guest (rows marked "guest", the probe and
        //   remove of a queue of that guest, the configuration change that unplugs from it).
        // - The queue callbacks run under the queue's `&dev->mutex`; `ap_device_probe()` reads the
        //   masks under `ap_perms_mutex` and drops it before calling vfio_ap's probe, so the two
        //   chains of the bind row are not nested in one another.
        // - A mask write that reserves queues asks `in_use` under `ap_perms_mutex` (the refused
        //   row prints the error); after the commit it re-probes the queues that change owner,
        //   each under its device lock: vfio_ap's remove, then the default driver's probe, which
        //   reads the masks under `ap_perms_mutex`. Clearing bits asks no one.
        // - The show functions take `mdevs_lock` alone. `ap_config_show()` is the exception in the
        //   kernel, which reads the masks without a lock; the model takes `mdevs_lock` there (a
        //   model choice, documented in `VfioApOps.apConfigShow()`).
        // - `vfio_ap_mdev_probe` (mdev creation) takes `guests_lock` before `mdevs_lock` only
        //   since the 2026 fix "Fix missing lock required to access list of ap_matrix_mdev
        //   objects", which the model's mainline carries.
        //
        // ## lockdep's graph
        //
        // After all these paths the lock-order checker has seen these dependencies, and no cycle:

        // %%
        System.out.println(mainline.get("lockdep"));

        // %% [markdown]
        // ## 6.0 against mainline
        //
        // The same paths on the 6.0 model, rows that differ only (`ap_config` did not exist yet):

        // %%
        Map<String, String> v60 = measure("6.0");
        for (Path p : PATHS) {
            String a = v60.get(p.function());
            String b = mainline.get(p.function());
            if (!a.equals(b)) {
                System.out.printf("%-40s 6.0:  %s%n%-40s mainline: %s%n", p.function(), a, "", b);
            }
        }
        System.out.println(v60.get("lockdep").equals(mainline.get("lockdep"))
                ? "same lockdep graph" : "6.0 lockdep graph:\n" + v60.get("lockdep"));

        // %% [markdown]
        // Two lock facts of the merged 6.0 code that the model does not reproduce: the kernel's
        // `vfio_ap_mdev_cfg_remove()` and `vfio_ap_mdev_hot_plug_cfg()` take
        // `matrix_mdev->kvm->lock` for every mdev, including those without a guest (a NULL `kvm`),
        // and its `status_show()` takes `mdevs_lock` alone (the model takes `guests_lock` first on
        // every kernel, as the 2026 code does). See **Patch15ConfigChange**.
        //
        // ## What the checker says about a path that breaks the order
        //
        // One more "path" on the mainline host, written out here and not part of the driver: it
        // holds `mdevs_lock` and then takes `guests_lock`, as a helper would that looked up a
        // guest from inside an mdev's critical section.

        // %%
        Session s = freshHost("mainline");
        for (Path p : PATHS) {
            s.execute(p.command());
        }
        LockDep lockdep = s.host().lockdep();
        Thread bad = new Thread(() -> {
            try (var op = lockdep.operation("a helper that breaks the order")) {
                s.host().vfioAp().matrixDev().mdevsLock().lock();
                s.host().vfioAp().matrixDev().guestsLock().lock();
                s.host().vfioAp().matrixDev().guestsLock().unlock();
                s.host().vfioAp().matrixDev().mdevsLock().unlock();
            }
        }, "bad");
        bad.start();
        try {
            bad.join(60_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        lockdep.reportLines().forEach(System.out::println);
    }
}
