package aplab.vfioap;

import static aplab.Fixture.U1;
import static aplab.Fixture.U2;
import static aplab.Fixture.mdev;
import static org.assertj.core.api.Assertions.assertThat;

import aplab.Fixture;
import aplab.ap.ApConfigInfo;
import aplab.ap.ApMask;
import aplab.ap.Apqn;
import aplab.ap.CardType;
import aplab.host.Host;
import aplab.kernel.Errno;
import aplab.kvm.Kvm;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Filtering into the shadow APCB, hot plug/unplug, guests, resets, configuration changes. */
class FilterHotplugTest {
    private static Fixture withMatrix() {
        Fixture f = Fixture.standard();
        f.ok(mdev(U1, "assign_adapter"), "5", "6");
        f.ok(mdev(U1, "assign_domain"), "4", "0x47");
        return f;
    }

    private static Kvm start(Fixture f, String name, String... uuids) {
        return f.host.startGuest(name, List.of(uuids)).kvm();
    }

    @Test
    void anUnboundQueueDropsItsWholeAdapterAndOnlyTheAdapter() {
        Fixture f = withMatrix();
        assertThat(f.lines(mdev(U1, "guest_matrix"))).containsExactly("05.0004", "05.0047", "06.0004", "06.0047");
        f.ok("/sys/bus/ap/drivers/vfio_ap/unbind", "05.0047");
        assertThat(f.lines(mdev(U1, "guest_matrix"))).containsExactly("06.0004", "06.0047");
        assertThat(f.lines(mdev(U1, "matrix"))).hasSize(4);
        f.ok("/sys/bus/ap/drivers/vfio_ap/bind", "05.0047");
        assertThat(f.lines(mdev(U1, "guest_matrix"))).containsExactly("05.0004", "05.0047", "06.0004", "06.0047");
    }

    @Test
    void resourcesOutsideTheHostAreAssignedButNotInTheShadow() {
        Fixture f = withMatrix();
        f.ok("/sys/bus/ap/apmask", "-7");
        f.ok(mdev(U1, "assign_adapter"), "7");
        f.ok(mdev(U1, "assign_domain"), "0xab");
        f.ok(mdev(U1, "assign_control_domain"), "0x47", "0x99");
        assertThat(f.lines(mdev(U1, "matrix"))).hasSize(9);
        assertThat(f.lines(mdev(U1, "guest_matrix"))).containsExactly("05.0004", "05.0047", "06.0004", "06.0047");
        assertThat(f.host.vfioAp().mdev(U1).shadowApcb().adm().ids()).containsExactly(0x47);
    }

    @Test
    void pushesOnlyWhenTheShadowChanges() {
        Fixture f = Fixture.standard();
        Kvm kvm = start(f, "g1", U1);
        MatrixMdev m = f.host.vfioAp().mdev(U1);
        assertThat(f.host.vfioAp().guestUpdates(m)).isEqualTo(1);
        f.ok(mdev(U1, "assign_adapter"), "5");
        assertThat(f.host.vfioAp().guestUpdates(m)).isEqualTo(2);
        f.ok("/sys/bus/ap/apmask", "-9");
        f.ok(mdev(U1, "assign_adapter"), "9"); // not in the host: shadow unchanged
        f.ok(mdev(U1, "assign_adapter"), "5"); // duplicate
        assertThat(f.host.vfioAp().guestUpdates(m)).isEqualTo(2);
        f.ok(mdev(U1, "assign_domain"), "4");
        assertThat(f.host.vfioAp().guestUpdates(m)).isEqualTo(3);
        assertThat(kvm.updates()).hasSize(3);
        assertThat(kvm.apm().ids()).containsExactly(5);
        assertThat(kvm.aqm().ids()).containsExactly(4);
    }

    @Test
    void theGuestCrycbEqualsTheShadowWhileRunning() {
        Fixture f = withMatrix();
        Kvm kvm = start(f, "g1", U1);
        MatrixMdev m = f.host.vfioAp().mdev(U1);
        String[][] steps = {{"/sys/bus/ap/drivers/vfio_ap/unbind", "06.0004"}, {mdev(U1, "unassign_domain"), "4"},
            {mdev(U1, "assign_control_domain"), "4"}, {"/sys/bus/ap/drivers/vfio_ap/bind", "06.0004"},
            {mdev(U1, "unassign_adapter"), "5"}};
        for (String[] s : steps) {
            f.ok(s[0], s[1]);
            assertThat(kvm.apm()).as("after %s", s[1]).isEqualTo(m.shadowApcb().apm());
            assertThat(kvm.aqm()).isEqualTo(m.shadowApcb().aqm());
            assertThat(kvm.adm()).isEqualTo(m.shadowApcb().adm());
        }
    }

    @Test
    void unassignResetsOnlyTheQueuesTheGuestHad() {
        Fixture f = withMatrix();
        f.ok("/sys/bus/ap/drivers/vfio_ap/unbind", "06.0047");
        start(f, "g1", U1);
        int before = f.host.vfioAp().resetLog().size();
        f.ok(mdev(U1, "unassign_domain"), "4");
        assertThat(f.host.vfioAp().resetLog().subList(before, f.host.vfioAp().resetLog().size()))
                .containsExactly("reset 05.0004 rc=0x00");
    }

    @Test
    void oneMdevPerGuestAndOneGuestPerMdev() {
        Fixture f = withMatrix();
        f.ok(Fixture.CREATE, U2);
        try {
            f.host.startGuest("g1", List.of(U1, U2));
            throw new AssertionError("two mdevs for one guest were accepted");
        } catch (Host.GuestStartException e) {
            assertThat(e.kernelException().errno()).isEqualTo(Errno.EPERM);
        }
        assertThat(f.host.running("g1")).isFalse();
        assertThat(f.host.vfioAp().mdev(U1).kvm()).as("the first device was closed again").isNull();
        start(f, "g1", U1);
        try {
            f.host.startGuest("g2", List.of(U1));
            throw new AssertionError("an open device was opened again");
        } catch (Host.GuestStartException e) {
            assertThat(e.kernelException().errno()).isEqualTo(Errno.EBUSY);
        }
    }

    @Test
    void stopClearsTheCrycbAndKeepsTheShadow() {
        Fixture f = withMatrix();
        Kvm kvm = start(f, "g1", U1);
        f.host.stopGuest("g1");
        assertThat(kvm.apm().isEmpty() && kvm.aqm().isEmpty() && kvm.adm().isEmpty()).isTrue();
        assertThat(f.lines(mdev(U1, "guest_matrix"))).hasSize(4);
        assertThat(f.host.vfioAp().resetLog()).contains("reset 05.0004 rc=0x00", "reset 06.0047 rc=0x00");
    }

    @Test
    void hostConfigChangeUnplugsThenPlugsAtScanComplete() {
        Fixture f = withMatrix();
        f.ok(mdev(U1, "assign_control_domain"), "4");
        Kvm kvm = start(f, "g1", U1);
        f.host.configure(new ApConfigInfo(ApMask.of(5), ApMask.of(4, 0x47), ApMask.of(0x47), true, 255, 255), CardType.DEFAULT);
        assertThat(kvm.apm().ids()).containsExactly(5);
        assertThat(kvm.adm().isEmpty()).isTrue();
        assertThat(f.host.bus().queue(new Apqn(6, 4))).isNull();
        assertThat(f.lines(mdev(U1, "matrix"))).hasSize(4);
        f.host.configure(new ApConfigInfo(ApMask.of(5, 6), ApMask.of(4, 0x47), ApMask.of(4, 0x47), true, 255, 255), CardType.DEFAULT);
        assertThat(kvm.apm().ids()).containsExactly(5, 6);
        assertThat(kvm.adm().ids()).containsExactly(4);
    }

    @Test
    void apmaskVetoKeepsEverything() {
        Fixture f = withMatrix();
        start(f, "g1", U1);
        f.refused("/sys/bus/ap/apmask", "+5\n", Errno.EBUSY);
        f.refused("/sys/bus/ap/apmask", "0x" + "f".repeat(64) + "\n", Errno.EBUSY);
        f.refused("/sys/bus/ap/apmask", "+0-255\n", Errno.EBUSY);
    }

    @Test
    void bindAndUnbindErrno() {
        Fixture f = Fixture.standard();
        f.refused("/sys/bus/ap/drivers/cex4queue/unbind", "05.0004\n", Errno.ENODEV);
        f.refused("/sys/bus/ap/drivers/vfio_ap/bind", "05.0004\n", Errno.EBUSY);
        f.refused("/sys/bus/ap/drivers/vfio_ap/bind", "07.0004\n", Errno.ENODEV);
        f.ok("/sys/bus/ap/apmask", "+5");
        f.ok("/sys/bus/ap/drivers/cex4queue/unbind", "05.0004");
        f.refused("/sys/bus/ap/drivers/vfio_ap/bind", "05.0004\n", Errno.ENODEV);
        f.ok("/sys/bus/ap/drivers/cex4queue/bind", "05.0004");
        f.refused("/sys/bus/ap/drivers/vfio_ap/unbind", "junk\n", Errno.ENODEV);
    }

    @Test
    void wordFilterEqualsThePerApqnFilterOnRandomConfigurations() {
        long seed = 20221118L;
        Random rnd = new Random(seed);
        for (int round = 0; round < 300; round++) {
            Fixture f = new Fixture().host(randomMask(rnd, 8), randomMask(rnd, 8));
            f.ok("/sys/bus/ap/apmask", "-0-7");
            f.ok(Fixture.CREATE, U1);
            for (int i = 0; i < 12; i++) {
                int id = rnd.nextInt(8);
                switch (rnd.nextInt(4)) {
                    case 0 -> f.echo(mdev(U1, "assign_adapter"), String.valueOf(id));
                    case 1 -> f.echo(mdev(U1, "assign_domain"), String.valueOf(id));
                    case 2 -> f.echo("/sys/bus/ap/drivers/vfio_ap/unbind", String.format("%02x.%04x", id, rnd.nextInt(8)));
                    default -> f.echo("/sys/bus/ap/drivers/vfio_ap/bind", String.format("%02x.%04x", id, rnd.nextInt(8)));
                }
            }
            MatrixMdev m = f.host.vfioAp().mdev(U1);
            VfioApOps ops = f.host.vfioAp();
            ApMask a = new ApMask();
            ApMask b = new ApMask();
            ops.filterMatrix(m, a);
            ApMatrix s1 = m.shadowApcb();
            boolean c2 = ops.filterMatrixPerApqn(m, b);
            ApMatrix s2 = m.shadowApcb();
            assertThat(s2.apm()).as("seed %d round %d", seed, round).isEqualTo(s1.apm());
            assertThat(s2.aqm()).isEqualTo(s1.aqm());
            assertThat(c2).as("the per-APQN filter finds nothing to change after the word filter").isFalse();
            assertThat(b.isEmpty()).isTrue();
        }
    }

    private static ApMask randomMask(Random rnd, int n) {
        ApMask m = new ApMask();
        for (int i = 0; i < n; i++) {
            if (rnd.nextBoolean()) {
                m.set(i);
            }
        }
        return m;
    }
}
