package aplab.lockdep;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

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
}
