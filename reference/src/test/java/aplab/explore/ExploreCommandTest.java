package aplab.explore;

import static aplab.cli.CliRun.aplab;
import static org.assertj.core.api.Assertions.assertThat;

import aplab.cli.CliRun;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code aplab explore} on the command line. */
class ExploreCommandTest {
    @TempDir
    Path dir;


    @Test
    void cleanRunPrintsTheCounts() {
        CliRun r = aplab("explore", "--depth", "2", "--concurrent-depth", "-1");
        assertThat(r.status()).isZero();
        assertThat(r.out()).contains("states explored: ", "distinct states: ", "states per second: ", "depth reached: 2",
                "invariants: hold in every state explored");
    }

    @Test
    void aPlantedBugGivesExitOneAndATranscriptThatAplabCheckRuns() throws IOException {
        Path f = dir.resolve("cex.md");
        CliRun r = aplab("explore", "--depth", "3", "--concurrent-depth", "-1", "--plant", "skip_sharing_check",
                "--out", f.toString());
        System.out.println(r.out());
        assertThat(r.status()).isEqualTo(1);
        assertThat(r.out()).contains("counterexample (2 operation(s)", "broken: no-sharing", "```console");
        assertThat(Files.readString(f)).startsWith("# Counterexample found by aplab explore");
        // on the correct model the recorded outputs differ: aplab check fails with a diff
        CliRun check = aplab("check", f.toString());
        assertThat(check.status()).isEqualTo(1);
        assertThat(check.out()).contains("+bash: echo: write error: Address already in use").endsWith("0 passed, 1 failed\n");
        String old = System.getProperty("aplab.plant");
        System.setProperty("aplab.plant", "skip_sharing_check");
        try {
            assertThat(aplab("check", f.toString()).out()).isEqualTo("1 passed, 0 failed\n");
        } finally {
            if (old == null) {
                System.clearProperty("aplab.plant");
            } else {
                System.setProperty("aplab.plant", old);
            }
        }
    }

    @Test
    void aReplayThatBreaksAnInvariantExitsOneAndNegativeBoundsAreBadUsage() {
        // both mdevs take the whole scope through ap_config at once (operations 10 and 22)
        CliRun broken = aplab("explore", "--plant", "skip_sharing_check", "--replay", "/10,22/0");
        assertThat(broken.out()).contains("violation: no-sharing");
        assertThat(broken.status()).isEqualTo(1);
        CliRun fine = aplab("explore", "--replay", "/10,22/0");
        assertThat(fine.out()).doesNotContain("violation:");
        assertThat(fine.status()).isZero();
        for (String[] bad : new String[][] {{"--preemptions", "-5"}, {"--concurrent-depth", "-2"}, {"--threads", "0"}}) {
            CliRun r = aplab("explore", bad[0], bad[1]);
            assertThat(r.status()).as("explore %s %s", bad[0], bad[1]).isEqualTo(2);
            assertThat(r.err()).isEqualTo("aplab: explore: --preemptions and --concurrent-depth must be -1 or more, --threads 1 or more\n");
        }
    }

    @Test
    void replayAndListAndBadUsage() {
        CliRun list = aplab("explore", "--list-ops");
        assertThat(list.status()).isZero();
        assertThat(list.out()).contains("  0  echo 5 > /sys/devices/vfio_ap/matrix/11111111-1111-1111-1111-111111111111/assign_adapter");
        CliRun replay = aplab("explore", "--replay", "0/4,12/1");
        assertThat(replay.status()).isZero();
        assertThat(replay.out()).contains("concurrently: A = ", "B: begin");
        CliRun bad = aplab("explore", "--replay", "x/1/0");
        assertThat(bad.status()).isEqualTo(2);
        assertThat(bad.err()).isEqualTo("aplab: explore: --replay: not a number: 'x'\n");
        assertThat(aplab("explore", "--kernel", "9.9").err()).startsWith("aplab: explore: unknown kernel");
    }
}
