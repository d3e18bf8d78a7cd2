package aplab.vfioap;

import static aplab.Fixture.U1;
import static aplab.Fixture.U2;
import static aplab.Fixture.mdev;
import static org.assertj.core.api.Assertions.assertThat;

import aplab.Fixture;
import aplab.ap.ApConfigInfo;
import aplab.ap.ApMask;
import aplab.ap.CardType;
import aplab.kernel.Errno;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** assign_* / unassign_* stores: parsing, limits, validation, no-ops, formats. */
class AssignTest {
    @ParameterizedTest
    @ValueSource(strings = {"assign_adapter", "assign_domain", "assign_control_domain",
        "unassign_adapter", "unassign_domain", "unassign_control_domain"})
    void parseErrorsAreEinvalAndChangeNothing(String attr) {
        Fixture f = Fixture.standard();
        f.ok(mdev(U1, "assign_adapter"), "5");
        f.ok(mdev(U1, "assign_domain"), "4");
        for (String bad : new String[] {"0x\n", "-1\n", " 5\n", "5 \n", "08\n", "\n", "x".repeat(4096)}) {
            f.refused(mdev(U1, attr), bad, Errno.EINVAL);
        }
        f.refused(mdev(U1, attr), "256\n", Errno.ENODEV);
        f.refused(mdev(U1, attr), "18446744073709551616\n", Errno.ERANGE);
    }

    @Test
    void limitsWithoutApxaAre63And15() {
        Fixture f = new Fixture();
        f.host.configure(new ApConfigInfo(ApMask.of(5), ApMask.of(4), ApMask.of(4), false, 0, 0), CardType.DEFAULT);
        f.ok(Fixture.CREATE, U1);
        f.ok(mdev(U1, "assign_adapter"), "63");
        f.refused(mdev(U1, "assign_adapter"), "64\n", Errno.ENODEV);
        f.refused(mdev(U1, "assign_domain"), "16\n", Errno.ENODEV);
        f.refused(mdev(U1, "assign_control_domain"), "16\n", Errno.ENODEV);
        f.ok(mdev(U1, "assign_control_domain"), "15");
        // (6x,15) would be owned by cex4queue: apmask and aqmask are all ones here
        f.refused(mdev(U1, "assign_domain"), "15\n", Errno.EADDRNOTAVAIL);
    }

    @Test
    void anApqnOwnedByTheDefaultDriverIsEaddrnotavail() {
        Fixture f = Fixture.standard();
        f.ok(mdev(U1, "assign_domain"), "4");
        f.refused(mdev(U1, "assign_adapter"), "7\n", Errno.EADDRNOTAVAIL);
        // with no domain assigned the product is empty: any adapter passes
        Fixture g = Fixture.standard();
        g.ok(mdev(U1, "assign_adapter"), "7");
        g.refused(mdev(U1, "assign_domain"), "4\n", Errno.EADDRNOTAVAIL);
        assertThat(g.lines(mdev(U1, "matrix"))).containsExactly("07.");
    }

    @Test
    void anApqnOfAnotherMdevIsEaddrinuse() {
        Fixture f = Fixture.standard();
        f.ok(Fixture.CREATE, U2);
        f.ok(mdev(U1, "assign_adapter"), "5");
        f.ok(mdev(U1, "assign_domain"), "4");
        f.ok(mdev(U2, "assign_adapter"), "5");
        f.refused(mdev(U2, "assign_domain"), "4\n", Errno.EADDRINUSE);
        f.ok(mdev(U2, "assign_domain"), "0x47");
        f.refused(mdev(U2, "assign_domain"), "4\n", Errno.EADDRINUSE);
        f.ok(mdev(U2, "assign_control_domain"), "4");
        f.ok(mdev(U1, "assign_control_domain"), "4");
        assertThat(f.lines(mdev(U2, "matrix"))).containsExactly("05.0047");
    }

    @Test
    void duplicatesAndAbsentIdsAreNoOps() {
        Fixture f = Fixture.standard();
        f.ok(mdev(U1, "assign_adapter"), "5");
        String before = f.state();
        f.ok(mdev(U1, "assign_adapter"), "5", "0x5", "05", "+5");
        f.ok(mdev(U1, "unassign_adapter"), "6");
        f.ok(mdev(U1, "unassign_domain"), "4");
        f.ok(mdev(U1, "unassign_control_domain"), "4");
        assertThat(f.state()).isEqualTo(before);
    }

    @Test
    void matrixFormats() {
        Fixture f = Fixture.standard();
        assertThat(f.cat(mdev(U1, "matrix"))).isEmpty();
        f.ok(mdev(U1, "assign_domain"), "0x47", "4");
        assertThat(f.cat(mdev(U1, "matrix"))).isEqualTo(".0004\n.0047\n");
        f.ok(mdev(U1, "unassign_domain"), "0x47", "4");
        f.ok(mdev(U1, "assign_adapter"), "6", "5");
        assertThat(f.cat(mdev(U1, "matrix"))).isEqualTo("05.\n06.\n");
        f.ok(mdev(U1, "assign_domain"), "0x47", "4");
        assertThat(f.cat(mdev(U1, "matrix"))).isEqualTo("05.0004\n05.0047\n06.0004\n06.0047\n");
        f.ok(mdev(U1, "assign_control_domain"), "0xab", "4");
        assertThat(f.cat(mdev(U1, "control_domains"))).isEqualTo("0004\n00ab\n");
    }

    @Test
    void mdevCreateAndRemove() {
        Fixture f = Fixture.standard();
        f.refused(Fixture.CREATE, U1 + "\n", Errno.EEXIST);
        f.refused(Fixture.CREATE, "not-a-uuid\n", Errno.EINVAL);
        f.refused(Fixture.CREATE, "11111111-1111-1111-1111-11111111111\n", Errno.EINVAL);
        f.ok(Fixture.CREATE, U2.toUpperCase());
        assertThat(f.sysfs.exists("/sys/devices/vfio_ap/matrix/" + U2)).isTrue();
        assertThat(f.cat("/sys/devices/vfio_ap/matrix/mdev_supported_types/vfio_ap-passthrough/available_instances"))
                .isEqualTo("65534\n");
        f.refused(mdev(U2, "remove"), "x\n", Errno.EINVAL);
        f.ok(mdev(U2, "remove"), "0");
        assertThat(f.sysfs.exists("/sys/devices/vfio_ap/matrix/" + U2)).isTrue();
        f.ok(mdev(U2, "remove"), "1");
        assertThat(f.sysfs.exists("/sys/devices/vfio_ap/matrix/" + U2)).isFalse();
        assertThat(f.echo(mdev(U2, "assign_adapter"), "5")).isEqualTo(Errno.ENOENT);
    }

    @Test
    void aStoreOnARemovedMdevIsEnodev() {
        Fixture f = Fixture.standard();
        MatrixMdev m = f.host.vfioAp().mdev(U1);
        f.ok(mdev(U1, "remove"), "1");
        try {
            f.host.vfioAp().assignAdapter(m, "5\n");
        } catch (aplab.kernel.KernelException e) {
            assertThat(e.errno()).isEqualTo(Errno.ENODEV);
            return;
        }
        throw new AssertionError("assign on a removed mdev succeeded");
    }
}
