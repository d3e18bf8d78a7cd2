package aplab.explore;

import aplab.ap.ApMask;
import aplab.check.HostOp;
import aplab.host.Host;
import aplab.kernel.Kernel;
import aplab.kernel.PlantedBug;
import aplab.sysfs.Sysfs;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The small scope the explorer enumerates: 2 adapters (05, 06) x 2 domains (0004, 0047), 2 mdevs,
 * 1 guest. The start state is a host with that configuration, adapters 5 and 6 given to vfio_ap
 * ({@code apmask -5,-6}) and both mdevs created, nothing assigned. The alphabet is every operation
 * that changes something in that scope:
 *
 * <ul>
 * <li>per mdev: assign/unassign adapter 5 and 6, domain 4 and 0x47, control domain 4; write
 *     {@code ap_config} with everything (5,6 x 4,0x47, control domain 4 and 0x47) or nothing;</li>
 * <li>create and remove each mdev;</li>
 * <li>start guest g1 with either mdev, stop it;</li>
 * <li>unbind and bind 05.0004 and 06.0047 from/to vfio_ap;</li>
 * <li>apmask +5 / -5, aqmask +4 / -4;</li>
 * <li>card 05 configured off and on;</li>
 * <li>host configuration changes: back to the full configuration, adapter 6 removed, domain 0x47
 *     (usage and control) removed.</li>
 * </ul>
 */
public final class Space {
    public static final String U1 = "11111111-1111-1111-1111-111111111111";
    public static final String U2 = "22222222-2222-2222-2222-222222222222";
    public static final String GUEST = "g1";

    private Space() {
    }

    /** The operations that build the start state from a fresh host. */
    public static List<HostOp> setup() {
        return List.of(
                new HostOp.Configure(ApMask.of(5, 6), ApMask.of(4, 0x47), ApMask.of(4, 0x47)),
                new HostOp.Write(HostOp.APMASK, "-5,-6"),
                new HostOp.Write(HostOp.CREATE, U1),
                new HostOp.Write(HostOp.CREATE, U2));
    }

    /** The alphabet, in a fixed order (counterexamples and replays refer to operations by index). */
    public static List<HostOp> alphabet() {
        List<HostOp> ops = new ArrayList<>();
        String all = "0x06,0x080000000000000001,0x080000000000000001";
        for (String u : List.of(U1, U2)) {
            for (String id : List.of("5", "6")) {
                ops.add(new HostOp.Write(HostOp.mdev(u, "assign_adapter"), id));
                ops.add(new HostOp.Write(HostOp.mdev(u, "unassign_adapter"), id));
            }
            for (String id : List.of("4", "0x47")) {
                ops.add(new HostOp.Write(HostOp.mdev(u, "assign_domain"), id));
                ops.add(new HostOp.Write(HostOp.mdev(u, "unassign_domain"), id));
            }
            ops.add(new HostOp.Write(HostOp.mdev(u, "assign_control_domain"), "4"));
            ops.add(new HostOp.Write(HostOp.mdev(u, "unassign_control_domain"), "4"));
            ops.add(new HostOp.Write(HostOp.mdev(u, "ap_config"), all));
            ops.add(new HostOp.Write(HostOp.mdev(u, "ap_config"), "0x0,0x0,0x0"));
        }
        for (String u : List.of(U1, U2)) {
            ops.add(new HostOp.Write(HostOp.CREATE, u));
            ops.add(new HostOp.Write(HostOp.mdev(u, "remove"), "1"));
        }
        ops.add(new HostOp.StartGuest(GUEST, U1));
        ops.add(new HostOp.StartGuest(GUEST, U2));
        ops.add(new HostOp.StopGuest(GUEST));
        for (String q : List.of("05.0004", "06.0047")) {
            ops.add(new HostOp.Write(HostOp.driver("vfio_ap", "unbind"), q));
            ops.add(new HostOp.Write(HostOp.driver("vfio_ap", "bind"), q));
        }
        ops.add(new HostOp.Write(HostOp.APMASK, "+5"));
        ops.add(new HostOp.Write(HostOp.APMASK, "-5"));
        ops.add(new HostOp.Write(HostOp.AQMASK, "+4"));
        ops.add(new HostOp.Write(HostOp.AQMASK, "-4"));
        ops.add(new HostOp.Write(HostOp.card(5), "0"));
        ops.add(new HostOp.Write(HostOp.card(5), "1"));
        ops.add(new HostOp.Configure(ApMask.of(5, 6), ApMask.of(4, 0x47), ApMask.of(4, 0x47)));
        ops.add(new HostOp.Configure(ApMask.of(5), ApMask.of(4, 0x47), ApMask.of(4, 0x47)));
        ops.add(new HostOp.Configure(ApMask.of(5, 6), ApMask.of(4), ApMask.of(4)));
        return List.copyOf(ops);
    }

    /** A host in the start state. */
    public static Host start(Kernel version, Set<PlantedBug> planted) {
        Host host = new Host(version, planted);
        Sysfs sysfs = new Sysfs(host);
        for (HostOp op : setup()) {
            String r = op.apply(host, sysfs);
            if (!r.equals("ok")) {
                throw new IllegalStateException("explore setup: " + op.command() + ": " + r);
            }
        }
        return host;
    }

    /** Whether a successful {@code op} ends with the driver filtering its mdev's whole matrix. */
    static String filteredMdev(HostOp op) {
        if (op instanceof HostOp.Write w && (w.path().endsWith("/assign_adapter") || w.path().endsWith("/assign_domain")
                || w.path().endsWith("/ap_config"))) {
            String p = w.path();
            String dir = p.substring(0, p.lastIndexOf('/'));
            return dir.substring(dir.lastIndexOf('/') + 1);
        }
        return null;
    }
}
