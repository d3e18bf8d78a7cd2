package aplab.host;

import static aplab.Fixture.U1;
import static aplab.Fixture.U2;
import static aplab.Fixture.mdev;
import static org.assertj.core.api.Assertions.assertThat;

import aplab.Fixture;
import aplab.ap.ApMask;
import java.util.List;
import org.junit.jupiter.api.Test;

class HostStateTest {
    @Test
    void readingChangesNothing() {
        Fixture f = Fixture.withMatrix();
        f.start("g1", U1);
        String first = HostState.withCounters(f.host);
        int edges = f.host.lockdep().edges().size();
        int updates = f.host.guest("g1").kvm().updates().size();
        int resets = f.host.vfioAp().resetLog().size();
        assertThat(HostState.withCounters(f.host)).isEqualTo(first);
        assertThat(HostState.of(f.host)).isNotEmpty();
        assertThat(f.host.lockdep().edges()).as("no new lock dependency").hasSize(edges);
        assertThat(f.host.guest("g1").kvm().updates()).hasSize(updates);
        assertThat(f.host.vfioAp().resetLog()).hasSize(resets);
    }

    @Test
    void rendersEveryPartOfTheState() {
        Fixture f = Fixture.withMatrix();
        f.ok(mdev(U1, "assign_control_domain"), "4");
        f.ok(Fixture.VFIO_UNBIND, "06.0047");
        f.start("g1", U1);
        String s = HostState.withCounters(f.host);
        assertThat(s).contains("kernel mainline\n")
                .contains("qci apm=0x06" + "0".repeat(62) + " aqm=")
                .contains(" apxa=1 na=255 nd=255\n")
                .contains("vfio_ap info apm=0x06")
                .contains("apmask 0xf9" + "f".repeat(62) + "\n")
                .contains("aqmask 0x" + "f".repeat(64) + "\n")
                .contains("ap_bus ap_domain=4 config_time=30 poll_thread=0 poll_timeout=250000\n")
                .contains("card card05 type=CEX8C config=1 online=1\n")
                .contains("queue 05.0004 driver=vfio_ap dev_state=uninitiated config=1 sm_state=idle irq=0 reset_rc=0x00 resets=0 link=" + U1 + "\n")
                .contains("queue 05.0047 driver=vfio_ap dev_state=uninitiated config=1 sm_state=idle irq=0 reset_rc=0x00")
                .contains("queue 06.0047 driver=none dev_state=uninitiated config=1 sm_state=idle irq=0\n")
                .contains("mdev " + U1 + " matrix apm=05,06 aqm=0004,0047 adm=0004 max=255/255/255\n")
                .contains("mdev " + U1 + " shadow apm=05 aqm=0004,0047 adm=0004")
                .contains("mdev " + U1 + " kvm=g1 pushes=1\n")
                .contains("mdev " + U1 + " qtable=05.0004,05.0047,06.0004\n")
                .contains("available_instances 65535\n")
                .contains("guest g1 running=1 mdevs=" + U1 + " crycb apm=05 aqm=0004,0047 adm=0004 updates=1\n");
        assertThat(HostState.of(f.host)).doesNotContain("resets=").doesNotContain("pushes=")
                .doesNotContain("updates=").contains("link=" + U1);
    }

    @Test
    void theSameStateReachedInADifferentOrderRendersTheSame() {
        Fixture a = new Fixture().host(ApMask.of(5, 6), ApMask.of(4, 0x47));
        a.ok(Fixture.APMASK, "-5,-6");
        a.ok(Fixture.CREATE, U1, U2);
        a.ok(mdev(U1, "assign_adapter"), "5");
        a.ok(mdev(U1, "assign_domain"), "4");
        a.ok(mdev(U2, "assign_adapter"), "6");
        a.start("g1", U1);
        a.start("g2", U2);

        Fixture b = new Fixture().host(ApMask.of(5, 6), ApMask.of(4, 0x47));
        b.ok(Fixture.APMASK, "-6");
        b.ok(Fixture.APMASK, "-5");
        b.ok(Fixture.CREATE, U2, U1);
        b.ok(mdev(U2, "assign_adapter"), "6");
        b.ok(mdev(U1, "assign_domain"), "4");
        b.ok(mdev(U1, "assign_adapter"), "5");
        b.start("g2", U2);
        b.start("g1", U1);
        assertThat(HostState.of(b.host)).isEqualTo(HostState.of(a.host));
        // a different state renders differently
        b.ok(mdev(U2, "assign_domain"), "0x47");
        assertThat(HostState.of(b.host)).isNotEqualTo(HostState.of(a.host));
    }

    @Test
    void countersDistinguishAResetFromNothing() {
        Fixture f = Fixture.withMatrix();
        f.start("g1", U1);
        String canonical = HostState.of(f.host);
        String full = HostState.withCounters(f.host);
        f.host.stopGuest("g1");
        f.start("g1", U1);
        // same state again (the resets ended normally, the CRYCB is the same), more events
        assertThat(HostState.of(f.host)).isEqualTo(canonical);
        assertThat(HostState.withCounters(f.host)).isNotEqualTo(full);
    }

    @Test
    void linesAreSortedWithinTheirSections() {
        Fixture f = Fixture.withMatrix();
        f.ok(Fixture.CREATE, U2);
        List<String> lines = List.of(HostState.withCounters(f.host).split("\n"));
        List<String> queues = lines.stream().filter(l -> l.startsWith("queue ")).toList();
        assertThat(queues).isSorted().hasSize(4);
        List<String> mdevs = lines.stream().filter(l -> l.startsWith("mdev ")).map(l -> l.substring(5, 41)).toList();
        assertThat(mdevs).isSorted();
    }
}
