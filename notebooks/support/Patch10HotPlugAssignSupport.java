import static aplab.notebook.Nb.*;

import aplab.shell.Session;
import java.util.ArrayList;
import java.util.List;

/** Helpers of notebooks/Patch10HotPlugAssign.java: the set-ups and probes its cells call. */
class Patch10HotPlugAssignSupport {
    /**
     * A host with adapters 5, 6, 7 and usage/control domains 4 and 0x47. Adapters 5-8 are given
     * to vfio_ap in apmask, so every queue of them is bound to vfio_ap; adapter 8 is not in the
     * host. One mdev holds 05.0004 and guest g1 runs with it.
     */
    static Session runningGuest(String kernel) {
        Session s = host(kernel);
        quietly(s, "aplab host --adapters 5,6,7 --domains 4,0x47",
                "echo -5,-6,-7,-8 > /sys/bus/ap/apmask",
                "echo " + U1 + " > " + CREATE, "cd " + MDEV,
                "echo 5 > assign_adapter", "echo 4 > assign_domain",
                "aplab guest start g1 --mdev " + U1);
        return s;
    }

    /** The writes of the first code cell, assign then unassign, and what the mdev holds after them. */
    static final String[] STEPS = {"echo 6 > assign_adapter", "echo 0x47 > assign_domain",
        "echo 0x47 > assign_control_domain", "cat matrix", "cat control_domains",
        "echo 5 > unassign_adapter", "echo 0x47 > unassign_control_domain", "echo 4 > unassign_domain",
        "cat matrix", "cat guest_matrix", "aplab guest show g1"};

    /** Every write into g1's CRYCB, in order, per host. */
    static void printCrycbWrites(List<Session> hosts) {
        for (Session k : hosts) {
            System.out.println("[" + k.host().version().release() + "]");
            k.host().guest("g1").kvm().updates().forEach(u -> System.out.println("  " + u));
        }
    }

    /**
     * Runs the STEPS on both hosts, each followed by aplab guest show g1; prints each command whose
     * output differs, then a count, and whether g1's CRYCB writes are the same on both.
     */
    static void compareReplays(Session a, Session b) {
        int commands = 0;
        int differing = 0;
        for (String step : STEPS) {
            for (String c : new String[] {step, "aplab guest show g1"}) {
                commands++;
                if (!out(a, c).equals(out(b, c))) {
                    differing++;
                    System.out.println("differs: " + c);
                }
            }
        }
        String ra = a.host().version().release();
        String rb = b.host().version().release();
        System.out.printf("%d commands, %d with different output on %s and %s; the same CRYCB writes: %s%n", commands,
                differing, ra, rb, a.host().guest("g1").kvm().updates().equals(b.host().guest("g1").kvm().updates()));
    }

    /**
     * Mdev with adapters 5, 6 and domain 4 and a running guest; then the steps of the cell "What
     * is plugged": for each, the guest's CRYCB afterwards and whether it was written.
     */
    static List<String> filteredShadow(Session s) {
        quietly(s, "aplab host --adapters 5,6,7 --domains 4,0x47",
                "echo -5,-6,-7,-8 > /sys/bus/ap/apmask",
                "echo " + U1 + " > " + CREATE, "cd " + MDEV,
                "echo 5 > assign_adapter", "echo 6 > assign_adapter", "echo 4 > assign_domain",
                "aplab guest start g1 --mdev " + U1);
        String[] steps = {"echo 06.0047 > /sys/bus/ap/drivers/vfio_ap/unbind", "echo 8 > assign_adapter",
            "echo 0x47 > assign_domain", "echo 0x47 > unassign_domain", "echo 7 > assign_adapter"};
        List<String> lines = new ArrayList<>();
        for (String step : steps) {
            int before = s.host().vfioAp().guestUpdates(s.host().vfioAp().mdev(U1));
            List<String> printed = s.execute(step);
            int after = s.host().vfioAp().guestUpdates(s.host().vfioAp().mdev(U1));
            lines.add(String.format("%-52s %s | pushed: %s%s", "# " + step,
                    String.join(" / ", s.execute("aplab guest show g1")).replace("control domains", "cdoms"),
                    after > before ? "yes" : "no", printed.isEmpty() ? "" : " | printed: " + printed));
        }
        return lines;
    }
}
