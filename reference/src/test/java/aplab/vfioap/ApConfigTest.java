package aplab.vfioap;

import static aplab.Fixture.APMASK;
import static aplab.Fixture.U1;
import static aplab.Fixture.U2;
import static aplab.Fixture.mdev;
import static org.assertj.core.api.Assertions.assertThat;

import aplab.Fixture;
import aplab.ap.ApConfigInfo;
import aplab.ap.ApMask;
import aplab.ap.CardType;
import aplab.host.HostState;
import aplab.kernel.Errno;
import aplab.kvm.Kvm;
import org.junit.jupiter.api.Test;

/** The mdev's ap_config attribute (6.10+): the whole assignment as three masks, written as one unit. */
class ApConfigTest {
    private static final String ZEROS = "0x" + "0".repeat(64);
    /** Adapters 5, 6: ids 5 and 6 are bits 2 and 1 (from the left... of 8) of the first byte: 0x06. */
    private static final String APM_5_6 = "0x06" + "0".repeat(62);
    /** Domains 4 and 0x47: 0x08 in byte 0 (id 4), 0x01 in byte 8 (id 71 = 8 * 8 + 7). */
    private static final String AQM_4_47 = "0x08" + "0".repeat(14) + "01" + "0".repeat(46);
    private static final String ADM_4 = "0x08" + "0".repeat(62);

    private static String apConfig(String apm, String aqm, String adm) {
        return apm + "," + aqm + "," + adm + "\n";
    }

    @Test
    void readsThreeMasksJoinedByCommas() {
        Fixture f = Fixture.standard();
        assertThat(f.cat(mdev(U1, "ap_config"))).isEqualTo(apConfig(ZEROS, ZEROS, ZEROS));
        f.ok(mdev(U1, "assign_adapter"), "5", "6");
        f.ok(mdev(U1, "assign_domain"), "4", "0x47");
        f.ok(mdev(U1, "assign_control_domain"), "4");
        String text = f.cat(mdev(U1, "ap_config"));
        assertThat(text).isEqualTo(apConfig(APM_5_6, AQM_4_47, ADM_4));
        assertThat(text).hasSize(201); // AP_CONFIG_STRLEN
    }

    @Test
    void writingBackWhatWasReadChangesNothing() {
        Fixture f = Fixture.withMatrix();
        f.ok(mdev(U1, "assign_control_domain"), "4");
        f.start("g1", U1);
        String before = f.state();
        assertThat(f.write(mdev(U1, "ap_config"), f.cat(mdev(U1, "ap_config")))).isNull();
        assertThat(f.state()).as("no push, no reset, nothing").isEqualTo(before);
    }

    @Test
    void aWriteEqualsTheSameAssignmentsMadeOneByOne() {
        Fixture byConfig = Fixture.standard();
        Fixture byAssign = Fixture.standard();
        assertThat(byConfig.write(mdev(U1, "ap_config"), apConfig(APM_5_6, AQM_4_47, ADM_4))).isNull();
        byAssign.ok(mdev(U1, "assign_adapter"), "5", "6");
        byAssign.ok(mdev(U1, "assign_domain"), "4", "0x47");
        byAssign.ok(mdev(U1, "assign_control_domain"), "4");
        assertThat(HostState.of(byConfig.host)).isEqualTo(HostState.of(byAssign.host));
        // short masks are padded with zeros on the right (MSB-first)
        Fixture shortForm = Fixture.standard();
        assertThat(shortForm.write(mdev(U1, "ap_config"), "0x06,0x08000000000000000100,0x08\n")).isNull();
        assertThat(HostState.of(shortForm.host)).isEqualTo(HostState.of(byAssign.host));
    }

    @Test
    void anInvalidFieldIsEinvalAndChangesNothing() {
        Fixture f = Fixture.withMatrix();
        String path = mdev(U1, "ap_config");
        // two fields and no newline: the third strsep() returns NULL
        f.refused(path, APM_5_6 + "," + AQM_4_47, Errno.EINVAL);
        f.refused(path, "\n", Errno.EINVAL);
        f.refused(path, "0xzz," + AQM_4_47 + "," + ADM_4 + "\n", Errno.EINVAL);
        f.refused(path, "0x" + "0".repeat(65) + "," + AQM_4_47 + "," + ADM_4 + "\n", Errno.EINVAL);
        f.refused(path, "5,4,4 \n", Errno.EINVAL);
        f.refused(path, "+5,4,4\n", Errno.EINVAL); // no relative form here
    }

    @Test
    void aNewlineAfterTwoFieldsEndsAnEmptyThirdOne() {
        // strsep(&rest, ",\n") splits "apm,aqm\n" into "apm", "aqm" and "": the third mask is
        // empty, not missing (parse_bitmap fails only on a NULL token)
        Fixture f = Fixture.withMatrix();
        f.ok(mdev(U1, "assign_control_domain"), "4");
        assertThat(f.write(mdev(U1, "ap_config"), APM_5_6 + "," + AQM_4_47 + "\n")).isNull();
        assertThat(f.cat(mdev(U1, "control_domains"))).isEmpty();
        assertThat(f.matrix(U1)).hasSize(4);
    }

    @Test
    void validationFailuresChangeNothing() {
        Fixture f = Fixture.withMatrix();
        f.ok(Fixture.CREATE, U2);
        String path = mdev(U2, "ap_config");
        // adapter 7 x domain 4: reserved for cex4queue
        f.refused(path, apConfig("0x01", "0x08", ZEROS), Errno.EADDRNOTAVAIL);
        // adapter 5 x domain 4: U1 has it
        f.refused(path, apConfig("0x04", "0x08", ZEROS), Errno.EADDRINUSE);
        // U2 may have adapter 5 with other domains; then the same conflict through U1's path
        f.ok(APMASK, "-0-255");
        f.ok(mdev(U2, "assign_adapter"), "5");
        f.ok(mdev(U2, "assign_domain"), "0xab");
        f.refused(mdev(U1, "ap_config"), apConfig(APM_5_6, "0x08" + "0".repeat(40) + "10", ZEROS), Errno.EADDRINUSE);
    }

    @Test
    void aBitAboveTheLimitIsEnodevAfterValidation() {
        Fixture f = new Fixture();
        f.host.configure(new ApConfigInfo(ApMask.of(5), ApMask.of(4), ApMask.of(4), false, 0, 0), CardType.DEFAULT);
        f.ok(Fixture.CREATE, U1);
        String path = mdev(U1, "ap_config");
        // apm_max 63: adapter 64 is the first bit of the second word
        String apm64 = "0x" + "0".repeat(16) + "8" + "0".repeat(47);
        f.refused(path, apConfig(apm64, ZEROS, ZEROS), Errno.ENODEV);
        // aqm_max and adm_max 15
        // id 16: the high bit of the fifth hex digit
        f.refused(path, apConfig(ZEROS, "0x00008", ZEROS), Errno.ENODEV);
        f.refused(path, apConfig(ZEROS, ZEROS, "0x00008"), Errno.ENODEV);
        assertThat(f.write(path, apConfig(ZEROS, "0x0002", "0x0002"))).isNull(); // id 14
        // validation comes first: adapter 64 with domain 14 is reserved (all-ones apmask/aqmask)
        f.refused(path, apConfig(apm64, "0x0002", ZEROS), Errno.EADDRNOTAVAIL);
    }

    @Test
    void aWriteToARunningGuestUnplugsThenPlugs() {
        Fixture f = Fixture.withMatrix();
        Kvm kvm = f.start("g1", U1);
        int before = kvm.updates().size();
        int resets = f.host.vfioAp().resetLog().size();
        // remove adapter 5 and domain 0x47, add domain 0xab (not in the host)
        String aqm4ab = "0x08" + "0".repeat(40) + "10" + "0".repeat(20);
        assertThat(f.write(mdev(U1, "ap_config"), apConfig("0x02", aqm4ab, ZEROS))).isNull();
        assertThat(f.matrix(U1)).containsExactly("06.0004", "06.00ab");
        assertThat(f.guestMatrix(U1)).containsExactly("06.0004");
        // one push for the removed adapters, one for the removed domains, none for the filter
        // (the shadow did not change again)
        assertThat(kvm.updates().size() - before).isEqualTo(2);
        // the queues the guest lost are reset
        assertThat(f.host.vfioAp().resetLog().subList(resets, f.host.vfioAp().resetLog().size()))
                .containsExactlyInAnyOrder("reset 05.0004 rc=0x00", "reset 05.0047 rc=0x00", "reset 06.0047 rc=0x00");
        f.assertCrycbIsShadow(kvm, U1, "after the write");
        // adding back is one push
        before = kvm.updates().size();
        assertThat(f.write(mdev(U1, "ap_config"), apConfig(APM_5_6, AQM_4_47, ZEROS))).isNull();
        assertThat(kvm.updates().size() - before).isEqualTo(1);
        assertThat(f.guestMatrix(U1)).containsExactly("05.0004", "05.0047", "06.0004", "06.0047");
        f.assertCrycbIsShadow(kvm, U1, "after adding back");
    }
}
