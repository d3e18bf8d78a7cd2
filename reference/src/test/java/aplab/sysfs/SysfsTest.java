package aplab.sysfs;

import static org.assertj.core.api.Assertions.assertThat;

import aplab.Fixture;
import aplab.ap.ApMask;
import aplab.kernel.Errno;
import aplab.kernel.Kernel;
import org.junit.jupiter.api.Test;

class SysfsTest {
    @Test
    void busFilesAndFormats() {
        Fixture f = new Fixture().host(ApMask.of(5, 6), ApMask.of(4, 0xab));
        assertThat(f.cat("/sys/bus/ap/apmask")).isEqualTo("0x" + "f".repeat(64) + "\n");
        assertThat(f.cat("/sys/bus/ap/ap_adapter_mask")).isEqualTo("0x06" + "0".repeat(62) + "\n");
        assertThat(f.cat("/sys/bus/ap/ap_max_adapter_id")).isEqualTo("255\n");
        assertThat(f.sysfs.list("/sys/bus/ap/devices")).containsExactly("05.0004", "05.00ab", "06.0004", "06.00ab", "card05", "card06");
        assertThat(f.sysfs.list("/sys/bus/ap/drivers/cex4queue")).containsExactly("05.0004", "05.00ab", "06.0004", "06.00ab", "bind", "uevent", "unbind");
        assertThat(f.sysfs.list("/sys/bus/ap/drivers/vfio_ap")).containsExactly("bind", "uevent", "unbind");
        assertThat(f.cat("/sys/bus/ap/devices/card05/type")).isEqualTo("CEX8C\n");
        assertThat(f.cat("/sys/bus/ap/devices/card05/config")).isEqualTo("1\n");
    }

    /**
     * The directories a sysfs keeps are those of one device object: an mdev removed and created
     * again under the same UUID, and a card that leaves the configuration and comes back, are new
     * devices, and their directories show the new device's state, not the old one's.
     */
    @Test
    void aDeviceCreatedAgainUnderItsNameGetsANewDirectory() {
        Fixture f = Fixture.standard();
        String m = Fixture.mdev(Fixture.U1, "");
        f.ok(m + "assign_adapter", "5");
        f.ok(m + "assign_domain", "4");
        assertThat(f.cat(m + "matrix")).isEqualTo("05.0004\n");
        f.ok(m + "remove", "1");
        assertThat(f.sysfs.exists(m + "matrix")).isFalse();
        f.ok(Fixture.CREATE, Fixture.U1);
        assertThat(f.cat(m + "matrix")).isEmpty();
        f.ok(m + "assign_adapter", "6");
        assertThat(f.m(Fixture.U1).matrix().apm().ids()).containsExactly(6);

        f.ok("/sys/bus/ap/devices/card05/config", "0");
        assertThat(f.cat("/sys/devices/ap/card05/config")).isEqualTo("0\n");
        f.host.configure(new aplab.ap.ApConfigInfo(ApMask.of(6), ApMask.of(4, 0x47), ApMask.of(4, 0x47), true, 255, 255),
                aplab.ap.CardType.DEFAULT);
        assertThat(f.sysfs.exists("/sys/devices/ap/card05")).isFalse();
        f.host.configure(new aplab.ap.ApConfigInfo(ApMask.of(5, 6), ApMask.of(4, 0x47), ApMask.of(4, 0x47), true, 255, 255),
                aplab.ap.CardType.DEFAULT);
        assertThat(f.cat("/sys/devices/ap/card05/config")).as("the card found again is configured").isEqualTo("1\n");
    }

    @Test
    void permissionsAndMissingPaths() {
        Fixture f = Fixture.standard();
        String m = "/sys/devices/vfio_ap/matrix/" + Fixture.U1;
        assertThat(readErrno(f, m + "/assign_adapter")).isEqualTo(Errno.EACCES);
        assertThat(f.echo(m + "/matrix", "1")).isEqualTo(Errno.EACCES);
        assertThat(f.echo(m + "/nonexistent", "1")).isEqualTo(Errno.EACCES);
        assertThat(f.echo("/sys/devices/vfio_ap/matrix/nope/assign_adapter", "1")).isEqualTo(Errno.ENOENT);
        assertThat(readErrno(f, "/sys/bus/ap")).isEqualTo(Errno.EISDIR);
        assertThat(f.echo("/sys/bus/ap", "1")).isEqualTo(Errno.EISDIR);
        assertThat(f.sysfs.list(m)).containsExactly("ap_config", "assign_adapter", "assign_control_domain", "assign_domain",
                "control_domains", "driver", "guest_matrix", "iommu_group", "matrix", "mdev_type", "remove", "subsystem", "uevent",
                "unassign_adapter", "unassign_control_domain", "unassign_domain");
        assertThat(f.cat("/sys/devices/vfio_ap/matrix/features")).isEqualTo("guest_matrix hotplug ap_config\n");
    }

    @Test
    void olderKernelsLackNewerFiles() {
        Fixture old = new Fixture(Kernel.V5_17);
        old.ok(Fixture.CREATE, Fixture.U1);
        assertThat(old.sysfs.exists(Fixture.mdev(Fixture.U1, "guest_matrix"))).isFalse();
        assertThat(old.sysfs.exists(Fixture.mdev(Fixture.U1, "ap_config"))).isFalse();
        assertThat(old.sysfs.exists("/sys/devices/vfio_ap/matrix/features")).isFalse();
        Fixture v60 = new Fixture(Kernel.V6_0);
        v60.ok(Fixture.CREATE, Fixture.U1);
        assertThat(v60.sysfs.exists(Fixture.mdev(Fixture.U1, "guest_matrix"))).isTrue();
        assertThat(v60.sysfs.exists(Fixture.mdev(Fixture.U1, "ap_config"))).isFalse();
    }

    @Test
    void anEmptyWriteCallsNothingAndALongOneComesInPages() {
        Fixture f = Fixture.standard();
        String before = f.state();
        assertThat(f.write(Fixture.mdev(Fixture.U1, "assign_adapter"), "")).isNull();
        assertThat(f.state()).isEqualTo(before);
        // the first page is refused: the rest is never written
        f.refused(Fixture.mdev(Fixture.U1, "assign_adapter"), "x".repeat(5000) + "5\n", Errno.EINVAL);
    }

    @Test
    void pathsNormalise() {
        assertThat(Sysfs.normalize("/sys/bus", "../devices/./vfio_ap//matrix/")).isEqualTo("/sys/devices/vfio_ap/matrix");
        assertThat(Sysfs.normalize("/", "../..")).isEqualTo("/");
    }

    private static Errno readErrno(Fixture f, String path) {
        try {
            f.sysfs.read(path);
            return null;
        } catch (SysfsException e) {
            return e.errno();
        }
    }
}
