package aplab.lszcrypt;

import static org.assertj.core.api.Assertions.assertThat;

import aplab.shell.Session;
import aplab.snapshot.DirTree;
import aplab.snapshot.SysfsImage;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * lszcrypt in the transcript shell, checked against outputs shaped like s390-tools' documentation
 * and the listings published with it (request counters are 0 on the model).
 */
class LszcryptTest {
    @TempDir
    Path dir;

    private static final String U = "11111111-1111-1111-1111-111111111111";

    private static Session host(String... cmds) {
        Session s = new Session();
        for (String c : cmds) {
            assertThat(s.execute(c)).as(c).isEmpty();
        }
        return s;
    }

    private static String lines(String... l) {
        return String.join("\n", l);
    }

    private static String run(Session s, String cmd) {
        return String.join("\n", s.execute(cmd));
    }

    /** IBM's "Statistics from lszcrypt" example: an accelerator and a CCA coprocessor, domain 0x31. */
    @Test
    void defaultViewAsDocumented() {
        Session s = host("aplab host --adapters 1 --domains 0x31 --type CEX7A",
                "aplab host --adapters 1,8 --domains 0x31 --type CEX7C");
        assertThat(run(s, "lszcrypt")).isEqualTo(lines(
                "CARD.DOM TYPE  MODE        STATUS     REQUESTS",
                "----------------------------------------------",
                "01       CEX7A Accelerator online            0",
                "01.0031  CEX7A Accelerator online            0",
                "08       CEX7C CCA-Coproc  online            0",
                "08.0031  CEX7C CCA-Coproc  online            0"));
    }

    /**
     * The -V listing of a passed-through EP11 domain as published for IBM Hyper Protect: the queue
     * bound to vfio_ap shows vfio_ap's status and no counters.
     */
    @Test
    void verboseViewWithAQueueInUse() {
        Session s = host("aplab host --adapters 3 --domains 0x11 --type CEX8P", "echo -3 > /sys/bus/ap/apmask",
                "echo " + U + " > /sys/devices/vfio_ap/matrix/mdev_supported_types/vfio_ap-passthrough/create",
                "echo 3 > /sys/devices/vfio_ap/matrix/" + U + "/assign_adapter",
                "echo 0x11 > /sys/devices/vfio_ap/matrix/" + U + "/assign_domain",
                "aplab guest start hpvs --mdev " + U);
        assertThat(run(s, "lszcrypt -V")).isEqualTo(lines(
                "CARD.DOM TYPE  MODE        STATUS     REQUESTS  PENDING HWTYPE QDEPTH FUNCTIONS  DRIVER     ",
                "--------------------------------------------------------------------------------------------",
                "03       CEX8P EP11-Coproc online            0        0     14     08 -----XN-F- cex4card   ",
                "03.0011  CEX8P EP11-Coproc in use            -        -     14     08 -----XN-F- vfio_ap    "));
        // the default view lists only devices the zcrypt driver has (a vfio_ap queue has no 'online')
        assertThat(run(s, "lszcrypt")).isEqualTo(lines(
                "CARD.DOM TYPE  MODE        STATUS     REQUESTS",
                "----------------------------------------------",
                "03       CEX8P EP11-Coproc online            0"));
    }

    @Test
    void everyStatusAndDriver() {
        Session s = host("aplab host --adapters 5,6 --domains 4,0x47", "echo -5 > /sys/bus/ap/apmask",
                "echo " + U + " > /sys/devices/vfio_ap/matrix/mdev_supported_types/vfio_ap-passthrough/create",
                "echo 5 > /sys/devices/vfio_ap/matrix/" + U + "/assign_adapter",
                "echo 4 > /sys/devices/vfio_ap/matrix/" + U + "/assign_domain",
                "echo 05.0047 > /sys/bus/ap/drivers/vfio_ap/unbind",
                "echo 0 > /sys/bus/ap/devices/card06/config", "echo 1 > /sys/bus/ap/scans");
        assertThat(run(s, "lszcrypt -V")).isEqualTo(lines(
                "CARD.DOM TYPE  MODE        STATUS     REQUESTS  PENDING HWTYPE QDEPTH FUNCTIONS  DRIVER     ",
                "--------------------------------------------------------------------------------------------",
                "05       CEX8C CCA-Coproc  online            0        0     14     08 S--D--N-F- cex4card   ",
                "05.0004  CEX8C CCA-Coproc  assigned          -        -     14     08 S--D--N-F- vfio_ap    ",
                "05.0047  CEX8C CCA-Coproc  -                 -        -     14     08 S--D--N-F- -no-driver-",
                "06       CEX8C CCA-Coproc  deconfig          -        -     14     08 S--D--N-F- cex4card   ",
                "06.0004  CEX8C CCA-Coproc  deconfig          -        -     14     08 S--D--N-F- cex4queue  ",
                "06.0047  CEX8C CCA-Coproc  deconfig          -        -     14     08 S--D--N-F- cex4queue  "));
    }

    @Test
    void deviceArgumentsAndFilters() {
        Session s = host("aplab host --adapters 1 --domains 4,5 --type CEX6A",
                "aplab host --adapters 1,2 --domains 4,5 --type CEX6C");
        assertThat(run(s, "lszcrypt 02")).isEqualTo(lines(
                "CARD.DOM TYPE  MODE        STATUS     REQUESTS",
                "----------------------------------------------",
                "02       CEX6C CCA-Coproc  online            0",
                "02.0004  CEX6C CCA-Coproc  online            0",
                "02.0005  CEX6C CCA-Coproc  online            0"));
        assertThat(run(s, "lszcrypt 01.0005 .0004")).endsWith(lines(
                "01.0005  CEX6A Accelerator online            0",
                "01.0004  CEX6A Accelerator online            0",
                "02.0004  CEX6C CCA-Coproc  online            0"));
        assertThat(run(s, "lszcrypt --cardonly --ccaonly")).endsWith(lines(
                "----------------------------------------------",
                "02       CEX6C CCA-Coproc  online            0"));
        assertThat(run(s, "lszcrypt 07")).isEqualTo(lines(
                "CARD.DOM TYPE  MODE        STATUS     REQUESTS",
                "----------------------------------------------",
                "lszcrypt: Error - cryptographic device card07 does not exist."));
        assertThat(run(s, "lszcrypt 01.0009")).endsWith(
                "lszcrypt: Error - cryptographic device /sys/devices/ap/card01/01.0009 does not exist.");
        assertThat(run(s, "lszcrypt .0007")).endsWith("lszcrypt: No queue devices with given domain value found.");
        assertThat(run(s, "lszcrypt -x")).isEqualTo(lines("lszcrypt: Invalid option '-x'",
                "Try 'lszcrypt --help' for more information."));
        assertThat(run(s, "lszcrypt --ccaonly --ep11only"))
                .isEqualTo("lszcrypt: Only one of --accelonly or --ccaonly or --ep11only can be specified");
        assertThat(run(s, "lszcrypt -c 2")).isEqualTo(lines("card02 provides capability for:", "RSA 4K Clear Key",
                "CCA Secure Key (full function set)", "Long RNG"));
        assertThat(run(s, "lszcrypt -c 1")).isEqualTo(lines("card01 provides capability for:", "RSA 4K Clear Key"));
    }

    @Test
    void noCardsAndDomainTable() {
        Session s = new Session();
        // 2.42 and later: the header alone (exit 0) and the default-domain warning (ap_domain -1
        // printed with %02lx); 2.40 and 2.41: an error
        assertThat(run(s, "lszcrypt")).isEqualTo(lines("CARD.DOM TYPE  MODE        STATUS     REQUESTS",
                "----------------------------------------------", "Warning: Default domain 0xffffffffffffffff is not available."));
        s.execute("aplab s390-tools 2.41");
        assertThat(run(s, "lszcrypt")).isEqualTo("lszcrypt: No crypto card devices found.");
        s = host("aplab host --adapters 1 --domains 1,2 --control-domains 0,1,0x11");
        List<String> d = s.execute("lszcrypt -d");
        assertThat(d).hasSize(2 + 16 + 4);
        assertThat(d.get(0)).isEqualTo("DOMAIN 00 01 02 03 04 05 06 07 08 09 0a 0b 0c 0d 0e 0f");
        assertThat(d.get(1)).isEqualTo("-".repeat(54));
        assertThat(d.get(2)).isEqualTo("    00  C  B  U  .  .  .  .  .  .  .  .  .  .  .  .  .");
        assertThat(d.get(3)).isEqualTo("    10  .  C  .  .  .  .  .  .  .  .  .  .  .  .  .  .");
        assertThat(d.subList(18, 22)).containsExactly("-".repeat(54), "C: Control domain", "U: Usage domain",
                "B: Both (Control + Usage domain)");
    }

    /** The same listing from the model and from its sysfs written to disk (what SYSFS_ROOT reads). */
    @Test
    void modelAndFakeTreeAgree() {
        Session s = host("aplab host --adapters 5,6 --domains 4,0x47", "echo -5 > /sys/bus/ap/apmask",
                "echo 0 > /sys/bus/ap/devices/card06/config");
        Path fake = dir.resolve("fake");
        SysfsImage.of(s.host()).writeTo(fake);
        for (String args : List.of("", "-V", "-d", "05", ".0047 -V")) {
            List<String> a = args.isEmpty() ? List.of() : List.of(args.split(" "));
            assertThat(Lszcrypt.run(DirTree.sysfsMount(fake.resolve("sys")), a)).as(args)
                    .isEqualTo(Lszcrypt.run(s.host(), a));
        }
    }
}
