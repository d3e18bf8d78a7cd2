package aplab.check;

import static org.assertj.core.api.Assertions.assertThat;

import aplab.ap.ApConfigInfo;
import aplab.ap.ApMask;
import aplab.ap.CardType;
import aplab.host.Host;
import aplab.host.HostState;
import aplab.kernel.Errno;
import aplab.kernel.Kernel;
import aplab.kernel.PlantedBug;
import aplab.sysfs.Sysfs;
import aplab.sysfs.SysfsException;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The invariants hold on the correct model, and each planted defect breaks the one it should. */
class InvariantsTest {
    static final String U1 = "11111111-1111-1111-1111-111111111111";
    static final String U2 = "22222222-2222-2222-2222-222222222222";

    /** A host with adapters 5,6 and domains 4,0x47 given to vfio_ap and mdevs U1, U2. */
    static final class H {
        final Host host;
        final Sysfs sysfs;

        H(Kernel v, PlantedBug... planted) {
            host = new Host(v, planted.length == 0 ? Set.of() : Set.of(planted));
            sysfs = new Sysfs(host);
            host.configure(new ApConfigInfo(ApMask.of(5, 6), ApMask.of(4, 0x47), ApMask.of(4, 0x47), true, 255, 255),
                    CardType.DEFAULT);
            ok(HostOp.APMASK, "-5,-6");
            ok(HostOp.CREATE, U1);
            ok(HostOp.CREATE, U2);
        }

        H ok(String path, String value) {
            sysfs.write(path, value + "\n");
            return this;
        }

        H mdev(String uuid, String attr, String... values) {
            for (String v : values) {
                ok(HostOp.mdev(uuid, attr), v);
            }
            return this;
        }

        Errno refused(String path, String value) {
            try {
                sysfs.write(path, value + "\n");
                return null;
            } catch (SysfsException e) {
                return e.errno();
            }
        }

        List<String> names() {
            return Invariants.check(host).stream().map(Invariants.Violation::invariant).distinct().toList();
        }
    }

    @Test
    void holdThroughAnOrdinaryLife() {
        H h = new H(Kernel.MAINLINE);
        assertThat(Invariants.check(h.host)).isEmpty();
        h.mdev(U1, "assign_adapter", "5", "6").mdev(U1, "assign_domain", "4", "0x47").mdev(U1, "assign_control_domain", "4");
        h.host.startGuest("g1", List.of(U1));
        assertThat(Invariants.check(h.host)).isEmpty();
        h.ok(HostOp.driver("vfio_ap", "unbind"), "05.0047");
        assertThat(Invariants.check(h.host)).isEmpty();
        h.ok(HostOp.driver("vfio_ap", "bind"), "05.0047");
        h.ok(HostOp.card(6), "0");
        h.host.configure(new ApConfigInfo(ApMask.of(5), ApMask.of(4, 0x47), ApMask.of(4), true, 255, 255), CardType.DEFAULT);
        assertThat(Invariants.check(h.host)).isEmpty();
        h.host.configure(new ApConfigInfo(ApMask.of(5, 6), ApMask.of(4, 0x47), ApMask.of(4, 0x47), true, 255, 255),
                CardType.DEFAULT);
        assertThat(h.refused(HostOp.APMASK, "+5")).isEqualTo(Errno.EBUSY);
        h.host.stopGuest("g1");
        h.ok(HostOp.mdev(U1, "remove"), "1");
        assertThat(Invariants.check(h.host)).isEmpty();
    }

    @Test
    void afterUnassigningADomainTheShadowLagsBehindAFreshFilteringUntilTheNextOne() {
        H h = new H(Kernel.MAINLINE);
        h.mdev(U1, "assign_adapter", "5", "6").mdev(U1, "assign_domain", "4", "0x47");
        h.ok(HostOp.driver("vfio_ap", "unbind"), "05.0047"); // adapter 5 leaves the shadow
        h.mdev(U1, "unassign_domain", "0x47");
        // 05.0004 is bound and linked: a filtering from scratch would keep adapter 5 now
        assertThat(h.sysfs.read(HostOp.mdev(U1, "guest_matrix"))).isEqualTo("06.0004\n");
        assertThat(Invariants.check(h.host)).isEmpty();
        assertThat(Invariants.checkFilteredExactly(h.host, U1)).extracting(Invariants.Violation::detail)
                .anyMatch(d -> d.contains("lacks adapter(s) 05"));
        // the next filtering (any assignment that changes the matrix) brings it back
        h.mdev(U1, "assign_control_domain", "4");
        assertThat(Invariants.checkFilteredExactly(h.host, U1)).isNotEmpty();
        h.mdev(U2, "assign_adapter", "5"); // another mdev: U1 is not filtered
        assertThat(Invariants.checkFilteredExactly(h.host, U1)).isNotEmpty();
        h.mdev(U2, "unassign_adapter", "5");
        h.mdev(U1, "assign_domain", "0xab");
        assertThat(Invariants.checkFilteredExactly(h.host, U1)).isEmpty();
        assertThat(h.sysfs.read(HostOp.mdev(U1, "guest_matrix"))).isEqualTo("05.0004\n06.0004\n");
    }

    @Test
    void aRemovedHostDomainLeavesTheSameLag() {
        H h = new H(Kernel.MAINLINE);
        h.mdev(U1, "assign_adapter", "5", "6").mdev(U1, "assign_domain", "4", "0x47");
        h.ok(HostOp.driver("vfio_ap", "unbind"), "06.0047");
        h.host.configure(new ApConfigInfo(ApMask.of(5, 6), ApMask.of(4), ApMask.of(4), true, 255, 255), CardType.DEFAULT);
        assertThat(h.sysfs.read(HostOp.mdev(U1, "guest_matrix"))).isEqualTo("05.0004\n");
        assertThat(Invariants.check(h.host)).isEmpty();
        assertThat(Invariants.checkFilteredExactly(h.host, U1)).isNotEmpty();
    }

    @Test
    void sharingIsCaughtWhenTheCheckIsSkipped() {
        H h = new H(Kernel.MAINLINE, PlantedBug.SKIP_SHARING_CHECK);
        h.mdev(U1, "assign_adapter", "5").mdev(U1, "assign_domain", "4");
        h.mdev(U2, "assign_adapter", "5").mdev(U2, "assign_domain", "4");
        assertThat(h.names()).contains("no-sharing");
        H good = new H(Kernel.MAINLINE);
        good.mdev(U1, "assign_adapter", "5").mdev(U1, "assign_domain", "4").mdev(U2, "assign_adapter", "5");
        assertThat(good.refused(HostOp.mdev(U2, "assign_domain"), "4")).isEqualTo(Errno.EADDRINUSE);
        assertThat(good.names()).isEmpty();
    }

    @Test
    void aStaleCrycbIsCaughtWhenHotPlugIsSkipped() {
        H h = new H(Kernel.MAINLINE, PlantedBug.SKIP_HOTPLUG_ON_ASSIGN);
        h.host.startGuest("g1", List.of(U1));
        h.mdev(U1, "assign_adapter", "5").mdev(U1, "assign_domain", "4");
        assertThat(h.names()).containsExactly("guest-matrix-is-crycb");
    }

    @Test
    void anUnboundQueueInTheGuestIsCaughtWhenUnplugIsSkipped() {
        H h = new H(Kernel.MAINLINE, PlantedBug.SKIP_UNPLUG_ON_REMOVE);
        h.mdev(U1, "assign_adapter", "5").mdev(U1, "assign_domain", "4");
        h.host.startGuest("g1", List.of(U1));
        h.ok(HostOp.driver("vfio_ap", "unbind"), "05.0004");
        assertThat(h.names()).contains("crycb-in-host-and-bound", "shadow-filtering");
    }

    @Test
    void linux60LetsAnUnboundQueueIntoTheGuest() {
        // CVE-2024-26620: the 6.0 filter examines only the newly assigned adapter
        H h = new H(Kernel.V6_0);
        h.mdev(U1, "assign_adapter", "5").mdev(U1, "assign_domain", "4");
        h.host.startGuest("g1", List.of(U1));
        h.ok(HostOp.driver("vfio_ap", "unbind"), "05.0047");
        h.mdev(U1, "assign_domain", "0x47");
        assertThat(h.names()).isEmpty();
        h.mdev(U1, "assign_adapter", "6");
        assertThat(h.names()).contains("crycb-in-host-and-bound");
        assertThat(Invariants.check(h.host).toString()).contains("05.0047");
    }

    @Test
    void aRefusedWriteIsCheckedAgainstTheStateBeforeItsOwnStore() {
        H h = new H(Kernel.MAINLINE);
        h.mdev(U1, "assign_adapter", "5");
        Invariants.WriteResult r = Invariants.checkedWrite(h.host, h.sysfs, HostOp.mdev(U2, "assign_adapter"), "-5");
        assertThat(r.errno()).isEqualTo(Errno.EINVAL);
        assertThat(r.violation()).isNull();
        // two pages: the first ("6" and NULs: C reads "6") is stored, the second is refused
        String twoPages = "6" + "\0".repeat(Sysfs.PAGE_SIZE - 1) + "junk";
        String before = HostState.of(h.host);
        r = Invariants.checkedWrite(h.host, h.sysfs, HostOp.mdev(U1, "assign_adapter"), twoPages);
        assertThat(r.errno()).isEqualTo(Errno.EINVAL);
        assertThat(r.violation()).isNull();
        assertThat(HostState.of(h.host)).isNotEqualTo(before);
        assertThat(h.sysfs.read(HostOp.mdev(U1, "matrix"))).isEqualTo("05.\n06.\n");
    }

    @Test
    void diffShowsWhatChanged() {
        assertThat(Invariants.diff("a\nb\n", "a\nc\n")).isEqualTo("    - b\n    + c\n");
        assertThat(Invariants.printable("5\n\0é")).isEqualTo("\"5\\n\\u0000\\u00e9\"");
    }
}
