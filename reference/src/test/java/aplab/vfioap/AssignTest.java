package aplab.vfioap;

import static aplab.Fixture.APMASK;
import static aplab.Fixture.U1;
import static aplab.Fixture.U2;
import static aplab.Fixture.U3;
import static aplab.Fixture.mdev;
import static org.assertj.core.api.Assertions.assertThat;

import aplab.Fixture;
import aplab.ap.ApConfigInfo;
import aplab.ap.ApMask;
import aplab.ap.CardType;
import aplab.kernel.Errno;
import aplab.kernel.KernelException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** assign_* / unassign_* stores: parsing, limits, validation, no-ops, the sysfs formats. */
class AssignTest {
    @ParameterizedTest
    @ValueSource(strings = {"assign_adapter", "assign_domain", "assign_control_domain",
        "unassign_adapter", "unassign_domain", "unassign_control_domain"})
    void parseErrorsAreEinvalAndChangeNothing(String attr) {
        Fixture f = Fixture.standard();
        f.ok(mdev(U1, "assign_adapter"), "5");
        f.ok(mdev(U1, "assign_domain"), "4");
        f.ok(mdev(U1, "assign_control_domain"), "4");
        for (String bad : new String[] {"0x\n", "-1\n", " 5\n", "5 \n", "08\n", "\n", "5\n\n", "x".repeat(4096)}) {
            f.refused(mdev(U1, attr), bad, Errno.EINVAL);
        }
        // kstrtoul overflow
        f.refused(mdev(U1, attr), "18446744073709551616\n", Errno.ERANGE);
    }

    @ParameterizedTest
    @ValueSource(strings = {"assign_adapter", "assign_domain", "assign_control_domain",
        "unassign_adapter", "unassign_domain", "unassign_control_domain"})
    void aNumberAboveTheLimitIsEnodev(String attr) {
        // APXA with Na = Nd = 255: 256 parses and is above every limit
        Fixture f = Fixture.standard();
        f.refused(mdev(U1, attr), "256\n", Errno.ENODEV);
        f.refused(mdev(U1, attr), "0x100\n", Errno.ENODEV);
        // 2^64-1 is a valid unsigned long, far above the limit (not ERANGE, not a negative id)
        f.refused(mdev(U1, attr), "18446744073709551615\n", Errno.ENODEV);
    }

    @Test
    void limitsWithoutApxaAre63And15() {
        Fixture f = new Fixture();
        f.host.configure(new ApConfigInfo(ApMask.of(5), ApMask.of(4), ApMask.of(4), false, 0, 0), CardType.DEFAULT);
        f.ok(Fixture.CREATE, U1);
        f.refused(mdev(U1, "assign_adapter"), "64\n", Errno.ENODEV);
        f.refused(mdev(U1, "assign_domain"), "16\n", Errno.ENODEV);
        f.refused(mdev(U1, "assign_control_domain"), "16\n", Errno.ENODEV);
        f.ok(mdev(U1, "assign_adapter"), "63");
        f.ok(mdev(U1, "assign_control_domain"), "15");
        // (63, 15) is reserved for cex4queue: apmask and aqmask are still all ones
        f.refused(mdev(U1, "assign_domain"), "15\n", Errno.EADDRNOTAVAIL);
        assertThat(f.cat(mdev(U1, "control_domains"))).isEqualTo("000f\n");
    }

    @Test
    void limitsWithApxaAreNaAndNd() {
        Fixture f = new Fixture();
        f.host.configure(new ApConfigInfo(ApMask.of(5), ApMask.of(4), ApMask.of(4), true, 100, 30), CardType.DEFAULT);
        f.ok(Fixture.CREATE, U1);
        f.ok(APMASK, "-0-255");
        f.ok(mdev(U1, "assign_adapter"), "100");
        f.refused(mdev(U1, "assign_adapter"), "101\n", Errno.ENODEV);
        f.ok(mdev(U1, "assign_domain"), "30");
        f.refused(mdev(U1, "assign_domain"), "31\n", Errno.ENODEV);
        f.ok(mdev(U1, "assign_control_domain"), "30");
        f.refused(mdev(U1, "assign_control_domain"), "31\n", Errno.ENODEV);
    }

    @Test
    void anApqnOwnedByTheDefaultDriverIsEaddrnotavail() {
        Fixture f = Fixture.standard();
        f.ok(mdev(U1, "assign_domain"), "4");
        // 07.0004: apmask bit 7 and aqmask bit 4 are set
        f.refused(mdev(U1, "assign_adapter"), "7\n", Errno.EADDRNOTAVAIL);
        // with no domain assigned the product is empty: any adapter passes
        Fixture g = Fixture.standard();
        g.ok(mdev(U1, "assign_adapter"), "7");
        g.refused(mdev(U1, "assign_domain"), "4\n", Errno.EADDRNOTAVAIL);
        assertThat(g.matrix(U1)).containsExactly("07.");
        // the whole matrix is validated: adding a fine adapter to a matrix with a reserved APQN fails
        g.ok(mdev(U1, "unassign_adapter"), "7");
        g.ok(mdev(U1, "assign_domain"), "4");
        g.ok(mdev(U1, "assign_adapter"), "5");
        g.refused(mdev(U1, "assign_adapter"), "7\n", Errno.EADDRNOTAVAIL);
    }

    @Test
    void assignmentNeedsNoQueueAndNoHostConfiguration() {
        Fixture f = Fixture.standard();
        // adapter 9 and domain 0xab are not in the host: no queue devices exist
        f.ok(APMASK, "-9");
        f.ok(mdev(U1, "assign_adapter"), "9");
        f.ok(mdev(U1, "assign_domain"), "0xab");
        assertThat(f.matrix(U1)).containsExactly("09.00ab");
        assertThat(f.guestMatrix(U1)).isEmpty();
        // an unbound queue does not stop assignment either (the v18 kernel-doc's EADDRNOTAVAIL is not implemented)
        f.ok(Fixture.VFIO_UNBIND, "05.0004");
        f.ok(mdev(U1, "assign_adapter"), "5");
        f.ok(mdev(U1, "assign_domain"), "4");
        assertThat(f.matrix(U1)).contains("05.0004");
    }

    @Test
    void anApqnOfAnotherMdevIsEaddrinuse() {
        Fixture f = Fixture.standard();
        f.ok(Fixture.CREATE, U2);
        f.ok(mdev(U1, "assign_adapter"), "5");
        f.ok(mdev(U1, "assign_domain"), "4");
        // U2's adapter 5 alone: the product with no domain is empty, no conflict yet
        f.ok(mdev(U2, "assign_adapter"), "5");
        f.refused(mdev(U2, "assign_domain"), "4\n", Errno.EADDRINUSE);
        f.ok(mdev(U2, "assign_domain"), "0x47");
        f.refused(mdev(U2, "assign_domain"), "4\n", Errno.EADDRINUSE);
        assertThat(f.matrix(U2)).containsExactly("05.0047");
    }

    @Test
    void anApqnOfAnotherMdevIsEaddrinuseDomainFirst() {
        Fixture f = Fixture.standard();
        f.ok(Fixture.CREATE, U2);
        f.ok(mdev(U1, "assign_adapter"), "5");
        f.ok(mdev(U1, "assign_domain"), "4");
        f.ok(mdev(U2, "assign_domain"), "4");
        f.refused(mdev(U2, "assign_adapter"), "5\n", Errno.EADDRINUSE);
        f.ok(mdev(U2, "assign_adapter"), "6");
        assertThat(f.matrix(U2)).containsExactly("06.0004");
    }

    @Test
    void theDocumentationsSharingExamples() {
        // "AP and SIE" examples 1-3: the APQN sets must be disjoint; the doc's EBUSY is EADDRINUSE in the code
        Fixture f = new Fixture().host(ApMask.of(1, 2, 3, 4), ApMask.of(5, 6, 7));
        f.ok(APMASK, "-1-4");
        f.ok(Fixture.CREATE, U1, U2, U3);
        f.ok(mdev(U1, "assign_adapter"), "1", "2");
        f.ok(mdev(U1, "assign_domain"), "5", "6");
        // example 1: same adapters, other domain
        f.ok(mdev(U2, "assign_adapter"), "1", "2");
        f.ok(mdev(U2, "assign_domain"), "7");
        // example 2: other adapters, same domains
        f.ok(mdev(U3, "assign_adapter"), "3", "4");
        f.ok(mdev(U3, "assign_domain"), "5", "6");
        // example 3: {1} x {6,7} meets U1's (1,6) and U2's (1,7)
        f.ok(mdev(U3, "unassign_adapter"), "3", "4");
        f.ok(mdev(U3, "unassign_domain"), "5", "6");
        f.ok(mdev(U3, "assign_adapter"), "1");
        f.refused(mdev(U3, "assign_domain"), "6\n", Errno.EADDRINUSE);
        f.refused(mdev(U3, "assign_domain"), "7\n", Errno.EADDRINUSE);
    }

    @Test
    void theDocumentationsThreeMdevs() {
        Fixture f = new Fixture().host(ApMask.of(5, 6), ApMask.of(4, 0x47, 0xab, 0xff));
        f.ok(APMASK, "-5,-6");
        f.ok(Fixture.AQMASK, "-4,-0x47,-0xab,-0xff");
        f.ok(Fixture.CREATE, U1, U2, U3);
        f.ok(mdev(U1, "assign_adapter"), "5", "6");
        f.ok(mdev(U1, "assign_domain"), "4", "0xab");
        f.ok(mdev(U2, "assign_adapter"), "5");
        f.ok(mdev(U2, "assign_domain"), "0x47", "0xff");
        f.ok(mdev(U3, "assign_adapter"), "6");
        f.ok(mdev(U3, "assign_domain"), "0x47", "0xff");
        assertThat(f.matrix(U1)).containsExactly("05.0004", "05.00ab", "06.0004", "06.00ab");
        assertThat(f.guestMatrix(U1)).containsExactly("05.0004", "05.00ab", "06.0004", "06.00ab");
        assertThat(f.guestMatrix(U2)).containsExactly("05.0047", "05.00ff");
        assertThat(f.guestMatrix(U3)).containsExactly("06.0047", "06.00ff");
    }

    @Test
    void controlDomainsNeverConflict() {
        Fixture f = Fixture.standard();
        f.ok(Fixture.CREATE, U2);
        // shared between mdevs, reserved for the host as a usage domain, outside the host's adm
        f.ok(mdev(U1, "assign_control_domain"), "4", "0x10", "0xab");
        f.ok(mdev(U2, "assign_control_domain"), "4", "0x10", "0xab");
        assertThat(f.cat(mdev(U1, "control_domains"))).isEqualTo("0004\n0010\n00ab\n");
        assertThat(f.cat(mdev(U2, "control_domains"))).isEqualTo("0004\n0010\n00ab\n");
        // control domains are not usage domains: matrix stays empty, no apmask veto
        assertThat(f.matrix(U1)).isEmpty();
        f.ok(APMASK, Fixture.ALL_ONES);
        // shadow adm = matrix adm AND host adm (the host's control domains are 4 and 0x47)
        assertThat(f.m(U1).shadowApcb().adm().ids()).containsExactly(4);
    }

    @Test
    void duplicatesAndAbsentIdsAreNoOps() {
        Fixture f = Fixture.standard();
        f.ok(mdev(U1, "assign_adapter"), "5");
        f.ok(mdev(U1, "assign_domain"), "4");
        f.ok(mdev(U1, "assign_control_domain"), "4");
        String before = f.state();
        f.ok(mdev(U1, "assign_adapter"), "5", "0x5", "05", "+5");
        f.ok(mdev(U1, "assign_domain"), "4", "0x4");
        f.ok(mdev(U1, "assign_control_domain"), "4");
        f.ok(mdev(U1, "unassign_adapter"), "6");
        f.ok(mdev(U1, "unassign_domain"), "0x47");
        f.ok(mdev(U1, "unassign_control_domain"), "0x47");
        assertThat(f.state()).isEqualTo(before);
    }

    @Test
    void matrixFormats() {
        Fixture f = Fixture.standard();
        assertThat(f.cat(mdev(U1, "matrix"))).isEmpty();
        assertThat(f.cat(mdev(U1, "guest_matrix"))).isEmpty();
        assertThat(f.cat(mdev(U1, "control_domains"))).isEmpty();
        f.ok(mdev(U1, "assign_domain"), "0x47", "4");
        assertThat(f.cat(mdev(U1, "matrix"))).isEqualTo(".0004\n.0047\n");
        assertThat(f.cat(mdev(U1, "guest_matrix"))).isEqualTo(".0004\n.0047\n");
        f.ok(mdev(U1, "unassign_domain"), "0x47", "4");
        f.ok(mdev(U1, "assign_adapter"), "6", "5");
        assertThat(f.cat(mdev(U1, "matrix"))).isEqualTo("05.\n06.\n");
        assertThat(f.cat(mdev(U1, "guest_matrix"))).isEqualTo("05.\n06.\n");
        f.ok(mdev(U1, "assign_domain"), "0x47", "4");
        assertThat(f.cat(mdev(U1, "matrix"))).isEqualTo("05.0004\n05.0047\n06.0004\n06.0047\n");
        f.ok(mdev(U1, "assign_control_domain"), "0xab", "4");
        assertThat(f.cat(mdev(U1, "control_domains"))).isEqualTo("0004\n00ab\n");
        // control_domains shows the assignment, not the filtered shadow (0xab is not in the host)
        assertThat(f.m(U1).shadowApcb().adm().ids()).containsExactly(4);
    }

    @Test
    void mdevCreateAndRemove() {
        Fixture f = Fixture.standard();
        f.refused(Fixture.CREATE, U1 + "\n", Errno.EEXIST);
        f.refused(Fixture.CREATE, "not-a-uuid\n", Errno.EINVAL);
        f.refused(Fixture.CREATE, "11111111-1111-1111-1111-11111111111\n", Errno.EINVAL);
        f.ok(Fixture.CREATE, U2.toUpperCase());
        assertThat(f.sysfs.exists(Fixture.MATRIX + "/" + U2)).isTrue();
        assertThat(f.cat(Fixture.MATRIX + "/mdev_supported_types/vfio_ap-passthrough/available_instances"))
                .isEqualTo("65534\n");
        f.refused(mdev(U2, "remove"), "x\n", Errno.EINVAL);
        f.ok(mdev(U2, "remove"), "0");
        assertThat(f.sysfs.exists(Fixture.MATRIX + "/" + U2)).isTrue();
        f.ok(mdev(U2, "remove"), "1");
        assertThat(f.sysfs.exists(Fixture.MATRIX + "/" + U2)).isFalse();
        assertThat(f.cat(Fixture.MATRIX + "/mdev_supported_types/vfio_ap-passthrough/available_instances"))
                .isEqualTo("65535\n");
        assertThat(f.echo(mdev(U2, "assign_adapter"), "5")).isEqualTo(Errno.ENOENT);
    }

    @Test
    void removingAnMdevResetsAndUnlinksItsQueuesAndFreesItsApqns() {
        Fixture f = Fixture.withMatrix();
        int before = f.host.vfioAp().resetLog().size();
        f.ok(mdev(U1, "remove"), "1");
        assertThat(f.host.vfioAp().resetLog().subList(before, f.host.vfioAp().resetLog().size()))
                .containsExactlyInAnyOrder("reset 05.0004 rc=0x00", "reset 05.0047 rc=0x00",
                        "reset 06.0004 rc=0x00", "reset 06.0047 rc=0x00");
        assertThat(f.state()).doesNotContain("link=" + U1);
        // its APQNs are free for another mdev and for the host
        f.ok(Fixture.CREATE, U2);
        f.ok(mdev(U2, "assign_adapter"), "5");
        f.ok(mdev(U2, "assign_domain"), "4");
        f.ok(mdev(U2, "remove"), "1");
        f.ok(APMASK, "+5,+6");
    }

    @Test
    void aStoreOnARemovedMdevIsEnodev() {
        Fixture f = Fixture.standard();
        MatrixMdev m = f.m(U1);
        f.ok(mdev(U1, "remove"), "1");
        try {
            f.host.vfioAp().assignAdapter(m, "5\n");
        } catch (KernelException e) {
            assertThat(e.errno()).isEqualTo(Errno.ENODEV);
            return;
        }
        throw new AssertionError("assign on a removed mdev succeeded");
    }
}
