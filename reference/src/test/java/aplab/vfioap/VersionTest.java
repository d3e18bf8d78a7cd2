package aplab.vfioap;

import static aplab.Fixture.U1;
import static aplab.Fixture.VFIO_UNBIND;
import static aplab.Fixture.mdev;
import static org.assertj.core.api.Assertions.assertThat;

import aplab.Fixture;
import aplab.ap.ApConfigInfo;
import aplab.ap.ApMask;
import aplab.ap.CardType;
import aplab.kernel.Errno;
import aplab.kernel.Kernel;
import aplab.kvm.Kvm;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Behaviours that differ between 5.17 (before the series), 6.0 (as merged) and mainline. */
class VersionTest {
    @Test
    void before60ThereIsNoGuestMatrixNoApConfigNoFeatures() {
        Fixture f = Fixture.standard(Kernel.V5_17);
        assertThat(f.readErrno(mdev(U1, "guest_matrix"))).isEqualTo(Errno.ENOENT);
        assertThat(f.readErrno(mdev(U1, "ap_config"))).isEqualTo(Errno.ENOENT);
        assertThat(f.readErrno(Fixture.MATRIX + "/features")).isEqualTo(Errno.ENOENT);
        assertThat(f.readErrno(mdev(U1, "matrix"))).isNull();
        Fixture v60 = Fixture.standard(Kernel.V6_0);
        assertThat(v60.readErrno(mdev(U1, "guest_matrix"))).isNull();
        assertThat(v60.readErrno(mdev(U1, "ap_config"))).as("ap_config came in 6.10").isEqualTo(Errno.ENOENT);
        assertThat(v60.readErrno(Fixture.MATRIX + "/features")).as("features came in 6.12").isEqualTo(Errno.ENOENT);
    }

    @Test
    void before60AssignmentWithAGuestIsEbusyAndTheGuestGetsTheMatrixUnfiltered() {
        Fixture f = Fixture.standard(Kernel.V5_17);
        f.ok(mdev(U1, "assign_adapter"), "5");
        f.ok(mdev(U1, "assign_domain"), "4", "0x47");
        f.ok(VFIO_UNBIND, "05.0047");
        Kvm kvm = f.start("g1", U1);
        assertThat(kvm.apm().ids()).containsExactly(5);
        assertThat(kvm.aqm().ids()).containsExactly(4, 0x47);
        for (String attr : List.of("assign_adapter", "unassign_adapter", "assign_domain", "unassign_domain",
                "assign_control_domain", "unassign_control_domain")) {
            f.refused(mdev(U1, attr), "6\n", Errno.EBUSY);
        }
        f.host.stopGuest("g1");
        f.ok(mdev(U1, "unassign_domain"), "0x47");
    }

    @Test
    void before60AssignmentNeedsBoundQueuesAndTheBusHasNoVeto() {
        Fixture f = Fixture.standard(Kernel.V5_17);
        f.ok(VFIO_UNBIND, "06.0004", "06.0047");
        f.refused(mdev(U1, "assign_adapter"), "6\n", Errno.EADDRNOTAVAIL);
        f.refused(mdev(U1, "assign_adapter"), "7\n", Errno.EADDRNOTAVAIL);
        f.ok(mdev(U1, "assign_adapter"), "5");
        f.ok(mdev(U1, "assign_domain"), "4");
        // in_use came with 5.18: giving an assigned APQN back to the host is not refused
        f.ok(Fixture.APMASK, "+5");
        assertThat(f.driverOf("05.0004")).isEqualTo("cex4queue");
    }

    @Test
    void cve2024_26620In60AndNotInMainline() {
        for (Kernel v : List.of(Kernel.V6_0, Kernel.MAINLINE)) {
            Fixture f = Fixture.standard(v);
            f.ok(VFIO_UNBIND, "05.0047");
            f.ok(mdev(U1, "assign_domain"), "4", "0x47");
            f.ok(mdev(U1, "assign_adapter"), "5");
            // 05.0047 is not bound to vfio_ap: adapter 5 is filtered in both
            assertThat(f.guestMatrix(U1)).as(v.release()).containsExactly(".0004", ".0047");
            Kvm kvm = f.start("g1", U1);
            // assigning ANOTHER adapter: 6.0 rebuilds the shadow from matrix AND host and examines
            // only apm_delta = {6}, so adapter 5 comes back unexamined
            f.ok(mdev(U1, "assign_adapter"), "6");
            if (v == Kernel.V6_0) {
                assertThat(f.guestMatrix(U1)).as("6.0: the unbound queue 05.0047 reaches the guest")
                        .containsExactly("05.0004", "05.0047", "06.0004", "06.0047");
                assertThat(kvm.apm().ids()).containsExactly(5, 6);
                assertThat(f.driverOf("05.0047")).isNull();
            } else {
                assertThat(f.guestMatrix(U1)).as("6.8+: the whole matrix is filtered")
                        .containsExactly("06.0004", "06.0047");
                assertThat(kvm.apm().ids()).containsExactly(6);
            }
        }
    }

    @Test
    void in60RemovingTheLastAdapterFromTheHostLeftItInTheGuest() {
        // vfio_ap_mdev_hot_unplug_cfg (6.0 .. 2026) pushed only if a resulting mask was non-empty
        for (Kernel v : List.of(Kernel.V6_0, Kernel.MAINLINE)) {
            Fixture f = Fixture.standard(v);
            f.ok(mdev(U1, "assign_adapter"), "5");
            f.ok(mdev(U1, "assign_domain"), "4");
            Kvm kvm = f.start("g1", U1);
            f.host.configure(new ApConfigInfo(ApMask.of(6), ApMask.of(4, 0x47), ApMask.of(4, 0x47), true, 255, 255),
                    CardType.DEFAULT);
            assertThat(f.guestMatrix(U1)).as(v.release()).containsExactly(".0004");
            if (v == Kernel.V6_0) {
                assertThat(kvm.apm().ids()).as("6.0: the guest keeps an adapter the host lost").containsExactly(5);
            } else {
                assertThat(kvm.apm().isEmpty()).isTrue();
            }
        }
    }

    @Test
    void in60RemovingAnAssignedControlDomainFromTheHostLeftItInTheGuest() {
        // vfio_ap_mdev_cfg_remove computed cdrem with and-not instead of and until 2026
        for (Kernel v : List.of(Kernel.V6_0, Kernel.MAINLINE)) {
            Fixture f = Fixture.withMatrix(v);
            f.ok(mdev(U1, "assign_control_domain"), "4");
            Kvm kvm = f.start("g1", U1);
            f.host.configure(new ApConfigInfo(ApMask.of(5, 6), ApMask.of(4, 0x47), ApMask.of(0x47), true, 255, 255),
                    CardType.DEFAULT);
            if (v == Kernel.V6_0) {
                assertThat(kvm.adm().ids()).as("6.0: control domain 4 left the host but not the guest")
                        .containsExactly(4);
            } else {
                assertThat(kvm.adm().isEmpty()).isTrue();
                assertThat(f.m(U1).shadowApcb().adm().isEmpty()).isTrue();
            }
        }
    }

    @Test
    void theLockNamesFollowTheSeries() {
        assertThat(new Fixture(Kernel.V5_17).host.vfioAp().matrixDev().mdevsLock().lockClass())
                .isEqualTo("matrix_dev->lock");
        assertThat(new Fixture(Kernel.V6_0).host.vfioAp().matrixDev().mdevsLock().lockClass())
                .isEqualTo("mdevs_lock");
    }
}
