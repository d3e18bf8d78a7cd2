package aplab.vfioap;

import static aplab.Fixture.APMASK;
import static aplab.Fixture.U1;
import static aplab.Fixture.VFIO_BIND;
import static aplab.Fixture.VFIO_UNBIND;
import static aplab.Fixture.mdev;
import static org.assertj.core.api.Assertions.assertThat;

import aplab.Fixture;
import aplab.kvm.Kvm;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Hot plug and unplug into a running guest: every change of the shadow APCB is pushed once
 * (vfio_ap_mdev_update_guest_apcb -> kvm_arch_crypto_set_masks), nothing else is pushed, and the
 * guest's CRYCB is the shadow.
 */
class HotplugTest {
    /** Pushes since {@code before}: the CRYCB updates KVM saw and the driver's count must agree. */
    private static int pushes(Fixture f, Kvm kvm, int before) {
        int n = kvm.updates().size() - before;
        return n;
    }

    @Test
    void eachAssignThatChangesTheShadowPushesExactlyOnce() {
        Fixture f = Fixture.standard();
        Kvm kvm = f.start("g1", U1);
        MatrixMdev m = f.m(U1);
        // set_kvm pushes the (empty) shadow once
        assertThat(f.host.vfioAp().guestUpdates(m)).isEqualTo(1);
        assertThat(kvm.updates()).hasSize(1);
        String[][] steps = {
            // {attribute, value, pushes expected}
            {"assign_adapter", "5", "1"},         // shadow apm {} -> {5} (no domain: nothing to examine)
            {"assign_adapter", "5", "0"},         // duplicate: no-op
            {"assign_adapter", "9", "0"},         // not in the host: AND-ed away, shadow unchanged
            {"assign_domain", "4", "1"},          // aqm {} -> {4}
            {"assign_domain", "0xab", "0"},       // not in the host
            {"assign_control_domain", "4", "1"},  // filter_cdoms: adm {} -> {4}
            {"assign_control_domain", "0x99", "0"}, // not a host control domain
            {"assign_adapter", "6", "1"},         // 06.0004 bound and linked: plugged
            {"assign_domain", "0x47", "1"},       // all four APQNs bound: plugged
        };
        f.ok(APMASK, "-9");
        for (String[] s : steps) {
            int before = kvm.updates().size();
            int driverBefore = f.host.vfioAp().guestUpdates(m);
            f.ok(mdev(U1, s[0]), s[1]);
            int expected = Integer.parseInt(s[2]);
            assertThat(pushes(f, kvm, before)).as("CRYCB updates after echo %s > %s", s[1], s[0]).isEqualTo(expected);
            assertThat(f.host.vfioAp().guestUpdates(m) - driverBefore).as("driver pushes after %s %s", s[0], s[1])
                    .isEqualTo(expected);
            f.assertCrycbIsShadow(kvm, U1, "after echo " + s[1] + " > " + s[0]);
        }
        assertThat(kvm.apm().ids()).containsExactly(5, 6);
        assertThat(kvm.aqm().ids()).containsExactly(4, 0x47);
        assertThat(kvm.adm().ids()).containsExactly(4);
    }

    @Test
    void anAssignWhoseQueueIsUnboundPushesNothingAndTheProbePlugsIt() {
        Fixture f = Fixture.standard();
        f.ok(mdev(U1, "assign_adapter"), "5");
        f.ok(mdev(U1, "assign_domain"), "4", "0x47");
        f.ok(VFIO_UNBIND, "06.0047");
        Kvm kvm = f.start("g1", U1);
        int before = kvm.updates().size();
        f.ok(mdev(U1, "assign_adapter"), "6"); // over-provisioned: 06.0047 is not bound
        assertThat(pushes(f, kvm, before)).isZero();
        assertThat(kvm.apm().ids()).containsExactly(5);
        // the queue binds: vfio_ap_mdev_probe_queue links it, filters, pushes
        f.ok(VFIO_BIND, "06.0047");
        assertThat(pushes(f, kvm, before)).isEqualTo(1);
        assertThat(kvm.apm().ids()).containsExactly(5, 6);
        f.assertCrycbIsShadow(kvm, U1, "after the probe");
    }

    @Test
    void unassignUnplugsAndPushesOnce() {
        Fixture f = Fixture.withMatrix();
        f.ok(mdev(U1, "assign_control_domain"), "4");
        Kvm kvm = f.start("g1", U1);
        int before = kvm.updates().size();
        f.ok(mdev(U1, "unassign_adapter"), "5");
        assertThat(pushes(f, kvm, before)).isEqualTo(1);
        assertThat(kvm.apm().ids()).containsExactly(6);
        f.ok(mdev(U1, "unassign_domain"), "0x47");
        assertThat(pushes(f, kvm, before)).isEqualTo(2);
        assertThat(kvm.aqm().ids()).containsExactly(4);
        f.ok(mdev(U1, "unassign_control_domain"), "4");
        assertThat(pushes(f, kvm, before)).isEqualTo(3);
        assertThat(kvm.adm().isEmpty()).isTrue();
        f.assertCrycbIsShadow(kvm, U1, "after the unassigns");
    }

    @Test
    void unassigningAnAdapterTheGuestDoesNotHavePushesNothing() {
        Fixture f = Fixture.withMatrix();
        f.ok(VFIO_UNBIND, "05.0047"); // adapter 5 filtered out
        Kvm kvm = f.start("g1", U1);
        assertThat(kvm.apm().ids()).containsExactly(6);
        int before = kvm.updates().size();
        int resets = f.host.vfioAp().resetLog().size();
        f.ok(mdev(U1, "unassign_adapter"), "5");
        assertThat(pushes(f, kvm, before)).as("adapter 5 was not in the shadow").isZero();
        // queues the guest did not have are unlinked without a reset
        assertThat(f.host.vfioAp().resetLog()).hasSize(resets);
        assertThat(f.m(U1).qtable().keySet()).extracting(Object::toString)
                .containsExactlyInAnyOrder("06.0004", "06.0047");
    }

    @Test
    void unassignResetsOnlyTheQueuesTheGuestHad() {
        Fixture f = Fixture.withMatrix();
        f.ok(VFIO_UNBIND, "06.0047"); // adapter 6 filtered: the guest has 05.0004 and 05.0047
        f.start("g1", U1);
        int before = f.host.vfioAp().resetLog().size();
        f.ok(mdev(U1, "unassign_domain"), "4");
        assertThat(f.host.vfioAp().resetLog().subList(before, f.host.vfioAp().resetLog().size()))
                .containsExactly("reset 05.0004 rc=0x00");
    }

    @Test
    void aQueueLeavingVfioApUnplugsItsAdapterAndResetsTheAdaptersQueues() {
        Fixture f = Fixture.withMatrix();
        Kvm kvm = f.start("g1", U1);
        int before = kvm.updates().size();
        int resets = f.host.vfioAp().resetLog().size();
        f.ok(VFIO_UNBIND, "05.0004");
        assertThat(pushes(f, kvm, before)).isEqualTo(1);
        assertThat(kvm.apm().ids()).containsExactly(6);
        assertThat(kvm.aqm().ids()).containsExactly(4, 0x47);
        // 6.8 "reset queues associated with adapter for queue unbound from driver"
        assertThat(f.host.vfioAp().resetLog().subList(resets, f.host.vfioAp().resetLog().size()))
                .containsExactlyInAnyOrder("reset 05.0004 rc=0x00", "reset 05.0047 rc=0x00");
        f.ok(VFIO_BIND, "05.0004");
        assertThat(pushes(f, kvm, before)).isEqualTo(2);
        f.assertCrycbIsShadow(kvm, U1, "after the rebind");
        assertThat(kvm.apm().ids()).containsExactly(5, 6);
    }

    @Test
    void theGuestCrycbEqualsGuestMatrixWhileRunning() {
        Fixture f = Fixture.withMatrix();
        Kvm kvm = f.start("g1", U1);
        f.ok(APMASK, "-9");
        List<String[]> steps = List.of(new String[] {VFIO_UNBIND, "06.0004"}, new String[] {mdev(U1, "unassign_domain"), "4"},
                new String[] {mdev(U1, "assign_control_domain"), "4"}, new String[] {VFIO_BIND, "06.0004"},
                new String[] {mdev(U1, "assign_domain"), "4"}, new String[] {mdev(U1, "assign_adapter"), "9"},
                new String[] {mdev(U1, "unassign_adapter"), "5"}, new String[] {APMASK, "+5"},
                new String[] {mdev(U1, "unassign_control_domain"), "4"});
        f.assertCrycbIsShadow(kvm, U1, "at start");
        for (String[] s : steps) {
            f.ok(s[0], s[1]);
            f.assertCrycbIsShadow(kvm, U1, "after echo " + s[1] + " > " + s[0]);
        }
        assertThat(f.guestMatrix(U1)).containsExactly("06.0004", "06.0047");
    }
}
