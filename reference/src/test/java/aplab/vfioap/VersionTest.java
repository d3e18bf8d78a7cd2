package aplab.vfioap;

import static aplab.Fixture.U1;
import static aplab.Fixture.mdev;
import static org.assertj.core.api.Assertions.assertThat;

import aplab.Fixture;
import aplab.ap.ApMask;
import aplab.kernel.Errno;
import aplab.kernel.KernelVersion;
import aplab.kvm.Kvm;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Behaviours that differ between 5.17, 6.0 and mainline. */
class VersionTest {
    private static Fixture host(KernelVersion v) {
        Fixture f = new Fixture(v).host(ApMask.of(5, 6), ApMask.of(4, 0x47));
        f.ok("/sys/bus/ap/apmask", "-5,-6");
        f.ok(Fixture.CREATE, U1);
        return f;
    }

    @Test
    void before517AssignmentWithAGuestIsEbusyAndTheGuestGetsTheMatrixUnfiltered() {
        Fixture f = host(KernelVersion.PRE_DYNAMIC);
        f.ok(mdev(U1, "assign_adapter"), "5");
        f.ok(mdev(U1, "assign_domain"), "4", "0x47");
        f.ok("/sys/bus/ap/drivers/vfio_ap/unbind", "05.0047");
        Kvm kvm = f.host.startGuest("g1", List.of(U1)).kvm();
        assertThat(kvm.apm().ids()).containsExactly(5);
        assertThat(kvm.aqm().ids()).containsExactly(4, 0x47);
        f.refused(mdev(U1, "assign_adapter"), "6\n", Errno.EBUSY);
        f.refused(mdev(U1, "unassign_domain"), "4\n", Errno.EBUSY);
        f.refused(mdev(U1, "assign_control_domain"), "4\n", Errno.EBUSY);
    }

    @Test
    void before517AssignmentNeedsBoundQueues() {
        Fixture f = host(KernelVersion.PRE_DYNAMIC);
        f.ok("/sys/bus/ap/drivers/vfio_ap/unbind", "06.0004", "06.0047");
        f.refused(mdev(U1, "assign_adapter"), "6\n", Errno.EADDRNOTAVAIL);
        f.refused(mdev(U1, "assign_adapter"), "7\n", Errno.EADDRNOTAVAIL);
        f.ok(mdev(U1, "assign_adapter"), "5");
        f.ok("/sys/bus/ap/apmask", "+5"); // no in_use veto before 5.18
    }

    @Test
    void v60DeltaFilteringLetsAFilteredAdapterBackButMainlineDoesNot() {
        for (KernelVersion v : List.of(KernelVersion.V6_0, KernelVersion.MAINLINE)) {
            Fixture f = host(v);
            f.ok("/sys/bus/ap/drivers/vfio_ap/unbind", "05.0047");
            f.ok(mdev(U1, "assign_domain"), "4", "0x47");
            f.ok(mdev(U1, "assign_adapter"), "5");
            assertThat(f.lines(mdev(U1, "guest_matrix"))).as(v.release()).containsExactly(".0004", ".0047");
            f.ok(mdev(U1, "assign_adapter"), "6");
            if (v == KernelVersion.V6_0) {
                assertThat(f.lines(mdev(U1, "guest_matrix"))).as("CVE-2024-26620").contains("05.0047");
            } else {
                assertThat(f.lines(mdev(U1, "guest_matrix"))).containsExactly("06.0004", "06.0047");
            }
        }
    }
}
