package aplab.lockdep;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import aplab.Fixture;
import aplab.ap.ApConfigInfo;
import aplab.ap.ApMask;
import aplab.ap.CardType;
import aplab.kernel.Errno;
import aplab.shell.Session;
import java.util.List;
import org.junit.jupiter.api.Test;

class LockDepTest {
    private static void onThread(Runnable r) throws InterruptedException {
        Thread t = new Thread(r, "t");
        t.start();
        t.join(10_000);
        assertThat(t.isAlive()).isFalse();
    }

    @Test
    void theKernelOrderReportsNothing() throws InterruptedException {
        LockDep ld = new LockDep();
        TrackedLock guests = ld.newLock("guests_lock");
        TrackedLock kvm = ld.newLock("kvm->lock");
        TrackedLock mdevs = ld.newLock("mdevs_lock");
        onThread(() -> {
            guests.lock();
            kvm.lock();
            mdevs.lock();
            mdevs.unlock();
            kvm.unlock();
            guests.unlock();
        });
        onThread(() -> {
            guests.lock();
            mdevs.lock();
            mdevs.unlock();
            guests.unlock();
        });
        assertThat(ld.reports()).isEmpty();
        assertThat(ld.edges()).extracting(Object::toString)
                .containsExactly("guests_lock -> kvm->lock", "kvm->lock -> mdevs_lock", "guests_lock -> mdevs_lock");
    }

    @Test
    void anInvertedOrderIsReportedWithBothChains() throws InterruptedException {
        LockDep ld = new LockDep();
        TrackedLock guests = ld.newLock("guests_lock");
        TrackedLock kvm = ld.newLock("kvm->lock");
        TrackedLock mdevs = ld.newLock("mdevs_lock");
        onThread(() -> {
            try (var op = ld.operation("assign_adapter_store")) {
                guests.lock();
                kvm.lock();
                mdevs.lock();
                mdevs.unlock();
                kvm.unlock();
                guests.unlock();
            }
        });
        // never deadlocks (one thread at a time) but closes a cycle: reported all the same
        onThread(() -> {
            try (var op = ld.operation("broken_path")) {
                mdevs.lock();
                guests.lock();
                guests.unlock();
                mdevs.unlock();
            }
        });
        assertThat(ld.reports()).hasSize(1);
        LockDep.Report r = ld.reports().get(0);
        assertThat(r.added().toString()).isEqualTo("mdevs_lock -> guests_lock");
        assertThat(r.added().operation()).isEqualTo("broken_path");
        assertThat(r.existing()).extracting(Object::toString)
                .containsExactly("guests_lock -> kvm->lock", "kvm->lock -> mdevs_lock");
        List<String> lines = ld.reportLines();
        assertThat(lines).contains("possible circular locking dependency detected");
        assertThat(String.join("\n", lines)).contains("new chain:      mdevs_lock -> guests_lock")
                .contains("existing chain: guests_lock -> kvm->lock").contains("existing chain: guests_lock -> kvm->lock -> mdevs_lock");
    }

    @Test
    void recursionIsRefused() {
        LockDep ld = new LockDep();
        TrackedLock l = ld.newLock("mdevs_lock");
        l.lock();
        try {
            assertThatThrownBy(l::lock).isInstanceOf(IllegalStateException.class).hasMessageContaining("recursive");
        } finally {
            l.unlock();
        }
    }

    @Test
    void aRealisticSessionKeepsTheKernelOrder() {
        Session s = new Session();
        for (String c : List.of("aplab host --adapters 5,6 --domains 4", "echo -5,-6 > /sys/bus/ap/apmask",
                "echo 11111111-1111-1111-1111-111111111111 > /sys/devices/vfio_ap/matrix/mdev_supported_types/vfio_ap-passthrough/create",
                "cd /sys/devices/vfio_ap/matrix/11111111-1111-1111-1111-111111111111",
                "echo 5 > assign_adapter", "echo 4 > assign_domain",
                "aplab guest start g1 --mdev 11111111-1111-1111-1111-111111111111",
                "echo 6 > assign_adapter", "echo +6 > /sys/bus/ap/apmask",
                "echo 05.0004 > /sys/bus/ap/drivers/vfio_ap/unbind", "aplab host --adapters 5 --domains 4")) {
            s.execute(c);
        }
        LockDep ld = s.host().lockdep();
        assertThat(ld.reports()).isEmpty();
        assertThat(ld.edges()).extracting(Object::toString)
                .contains("ap_perms_mutex -> guests_lock", "guests_lock -> kvm->lock", "kvm->lock -> mdevs_lock",
                        "guests_lock -> mdevs_lock")
                .doesNotContain("mdevs_lock -> guests_lock", "kvm->lock -> guests_lock", "guests_lock -> ap_perms_mutex");
    }

    @Test
    void aRealisticSequenceThroughSysfsKeepsTheKernelOrder() {
        Fixture f = new Fixture().host(ApMask.of(5, 6), ApMask.of(4, 0x47));
        f.ok(Fixture.APMASK, "-5,-6");
        f.ok(Fixture.CREATE, Fixture.U1, Fixture.U2);
        f.ok(Fixture.mdev(Fixture.U1, "assign_adapter"), "5");
        f.ok(Fixture.mdev(Fixture.U1, "assign_domain"), "4", "0x47");
        f.ok(Fixture.mdev(Fixture.U1, "assign_control_domain"), "4");
        f.start("g1", Fixture.U1);
        f.ok(Fixture.mdev(Fixture.U1, "assign_adapter"), "6");
        f.ok(Fixture.mdev(Fixture.U1, "unassign_domain"), "0x47");
        f.ok(Fixture.mdev(Fixture.U2, "assign_domain"), "0x47");
        f.ok(Fixture.mdev(Fixture.U2, "assign_adapter"), "5");
        assertThat(f.echo(Fixture.APMASK, "+5")).isEqualTo(Errno.EBUSY);
        f.ok(Fixture.VFIO_UNBIND, "06.0004");
        f.ok(Fixture.VFIO_BIND, "06.0004");
        f.host.configure(new ApConfigInfo(ApMask.of(5), ApMask.of(4, 0x47), ApMask.of(0x47), true, 255, 255),
                CardType.DEFAULT);
        f.host.configure(new ApConfigInfo(ApMask.of(5, 6), ApMask.of(4, 0x47), ApMask.of(4, 0x47), true, 255, 255),
                CardType.DEFAULT);
        f.ok(Fixture.mdev(Fixture.U1, "ap_config"), "0x06,0x08,0x08");
        f.cat(Fixture.mdev(Fixture.U1, "guest_matrix"));
        f.cat("/sys/bus/ap/devices/05.0004/status");
        f.host.stopGuest("g1");
        f.ok(Fixture.mdev(Fixture.U2, "remove"), "1");
        LockDep ld = f.host.lockdep();
        assertThat(ld.reports()).as(String.join("\n", ld.reportLines())).isEmpty();
        assertThat(ld.edges()).extracting(Object::toString)
                .contains("guests_lock -> kvm->lock", "kvm->lock -> mdevs_lock", "ap_perms_mutex -> guests_lock",
                        "guests_lock -> mdevs_lock")
                .doesNotContain("mdevs_lock -> guests_lock", "mdevs_lock -> kvm->lock", "kvm->lock -> guests_lock",
                        "guests_lock -> ap_perms_mutex", "mdevs_lock -> ap_perms_mutex", "kvm->lock -> ap_perms_mutex");
        // get_update_locks_for_kvm (with the stale-pqap_hook fix, as in Debian's 6.1 and 6.12 sources)
        // takes pqap_hook_rwsem between kvm->lock and mdevs_lock, never the other way round
        assertThat(ld.edges()).extracting(Object::toString)
                .contains("kvm->lock -> kvm->arch.crypto.pqap_hook_rwsem", "kvm->arch.crypto.pqap_hook_rwsem -> mdevs_lock")
                .doesNotContain("mdevs_lock -> kvm->arch.crypto.pqap_hook_rwsem",
                        "kvm->arch.crypto.pqap_hook_rwsem -> kvm->lock", "kvm->arch.crypto.pqap_hook_rwsem -> guests_lock");
    }

    @Test
    void theEpermPathOfSetKvmKeepsThePqapHookOrder() {
        // arch/s390/kvm/priv.c handle_pqap holds kvm->arch.crypto.pqap_hook_rwsem (read) while the
        // hook, vfio_ap's handle_pqap, takes mdevs_lock: pqap_hook_rwsem -> mdevs_lock. set_kvm and
        // unset_kvm therefore take the rwsem before mdevs_lock (inside get_update_locks_for_kvm with
        // the stale-pqap_hook fix, before all the driver's locks without it).
        Fixture f = new Fixture().host(ApMask.of(5, 6), ApMask.of(4, 0x47));
        f.ok(Fixture.APMASK, "-5,-6");
        f.ok(Fixture.CREATE, Fixture.U1, Fixture.U2);
        aplab.kvm.Kvm vcpuSide = new aplab.kvm.Kvm("g0", f.host.lockdep(), true);
        TrackedLock mdevs = f.host.vfioAp().matrixDev().mdevsLock();
        vcpuSide.pqapHookRwsem().lock(); // a vCPU intercepts PQAP(AQIC)
        mdevs.lock();                    // vfio_ap's handle_pqap
        mdevs.unlock();
        vcpuSide.pqapHookRwsem().unlock();
        // a normal start and stop keep the order
        f.start("g1", Fixture.U1);
        f.host.stopGuest("g1");
        assertThat(f.host.lockdep().reports()).isEmpty();
        // the refused second device (EPERM) must not take the rwsem under the driver's locks either
        try {
            f.host.startGuest("g2", List.of(Fixture.U1, Fixture.U2));
        } catch (aplab.host.Host.GuestStartException e) {
            assertThat(e.kernelException().errno()).isEqualTo(Errno.EPERM);
        }
        assertThat(f.host.lockdep().reports())
                .as("MODEL BUG? vfio_ap_mdev_set_kvm's -EPERM path takes kvm->arch.crypto.pqap_hook_rwsem after "
                        + "mdevs_lock; KVM's handle_pqap takes pqap_hook_rwsem before mdevs_lock. "
                        + "Report:\n%s", String.join("\n", f.host.lockdep().reportLines()))
                .isEmpty();
    }
}
