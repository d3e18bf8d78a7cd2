package aplab.vfioap;

import static aplab.Fixture.U1;
import static aplab.Fixture.U2;
import static aplab.Fixture.VFIO_UNBIND;
import static aplab.Fixture.mdev;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import aplab.Fixture;
import aplab.host.Host;
import aplab.host.HostState;
import aplab.kernel.Errno;
import aplab.kernel.Kernel;
import aplab.kvm.Kvm;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Guests: open_device -> set_kvm and close_device -> unset_kvm. */
class GuestTest {
    @Test
    void startPushesTheShadowIntoTheCrycb() {
        Fixture f = Fixture.withMatrix();
        f.ok(mdev(U1, "assign_control_domain"), "0x47");
        Kvm kvm = f.start("g1", U1);
        assertThat(f.host.running("g1")).isTrue();
        assertThat(f.m(U1).kvm()).isSameAs(kvm);
        assertThat(kvm.updates()).hasSize(1);
        assertThat(kvm.apm().ids()).containsExactly(5, 6);
        assertThat(kvm.aqm().ids()).containsExactly(4, 0x47);
        assertThat(kvm.adm().ids()).containsExactly(0x47);
        f.assertCrycbIsShadow(kvm, U1, "after start");
    }

    @Test
    void startDoesNotFilterAgain() {
        // set_kvm pushes the shadow as it is; an adapter left out by an earlier unassign_domain
        // (which does not filter) stays out
        Fixture f = Fixture.withMatrix();
        f.ok(VFIO_UNBIND, "06.0047");
        f.ok(mdev(U1, "unassign_domain"), "0x47");
        assertThat(f.guestMatrix(U1)).containsExactly("05.0004");
        Kvm kvm = f.start("g1", U1);
        assertThat(kvm.apm().ids()).containsExactly(5);
        f.assertCrycbIsShadow(kvm, U1, "after start");
    }

    @Test
    void aSecondMdevForTheSameGuestIsEpermAndTheGuestDoesNotRun() {
        Fixture f = Fixture.withMatrix();
        f.ok(Fixture.CREATE, U2);
        String before = HostState.of(f.host);
        Host.GuestStartException e = catchThrowableOfType(Host.GuestStartException.class,
                () -> f.host.startGuest("g1", List.of(U1, U2)));
        assertThat(e).as("two vfio-ap devices for one guest").isNotNull();
        assertThat(e.kernelException().errno()).isEqualTo(Errno.EPERM);
        assertThat(e.uuid()).isEqualTo(U2);
        assertThat(f.host.running("g1")).isFalse();
        assertThat(f.m(U1).kvm()).as("QEMU closed the first device again").isNull();
        assertThat(f.m(U2).kvm()).isNull();
        // nothing left behind (the first device's queues were reset on close: counters only)
        assertThat(HostState.of(f.host)).isEqualTo(before);
        // the devices can be used afterwards
        Kvm kvm = f.start("g1", U1);
        assertThat(kvm.apm().ids()).containsExactly(5, 6);
    }

    @Test
    void anOpenMdevIsEbusyForAnotherGuest() {
        Fixture f = Fixture.withMatrix();
        Kvm kvm = f.start("g1", U1);
        String before = f.state();
        Host.GuestStartException e = catchThrowableOfType(Host.GuestStartException.class,
                () -> f.host.startGuest("g2", List.of(U1)));
        assertThat(e).isNotNull();
        assertThat(e.kernelException().errno()).isEqualTo(Errno.EBUSY);
        assertThat(f.host.running("g2")).isFalse();
        assertThat(f.m(U1).kvm()).isSameAs(kvm);
        assertThat(f.state()).as("g1 untouched, no reset, no push").isEqualTo(before);
    }

    @Test
    void twoGuestsWithTwoMdevs() {
        Fixture f = Fixture.standard();
        f.ok(Fixture.CREATE, U2);
        f.ok(mdev(U1, "assign_adapter"), "5");
        f.ok(mdev(U1, "assign_domain"), "4");
        f.ok(mdev(U2, "assign_adapter"), "5");
        f.ok(mdev(U2, "assign_domain"), "0x47");
        Kvm g1 = f.start("g1", U1);
        Kvm g2 = f.start("g2", U2);
        assertThat(f.guestMatrix(U1)).containsExactly("05.0004");
        assertThat(f.guestMatrix(U2)).containsExactly("05.0047");
        // a change to U2 touches g2 only
        int g1Updates = g1.updates().size();
        f.ok(mdev(U2, "assign_adapter"), "6");
        assertThat(g1.updates()).hasSize(g1Updates);
        assertThat(g2.apm().ids()).containsExactly(5, 6);
        f.assertCrycbIsShadow(g1, U1, "g1");
        f.assertCrycbIsShadow(g2, U2, "g2");
    }

    @Test
    void stopClearsTheCrycbResetsTheQueuesAndKeepsGuestMatrix() {
        Fixture f = Fixture.withMatrix();
        f.ok(mdev(U1, "assign_control_domain"), "4");
        Kvm kvm = f.start("g1", U1);
        int resets = f.host.vfioAp().resetLog().size();
        f.host.stopGuest("g1");
        assertThat(f.host.running("g1")).isFalse();
        assertThat(kvm.apm().isEmpty() && kvm.aqm().isEmpty() && kvm.adm().isEmpty()).isTrue();
        assertThat(kvm.updates().get(kvm.updates().size() - 1)).isEqualTo("clear_masks");
        assertThat(f.m(U1).kvm()).isNull();
        assertThat(f.guestMatrix(U1)).containsExactly("05.0004", "05.0047", "06.0004", "06.0047");
        assertThat(f.m(U1).shadowApcb().adm().ids()).containsExactly(4);
        // every linked queue is reset
        assertThat(f.host.vfioAp().resetLog().subList(resets, f.host.vfioAp().resetLog().size()))
                .containsExactlyInAnyOrder("reset 05.0004 rc=0x00", "reset 05.0047 rc=0x00",
                        "reset 06.0004 rc=0x00", "reset 06.0047 rc=0x00");
        // a stopped guest gets nothing more
        int updates = kvm.updates().size();
        f.ok(mdev(U1, "unassign_adapter"), "5");
        assertThat(kvm.updates()).hasSize(updates);
        // and a restart gets the shadow as it is now
        Kvm again = f.start("g1", U1);
        assertThat(again.apm().ids()).containsExactly(6);
        assertThat(again.adm().ids()).containsExactly(4);
    }

    @Test
    void removingAnMdevInUseTakesItFromTheGuest() {
        Fixture f = Fixture.withMatrix();
        Kvm kvm = f.start("g1", U1);
        f.ok(mdev(U1, "remove"), "1");
        assertThat(f.sysfs.exists(Fixture.MATRIX + "/" + U1)).isFalse();
        assertThat(kvm.apm().isEmpty() && kvm.aqm().isEmpty()).as("the guest lost its crypto").isTrue();
        // the APQNs are free again
        f.ok(Fixture.APMASK, "+5,+6");
    }

    @Test
    void theQueueStatusAttribute() {
        // status_show: "in use" only if the mdev has a guest and the APQN is in its shadow
        // ("fix sysfs status attribute for AP queue devices", 2023); 6.0: whenever it has a guest
        for (Kernel v : List.of(Kernel.MAINLINE, Kernel.V6_0)) {
            Fixture f = Fixture.standard(v);
            f.ok(mdev(U1, "assign_adapter"), "5", "6");
            f.ok(mdev(U1, "assign_domain"), "4");
            f.ok(VFIO_UNBIND, "06.0004");
            f.ok(Fixture.VFIO_BIND, "06.0004");
            f.ok(VFIO_UNBIND, "05.0047"); // adapter 5 has no 0x47 assigned: nothing filtered
            String s504 = "/sys/bus/ap/devices/05.0004/status";
            assertThat(f.cat(s504)).as(v.release()).isEqualTo("assigned\n");
            assertThat(f.cat("/sys/bus/ap/devices/06.0047/status")).isEqualTo("unassigned\n");
            // the group exists only while the queue is bound to vfio_ap
            assertThat(f.readErrno("/sys/bus/ap/devices/05.0047/status")).isEqualTo(Errno.ENOENT);
            f.start("g1", U1);
            assertThat(f.cat(s504)).isEqualTo("in use\n");
            // 0x47 assigned: 05.0047 is unbound, adapter 5 leaves the shadow (mainline) but its queues stay assigned
            f.ok(mdev(U1, "assign_domain"), "0x47");
            String expected = v == Kernel.MAINLINE ? "assigned\n" : "in use\n";
            assertThat(f.cat(s504)).as(v.release()).isEqualTo(expected);
            assertThat(f.cat("/sys/bus/ap/devices/06.0047/status")).isEqualTo("in use\n");
            f.host.stopGuest("g1");
            assertThat(f.cat(s504)).isEqualTo("assigned\n");
        }
    }
}
