package aplab.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import aplab.snapshot.LoadException;
import aplab.snapshot.Snapshot;
import com.code_intelligence.jazzer.junit.DictionaryEntries;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;

/**
 * Any bytes as a host snapshot ({@code tools/capture-host}'s format): the loader gives a snapshot
 * or one line naming the file and line; {@code aplab load} exits 0 (the model agrees), 1 (findings)
 * or 2 (not a loadable snapshot, one line), never with a stack trace. Input: the file's bytes.
 * Committed inputs: {@code src/test/resources/aplab/fuzz/SnapshotFuzzTestInputs/anySnapshot}.
 */
class SnapshotFuzzTest {
    static final Fuzz.Tally TALLY = new Fuzz.Tally("snapshots");

    @FuzzTest(maxDuration = "10m")
    @DictionaryEntries({"aplab-snapshot 2\\x0A", "end bytes=", " cksum=", "kernel ", "features ", "ap_adapter_mask 0x", "ap_usage_domain_mask 0x",
        "ap_control_domain_mask 0x", "ap_max_adapter_id ", "ap_max_domain_id ", "apmask 0x", "aqmask 0x", "card ",
        "queue ", "mdev ", "  matrix ", "  guest_matrix ", "  control_domains ", " type=CEX8C", " driver=vfio_ap",
        " driver=cex4queue", " config=1", " online=1", " status=in_use", " in_use=yes", " guest=", "\\x0A", "# "})
    void anySnapshot(byte[] input) {
        Path f = Fuzz.file(".snap", input);
        try {
            String what = "snapshot " + Fuzz.printable(Fuzz.latin1(input));
            boolean parsed;
            try {
                Snapshot.read(f);
                parsed = true;
            } catch (LoadException e) {
                parsed = false;
                assertThat(e.oneLine()).as("error for %s", what).doesNotContain("\n").startsWith(f.toString());
            }
            Cli r = Cli.run("load", f.toString()).wellBehaved("aplab load " + what, Fuzz.latin1(input));
            TALLY.add("load-exit-" + r.status());
            if (parsed) {
                TALLY.add("parsed");
                assertThat(r.status()).as("aplab load %s", what).isIn(0, 1);
            } else {
                TALLY.add("refused");
                assertThat(r.status()).as("aplab load %s", what).isEqualTo(2);
            }
        } finally {
            Fuzz.delete(f);
        }
    }

    @AfterAll
    static void report() {
        System.out.println(TALLY.summary());
    }
}
