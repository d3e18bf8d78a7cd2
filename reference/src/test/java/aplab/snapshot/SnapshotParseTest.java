package aplab.snapshot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Malformed snapshots: one line naming the file and the line. */
class SnapshotParseTest {
    @TempDir
    Path dir;

    static final String M64 = "0x" + "f".repeat(64);
    static final String Z64 = "0x" + "0".repeat(64);

    /** A good snapshot, one fact a line (line numbers below count from 1 here). */
    static String good() {
        return String.join("\n",
                "# aplab host snapshot",                                                  // 1
                "aplab-snapshot 2",                                                       // 2
                "kernel 6.12.0-55.el10.s390x",                                            // 3
                "features guest_matrix hotplug ap_config",                                // 4
                "ap_adapter_mask 0x0600000000000000000000000000000000000000000000000000000000000000",
                "ap_usage_domain_mask 0x0800000000000000010000000000000000000000000000000000000000000000",
                "ap_control_domain_mask 0x0800000000000000010000000000000000000000000000000000000000000000",
                "ap_max_adapter_id 255",                                                  // 8
                "ap_max_domain_id 255",                                                   // 9
                "apmask 0xf9ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff",
                "aqmask " + M64,                                                          // 11
                "card 05 type=CEX8C hwtype=14 config=1 online=1 functions=0x92800000 driver=cex4card",
                "card 06 type=CEX8C hwtype=14 config=1 online=1 functions=0x92800000 driver=cex4card",
                "queue 05.0004 driver=vfio_ap config=1 online=- status=in_use",         // 14
                "queue 05.0047 driver=vfio_ap config=1 online=- status=in_use",
                "queue 06.0004 driver=vfio_ap config=1 online=- status=assigned",
                "queue 06.0047 driver=- config=1 online=- status=-",
                "mdev 11111111-1111-1111-1111-111111111111 in_use=yes guest=vm1",        // 18
                "  matrix 05.0004 05.0047 06.0004 06.0047",                              // 19
                "  guest_matrix 05.0004 05.0047",                                         // 20
                "  control_domains 0004",                                                 // 21
                "");
    }

    @Test
    void goodParsesAndRoundTrips() throws Exception {
        Snapshot s = Snapshot.parse("good.snap", Snapshot.withEnd(good()));
        assertThat(s.cards()).hasSize(2);
        assertThat(s.queues().get(3).driver()).isNull();
        assertThat(s.mdevs().get(0).guest()).isEqualTo("vm1");
        assertThat(s.mdevs().get(0).guestMatrix()).containsExactly("05.0004", "05.0047");
        assertThat(Snapshot.parse("again", s.format()).format()).isEqualTo(s.format());
        HostLoader.Loaded l = HostLoader.fromSnapshot(s, null);
        assertThat(l.findings()).isEmpty();
    }

    private static String replaceLine(String text, int line, String with) {
        String[] l = text.split("\n", -1);
        l[line - 1] = with;
        return String.join("\n", l);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '^', ignoreLeadingAndTrailingWhitespace = false, value = {
        "2^aplab-snapshot 1^2^unsupported snapshot version 'aplab-snapshot 1' (this aplab reads 'aplab-snapshot 2'; capture the host again with tools/capture-host)",
        "2^hello^2^not an aplab host snapshot: the first line must be 'aplab-snapshot 2' (made by tools/capture-host)",
        "5^ap_adapter_mask 0x06^5^ap_adapter_mask: '0x06' is not a 256-bit mask (0x and 64 hex digits)",
        "6^ap_usage_domain_mask not supported^6^ap_usage_domain_mask is 'not supported': the host has no QCI (AP configuration information), which the model needs",
        "8^ap_max_adapter_id 300^8^ap_max_adapter_id: '300' is not a number 0-255",
        "9^ap_max_adapter_id 255^9^'ap_max_adapter_id' appears twice (first on line 8)",
        "11^aqmask^11^'aqmask' has no value",
        "12^card 5 type=CEX8C^12^a card line is 'card XX type=...' with XX the adapter in two hex digits",
        "13^card 05 type=CEX8C^13^card 05 appears twice",
        "13^card 06 hwtype=14^13^'card 06' has no type= field",
        "14^queue 05.4 driver=vfio_ap^14^a queue line is 'queue XX.YYYY driver=...' with the APQN in hex",
        "14^queue 05.0004 vfio_ap^14^'vfio_ap' is not a key=value field",
        "18^mdev 1111 in_use=yes^18^an mdev line is 'mdev UUID in_use=yes|no' with the mdev's UUID",
        "18^mdev 11111111-1111-1111-1111-111111111111 in_use=maybe^18^in_use must be yes or no, not 'maybe'",
        "19^  matrix 05.0004 05.0047 06.0004^19^matrix: not a whole adapter x domain product (e.g. 06.0047 is missing)",
        "19^  matrix 05.0004 05.^19^matrix: mixes apqn lines and adapter lines",
        "19^  matrix 06.0004 06.0047 05.0004 05.0047^19^matrix: lines are not in the kernel's order (adapters outer, ascending)",
        "19^  matrix 05.0004 zz^19^matrix: 'zz' is not a line vfio_ap prints (05.0004, 05. or .0004)",
        "19^matrix 05.0004^19^'matrix' must be indented under its 'mdev' line",
        "20^  matrix 05.0004^20^mdev 11111111-1111-1111-1111-111111111111 has two 'matrix' lines",
        "21^  control_domains 4^21^control domain '4' is not a domain in 4 hex digits",
        "21^guests 3^21^unknown entry 'guests'",
    })
    void malformed(int line, String with, int errLine, String message) throws Exception {
        Path f = dir.resolve("host.snap");
        Files.writeString(f, Snapshot.withEnd(replaceLine(good(), line, with)));
        assertThatThrownBy(() -> Snapshot.read(f)).isInstanceOf(LoadException.class)
                .extracting(e -> ((LoadException) e).oneLine()).isEqualTo(f + ":" + errLine + ": " + message);
    }

    @Test
    void structuralProblems() throws Exception {
        assertThatThrownBy(() -> Snapshot.parse("s", "")).hasMessage("empty: not an aplab host snapshot (no 'aplab-snapshot 2' line)");
        String cut = good().substring(0, good().indexOf("apmask"));
        assertThatThrownBy(() -> Snapshot.parse("s", cut)).isInstanceOf(LoadException.class)
                .extracting(e -> ((LoadException) e).oneLine()).asString().startsWith("s:9: cut short: the last line is not the closing");
        assertThatThrownBy(() -> Snapshot.parse("s", Snapshot.withEnd(cut))).isInstanceOf(LoadException.class)
                .extracting(e -> ((LoadException) e).oneLine()).isEqualTo("s:10: the snapshot has no 'apmask' line (is it cut short?)");
        String noGm = Snapshot.withEnd(good().replace("  guest_matrix 05.0004 05.0047\n", ""));
        assertThatThrownBy(() -> Snapshot.parse("s", noGm)).extracting(e -> ((LoadException) e).oneLine())
                .isEqualTo("s:18: mdev 11111111-1111-1111-1111-111111111111 has no indented 'guest_matrix' line (- if the kernel has none)");
        assertThatThrownBy(() -> Snapshot.parse("s", Snapshot.withEnd("aplab-snapshot 2\n  matrix 05.0004\n")))
                .extracting(e -> ((LoadException) e).oneLine()).isEqualTo("s:2: 'matrix' before any 'mdev' line");
        assertThatThrownBy(() -> Snapshot.parse("s", good().replace("vm1", "vm\0"))).extracting(e -> ((LoadException) e).oneLine())
                .isEqualTo("s:18: binary data (NUL byte) in a snapshot");
        Path missing = dir.resolve("nope.snap");
        assertThatThrownBy(() -> Snapshot.read(missing)).extracting(e -> ((LoadException) e).oneLine()).isEqualTo(missing + ": no such file");
        assertThatThrownBy(() -> Snapshot.read(dir)).extracting(e -> ((LoadException) e).oneLine()).isEqualTo(dir + ": is a directory");
        Path latin = dir.resolve("latin.snap");
        Files.write(latin, new byte[] {'a', (byte) 0xff, '\n'});
        assertThatThrownBy(() -> Snapshot.read(latin)).extracting(e -> ((LoadException) e).oneLine()).isEqualTo(latin + ": not UTF-8 text");
        // CRLF line ends are fine
        assertThat(Snapshot.parse("crlf", Snapshot.withEnd(good().replace("\n", "\r\n"))).mdevs()).hasSize(1);
    }

    @Test
    void everyLineOfAGoodSnapshotTruncatedGivesOneLine() {
        String g = good();
        String[] lines = g.split("\n");
        for (int n = 0; n < lines.length; n++) {
            String part = String.join("\n", java.util.Arrays.copyOf(lines, n)) + "\n";
            try {
                Snapshot.parse("t", part);
            } catch (LoadException e) {
                assertThat(e.oneLine()).doesNotContain("\n").startsWith("t");
            }
        }
    }
}
