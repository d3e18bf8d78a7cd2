package aplab.oracle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import aplab.kernel.Kernel;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The protocol client against a stand-in oracle process, and every way such a process can fail. */
class ProcessOracleTest {
    static final String K = Kernel.MAINLINE.release();
    static final String U = "11111111-1111-1111-1111-111111111111";
    static final String CREATE = "echo " + U + " > /sys/devices/vfio_ap/matrix/mdev_supported_types/vfio_ap-passthrough/create";

    @TempDir
    Path dir;

    @Test
    void theStubAnswersAsTheShellDoesAndReportsResetsInOrder() throws OracleException {
        try (ProcessOracle o = ProcessOracle.start(OracleStubs.stubCommand("--kernel", K), Map.of(), 60)) {
            assertThat(o.execute("aplab host --adapters 5,6 --domains 4")).isEmpty();
            assertThat(o.execute("echo -5,-6 > /sys/bus/ap/apmask")).isEmpty();
            assertThat(o.execute(CREATE)).isEmpty();
            assertThat(o.execute("echo 6 > /sys/devices/vfio_ap/matrix/" + U + "/assign_adapter")).isEmpty();
            assertThat(o.execute("echo 5 > /sys/devices/vfio_ap/matrix/" + U + "/assign_adapter")).isEmpty();
            assertThat(o.execute("echo 4 > /sys/devices/vfio_ap/matrix/" + U + "/assign_domain")).isEmpty();
            assertThat(o.execute("echo 4x > /sys/devices/vfio_ap/matrix/" + U + "/assign_domain"))
                    .containsExactly("bash: echo: write error: Invalid argument");
            assertThat(o.execute("cat /sys/devices/vfio_ap/matrix/" + U + "/matrix")).containsExactly("05.0004", "06.0004");
            assertThat(o.execute("aplab guest start g1 --mdev " + U)).isEmpty();
            assertThat(o.execute("aplab guest show g1")).containsExactly("adapters: 05,06", "domains: 0004", "control domains: none");
            assertThat(o.resets()).isEmpty();
            assertThat(o.execute("aplab guest stop g1")).isEmpty();
            // the guest's queues are reset when it stops, in qtable hash order (bucket 58 before 113);
            // asked again: nothing new
            assertThat(o.resets()).containsExactly("06.0004", "05.0004");
            assertThat(o.resets()).isEmpty();
            // own kernel: starts over silently; another kernel: not supported
            assertThat(o.execute("aplab kernel " + K)).isEmpty();
            assertThat(o.execute("cat /sys/devices/vfio_ap/matrix/" + U + "/matrix"))
                    .containsExactly("cat: /sys/devices/vfio_ap/matrix/" + U + "/matrix: No such file or directory");
            assertThat(Oracle.notSupported(o.execute("aplab kernel 5.17"))).isTrue();
            o.execute(CREATE);
            o.reset();
            assertThat(o.execute("ls /sys/devices/vfio_ap/matrix/" + U)).hasSize(1).first().asString().startsWith("ls: cannot access");
            o.close();
            assertThat(o.exitStatus()).isZero();
        }
    }

    @Test
    void anOracleThatDiesGivesOneLineNamingTheCommandAndItsStatus() throws OracleException {
        try (ProcessOracle o = ProcessOracle.start(OracleStubs.stubCommand("--kernel", K, "--die-after", "2"), Map.of(), 60)) {
            o.execute("aplab host --adapters 5 --domains 4");
            o.execute("cat /sys/bus/ap/apmask");
            assertThatThrownBy(() -> o.execute("cat /sys/bus/ap/aqmask"))
                    .isInstanceOf(OracleException.class)
                    .hasMessageContaining("exited with status 70 while answering 'cat /sys/bus/ap/aqmask'")
                    .hasMessageContaining("stderr: oracle-stub: dying on purpose")
                    .hasMessageNotContaining("\n");
            assertThatThrownBy(() -> o.execute("cat /sys/bus/ap/aqmask")).hasMessageContaining("is not running");
        }
    }

    @Test
    void aHangingOracleIsKilledAfterTheTimeout() throws IOException, OracleException {
        Path hang = OracleStubs.script(dir, "hang", "read line; sleep 60");
        try (ProcessOracle o = ProcessOracle.start(List.of(hang.toString()), Map.of(), 1)) {
            assertThatThrownBy(() -> o.execute("cat /sys/bus/ap/apmask"))
                    .isInstanceOf(OracleException.class)
                    .hasMessageContaining("did not answer 'cat /sys/bus/ap/apmask' within 1 s");
        }
    }

    @Test
    void outOfProtocolAnswersAreOneLineErrors() throws IOException, OracleException {
        Path chatty = OracleStubs.script(dir, "chatty", "while read line; do echo hello; echo @@end@@; done");
        try (ProcessOracle o = ProcessOracle.start(List.of(chatty.toString()), Map.of(), 10)) {
            assertThatThrownBy(o::reset).hasMessageContaining("answered @@reset@@ with output: hello");
            assertThatThrownBy(o::resets).hasMessageContaining("answered @@resets@@ with 'hello', not XX.YYYY");
        }
        Path silent = OracleStubs.script(dir, "silent", "exit 3");
        try (ProcessOracle o = ProcessOracle.start(List.of(silent.toString()), Map.of(), 10)) {
            assertThatThrownBy(() -> o.execute("cat x")).hasMessageMatching(".*exited with status 3 while answering 'cat x'.*");
        }
    }

    @Test
    void aMissingExecutableIsOneLineAtStart() {
        assertThatThrownBy(() -> ProcessOracle.start(List.of(dir.resolve("nope").toString()), Map.of(), 10))
                .isInstanceOf(OracleException.class)
                .hasMessageContaining("no such file (build it with tools/kernel-oracle build)");
    }
}
