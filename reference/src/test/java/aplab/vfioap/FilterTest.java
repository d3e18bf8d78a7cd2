package aplab.vfioap;

import static aplab.Fixture.APMASK;
import static aplab.Fixture.U1;
import static aplab.Fixture.VFIO_BIND;
import static aplab.Fixture.VFIO_UNBIND;
import static aplab.Fixture.mdev;
import static org.assertj.core.api.Assertions.assertThat;

import aplab.Fixture;
import aplab.ap.Apqn;
import aplab.kernel.Kernel;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * vfio_ap_mdev_filter_matrix (6.8+): shadow = matrix AND host; an adapter with an APQN whose queue
 * is not bound to vfio_ap and linked, or whose last reset did not end with 0x00/0x03/0x04, is
 * dropped whole; domains are dropped only for not being in the host.
 */
class FilterTest {
    private static final List<String> ALL = List.of("05.0004", "05.0047", "06.0004", "06.0047");

    @Test
    void anUnboundQueueDropsItsWholeAdapterAndOnlyTheAdapter() {
        Fixture f = Fixture.withMatrix();
        assertThat(f.guestMatrix(U1)).isEqualTo(ALL);
        f.ok(VFIO_UNBIND, "05.0047");
        // 05.0004 is fine but the APCB cannot express "adapter 5 without domain 0x47"
        assertThat(f.guestMatrix(U1)).containsExactly("06.0004", "06.0047");
        // domain 0x47 stays: adapter 6 still has it
        assertThat(f.m(U1).shadowApcb().aqm().ids()).containsExactly(4, 0x47);
        // the assignment is the administrator's and never changes
        assertThat(f.matrix(U1)).isEqualTo(ALL);
        f.ok(VFIO_BIND, "05.0047");
        assertThat(f.guestMatrix(U1)).isEqualTo(ALL);
    }

    @Test
    void twoUnboundQueuesOfOneDomainDropBothAdaptersButNotTheDomain() {
        Fixture f = Fixture.withMatrix();
        f.ok(VFIO_UNBIND, "05.0047", "06.0047");
        // no adapter left; the domains stay in the shadow: guest_matrix shows domains only
        assertThat(f.guestMatrix(U1)).containsExactly(".0004", ".0047");
        f.ok(VFIO_BIND, "06.0047");
        assertThat(f.guestMatrix(U1)).containsExactly("06.0004", "06.0047");
    }

    @Test
    void resourcesOutsideTheHostAreAssignedButNotInTheShadow() {
        Fixture f = Fixture.withMatrix();
        f.ok(APMASK, "-7");
        f.ok(mdev(U1, "assign_adapter"), "7");
        f.ok(mdev(U1, "assign_domain"), "0xab");
        f.ok(mdev(U1, "assign_control_domain"), "0x47", "0x99");
        assertThat(f.matrix(U1)).hasSize(9);
        // adapter 7 and domain 0xab are not in the host: AND-ed away, and (since 6.8 the loop runs
        // over the shadow) their missing queues do not drop adapters 5 and 6
        assertThat(f.guestMatrix(U1)).isEqualTo(ALL);
        assertThat(f.m(U1).shadowApcb().adm().ids()).containsExactly(0x47);
    }

    @Test
    void aDomainThatOneAdapterLacksDropsThatAdapter() {
        Fixture f = Fixture.standard();
        f.ok(VFIO_UNBIND, "06.0047");
        f.ok(mdev(U1, "assign_adapter"), "5", "6");
        f.ok(mdev(U1, "assign_domain"), "4");
        assertThat(f.guestMatrix(U1)).containsExactly("05.0004", "06.0004");
        f.ok(mdev(U1, "assign_domain"), "0x47");
        assertThat(f.guestMatrix(U1)).containsExactly("05.0004", "05.0047");
    }

    @Test
    void unassigningTheDomainDoesNotBringTheFilteredAdapterBack() {
        // unassign_domain_store -> vfio_ap_mdev_hot_unplug_domains: clears the domain from the
        // shadow and pushes; it does not filter again, so adapter 6 stays out until the next filter
        Fixture f = Fixture.withMatrix();
        f.ok(VFIO_UNBIND, "06.0047");
        assertThat(f.guestMatrix(U1)).containsExactly("05.0004", "05.0047");
        f.ok(mdev(U1, "unassign_domain"), "0x47");
        assertThat(f.guestMatrix(U1)).containsExactly("05.0004");
        // any later filtering (here: assigning an adapter the host lacks) brings it back
        f.ok(APMASK, "-9");
        f.ok(mdev(U1, "assign_adapter"), "9");
        assertThat(f.guestMatrix(U1)).containsExactly("05.0004", "06.0004");
    }

    @Test
    void aQueueWhoseLastResetDidNotCompleteDropsItsAdapter() {
        Fixture f = Fixture.withMatrix();
        f.start("g1", U1);
        // the next ZAPQ of 05.0004 ends with 0x05 (busy): not passable
        f.host.vfioAp().injectResetResponse(new Apqn(5, 4), 0x05);
        f.host.stopGuest("g1"); // unset_kvm resets every linked queue
        assertThat(f.host.vfioAp().vfioQueue(new Apqn(5, 4)).resetRc()).isEqualTo(0x05);
        // stop does not filter: the shadow is kept as it was
        assertThat(f.guestMatrix(U1)).isEqualTo(ALL);
        int resets = f.host.vfioAp().resetLog().size();
        f.ok(APMASK, "-9");
        f.ok(mdev(U1, "assign_adapter"), "9"); // filters: adapter 5 goes
        assertThat(f.guestMatrix(U1)).containsExactly("06.0004", "06.0047");
        // 6.8 "reset queues filtered from the guest's AP config": adapter 5's queues are reset,
        // but only when the shadow changed and only over the shadow's domains
        assertThat(f.host.vfioAp().resetLog().subList(resets, f.host.vfioAp().resetLog().size()))
                .containsExactlyInAnyOrder("reset 05.0004 rc=0x00", "reset 05.0047 rc=0x00");
        // the reset ended normally now; the next filtering takes adapter 5 back
        f.ok(APMASK, "-10");
        f.ok(mdev(U1, "assign_adapter"), "10");
        assertThat(f.guestMatrix(U1)).isEqualTo(ALL);
    }

    @Test
    void aDeconfiguredQueueIsPassableSince66ButNotIn60() {
        for (Kernel v : List.of(Kernel.MAINLINE, Kernel.V6_0)) {
            Fixture f = Fixture.withMatrix(v);
            f.start("g1", U1);
            f.ok("/sys/bus/ap/devices/card05/config", "0");
            f.host.stopGuest("g1"); // the resets of adapter 5's queues find it deconfigured: 0x03
            assertThat(f.host.vfioAp().vfioQueue(new Apqn(5, 4)).resetRc()).as(v.release()).isEqualTo(0x03);
            f.ok(APMASK, "-9");
            f.ok(mdev(U1, "assign_adapter"), "9");
            if (v == Kernel.MAINLINE) {
                assertThat(f.guestMatrix(U1)).as("6.6 _queue_passable: 0x03 is fine").isEqualTo(ALL);
            } else {
                // 6.0 filtered over the delta only (adapter 9): adapter 5 stays unexamined
                assertThat(f.guestMatrix(U1)).as(v.release()).isEqualTo(ALL);
                // a probe filters the whole matrix in 6.0 and wants reset_rc == 0
                f.ok(VFIO_UNBIND, "06.0004");
                f.ok(VFIO_BIND, "06.0004");
                assertThat(f.guestMatrix(U1)).as("6.0: reset_rc 0x03 is not passable").containsExactly("06.0004", "06.0047");
            }
        }
    }

    @Test
    void withNoDomainAssignedAdaptersAreKept() {
        Fixture f = Fixture.standard();
        f.ok(VFIO_UNBIND, "05.0004", "05.0047");
        f.ok(mdev(U1, "assign_adapter"), "5");
        // no APQN to examine: shadow apm = matrix apm AND host apm
        assertThat(f.guestMatrix(U1)).containsExactly("05.");
        f.ok(mdev(U1, "assign_domain"), "4");
        assertThat(f.guestMatrix(U1)).containsExactly(".0004");
    }

    @Test
    void theShadowIsNeverMoreThanMatrixAndHost() {
        Fixture f = Fixture.withMatrix();
        f.ok(APMASK, "-0-255");
        f.ok(mdev(U1, "assign_adapter"), "1", "200");
        f.ok(mdev(U1, "assign_domain"), "2", "0xff");
        f.ok(mdev(U1, "assign_control_domain"), "3", "0x47");
        MatrixMdev m = f.m(U1);
        ApMatrix mx = m.matrix();
        ApMatrix sh = m.shadowApcb();
        var info = f.host.vfioAp().matrixDev().info();
        assertThat(sh.apm().subsetOf(mx.apm().and(info.apm()))).isTrue();
        assertThat(sh.aqm().subsetOf(mx.aqm().and(info.aqm()))).isTrue();
        assertThat(sh.adm()).isEqualTo(mx.adm().and(info.adm()));
        assertThat(f.guestMatrix(U1)).isEqualTo(ALL);
    }
}
