package aplab.sysfs;

import static org.assertj.core.api.Assertions.assertThat;

import aplab.ap.ApConfigInfo;
import aplab.ap.ApMask;
import aplab.ap.CardType;
import aplab.host.Host;
import aplab.kernel.Errno;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/**
 * Issue 12: a write resolves its path once. The old Sysfs.write walked the path, and when that
 * failed with ENOENT walked the parent again to choose between ENOENT and EACCES; an mdev removed
 * and re-created between the two walks turned ENOENT into EACCES, which the kernel never returns
 * for an attribute every mdev has. Here one thread writes to the mdev's assign_adapter while
 * another removes and re-creates the mdev: every write either stores (0 or the store's errno) or
 * fails to open with ENOENT, never EACCES.
 */
class SysfsResolveOnceTest {
    private static final String U = "11111111-1111-1111-1111-111111111111";
    private static final String CREATE = "/sys/devices/vfio_ap/matrix/mdev_supported_types/vfio_ap-passthrough/create";

    @Test
    void aWriteRacingAnMdevRecreationNeverGetsEacces() throws Exception {
        Host host = new Host();
        host.configure(new ApConfigInfo(ApMask.of(5), ApMask.of(4), ApMask.of(4), true, 255, 255), CardType.DEFAULT);
        Sysfs sysfs = new Sysfs(host);
        sysfs.write("/sys/bus/ap/apmask", "-5\n");
        sysfs.write(CREATE, U + "\n");
        AtomicBoolean stop = new AtomicBoolean();
        Thread churn = new Thread(() -> {
            while (!stop.get()) {
                sysfs.write("/sys/devices/vfio_ap/matrix/" + U + "/remove", "1\n");
                sysfs.write(CREATE, U + "\n");
            }
        });
        churn.start();
        Map<Errno, Integer> seen = new EnumMap<>(Errno.class);
        int ok = 0;
        long end = System.nanoTime() + 2_000_000_000L;
        int writes = 0;
        try {
            while (System.nanoTime() < end && writes < 200_000) {
                writes++;
                try {
                    // through the bus link, as mdevctl writes: more walking, a wider window
                    sysfs.write("/sys/bus/mdev/devices/" + U + "/assign_adapter", "5\n");
                    ok++;
                } catch (SysfsException e) {
                    seen.merge(e.errno(), 1, Integer::sum);
                }
            }
        } finally {
            stop.set(true);
            churn.join();
        }
        System.out.println("resolve-once race: " + writes + " writes, " + ok + " stored, refusals " + seen);
        assertThat(seen).as("errno of %d writes racing re-creation", writes).doesNotContainKey(Errno.EACCES);
        assertThat(seen.keySet()).isSubsetOf(Errno.ENOENT, Errno.ENODEV, Errno.EADDRINUSE);
        assertThat(writes).isPositive();
    }

    /** The decision itself: a missing last name in an existing directory is EACCES, decided in the same walk. */
    @Test
    void theEaccesDecisionComesFromTheSameWalk() {
        Host host = new Host();
        Sysfs sysfs = new Sysfs(host);
        Sysfs.Lookup l = sysfs.lookup("/sys/devices/vfio_ap/matrix/" + U + "/assign_adapter", true);
        assertThat(l.errno()).isEqualTo(Errno.ENOENT);
        assertThat(l.lastMissing()).isFalse(); // the mdev directory is what is missing: ENOENT for a write
        Sysfs.Lookup m = sysfs.lookup("/sys/devices/vfio_ap/matrix/nonexistent", true);
        assertThat(m.lastMissing()).isTrue(); // a new name in an existing directory: EACCES for a write
    }
}
