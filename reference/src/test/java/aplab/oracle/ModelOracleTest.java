package aplab.oracle;

import static org.assertj.core.api.Assertions.assertThat;

import aplab.kernel.Kernel;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The model's side of the oracle: the reset record in the order the real driver issues ZAPQs
 * (orders first seen on the real 6.12 driver under the harness, then fixed in the model).
 */
class ModelOracleTest {
    static final String U = "22222222-2222-2222-2222-222222222222";
    static final String MDEV = "/sys/devices/vfio_ap/matrix/" + U + "/";

    static ModelOracle run(String... commands) {
        ModelOracle m = new ModelOracle(Kernel.MAINLINE, Set.of());
        for (String c : commands) {
            assertThat(m.execute(c)).as(c).isEmpty();
        }
        return m;
    }

    @Test
    void removingAnMdevResetsItsQueuesInQtableHashOrder() {
        ModelOracle m = run("aplab host --adapters 0x5,0x6 --domains 0x4,0x47",
                "echo -5,-6 > /sys/bus/ap/apmask",
                "echo " + U + " > /sys/devices/vfio_ap/matrix/mdev_supported_types/vfio_ap-passthrough/create",
                "echo 0x06,0x080000000000000001,0x080000000000000001 > " + MDEV + "ap_config");
        m.resets();
        m.execute("echo 1 > " + MDEV + "remove");
        // hash_32(apqn, 8): 05.0047 -> 9, 06.0004 -> 58, 05.0004 -> 113, 06.0047 -> 209
        assertThat(m.resets()).containsExactly("05.0047", "06.0004", "05.0004", "06.0047");
    }

    @Test
    void before68AnUnassignResetsInTheHashOrderOfATemporaryQtable() {
        String[] setup = {"aplab host --adapters 0x5,0x6 --domains 0x4,0x47", "echo -5,-6 > /sys/bus/ap/apmask",
            "echo " + U + " > /sys/devices/vfio_ap/matrix/mdev_supported_types/vfio_ap-passthrough/create",
            "echo 5 > " + MDEV + "assign_adapter", "echo 4 > " + MDEV + "assign_domain", "echo 0x47 > " + MDEV + "assign_domain"};
        ModelOracle old = new ModelOracle(Kernel.parse("6.1"), Set.of());
        ModelOracle now = new ModelOracle(Kernel.parse("6.12"), Set.of());
        for (ModelOracle m : List.of(old, now)) {
            for (String c : setup) {
                assertThat(m.execute(c)).as(c).isEmpty();
            }
            m.resets();
            m.execute("echo 5 > " + MDEV + "unassign_adapter");
        }
        // 6.1 (seen on the real driver): 05.0047 is in bucket 9, 05.0004 in 113; 6.12: the unlink order
        assertThat(old.resets()).containsExactly("05.0047", "05.0004");
        assertThat(now.resets()).containsExactly("05.0004", "05.0047");
    }

    @Test
    void aMaskChangeReprobesQueuesInBusRegistrationOrder() {
        ModelOracle m = run("aplab host --adapters 0xff --domains 0x58,0x7c,0xfb",
                "echo -255 > /sys/bus/ap/apmask",
                "aplab host --adapters 0xff --domains 0x58,0x7c,0xae,0xfb");
        m.resets();
        m.execute("echo +255 > /sys/bus/ap/apmask");
        // ff.00ae was registered by the later configuration change: it comes last
        assertThat(m.resets()).containsExactly("ff.0058", "ff.007c", "ff.00fb", "ff.00ae");
    }

    @Test
    void aGuestWhoseOnlyMdevIsRemovedNoLongerRuns() {
        ModelOracle m = run("echo " + U + " > /sys/devices/vfio_ap/matrix/mdev_supported_types/vfio_ap-passthrough/create",
                "aplab guest start g1 --mdev " + U,
                "echo 1 > " + MDEV + "remove");
        assertThat(m.execute("aplab guest stop g1")).containsExactly("aplab: guest stop: guest g1 is not running");
        assertThat(m.execute("aplab guest show g1")).containsExactly("adapters: none", "domains: none", "control domains: none");
    }

    @Test
    void aMatrixOfMoreThan511ApqnsIsCutAtThePageAsTheRealShowIs() {
        String u = "11111111-1111-1111-1111-111111111111";
        ModelOracle m = run("aplab host --adapters 0-15 --domains 0-63", "echo 0x0 > /sys/bus/ap/apmask",
                "echo " + u + " > /sys/devices/vfio_ap/matrix/mdev_supported_types/vfio_ap-passthrough/create",
                "echo 0xffff,0xffffffffffffffff,0x > /sys/devices/vfio_ap/matrix/" + u + "/ap_config");
        // 1024 APQNs x 8 bytes; sysfs_kf_seq_show hands out 4095 bytes: 511 lines and "07.003f" without its newline
        List<String> lines = m.execute("cat /sys/devices/vfio_ap/matrix/" + u + "/matrix");
        assertThat(lines).hasSize(512).startsWith("00.0000", "00.0001").endsWith("07.003e", "07.003f");
    }

    @Test
    void ownKernelStartsOverAnyOtherIsNotSupported() {
        ModelOracle m = run("aplab host --adapters 5 --domains 4");
        assertThat(m.execute("aplab kernel " + Kernel.MAINLINE.release())).isEmpty();
        assertThat(m.execute("cat /sys/bus/ap/ap_adapter_mask")).containsExactly("0x" + "0".repeat(64));
        assertThat(m.execute("aplab kernel 5.17")).isEqualTo(List.of(Oracle.NOT_SUPPORTED + "aplab kernel 5.17"));
        assertThat(Oracle.notSupported(m.execute("aplab kernel --list"))).isTrue();
    }
}
