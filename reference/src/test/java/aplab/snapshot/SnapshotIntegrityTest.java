package aplab.snapshot;

import static aplab.snapshot.RealHostFixture.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import aplab.shell.Session;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Snapshots that were cut short or changed are refused (issue 12), a byte order mark is skipped,
 * and tools/capture-host on a fake host with the real sysfs layout loads back with no finding
 * (issue 10).
 */
class SnapshotIntegrityTest {
    @TempDir
    Path dir;

    private String captured() throws Exception {
        Session s = session(busyHost());
        Path fake = fakeTree(s, dir.resolve("fake"));
        Proc p = run(dir, List.of(), "sh", root().resolve("tools/capture-host").toString(), "--root", fake.toString());
        assertThat(p.status()).as(p.err()).isZero();
        return p.out();
    }

    @Test
    void theScriptsClosingLineIsPosixCksum() throws Exception {
        String snap = captured();
        String body = snap.substring(0, snap.lastIndexOf("end bytes="));
        Path b = dir.resolve("body");
        Files.writeString(b, body);
        Proc ck = run(dir, List.of(), "cksum", b.toString());
        String[] w = ck.out().split(" ");
        assertThat(snap).endsWith("end bytes=" + w[1] + " cksum=" + w[0] + "\n");
        assertThat(Snapshot.cksum(body.getBytes(StandardCharsets.UTF_8))).isEqualTo(Long.parseLong(w[0]));
    }

    @Test
    void everyTruncationIsRefused() throws Exception {
        String snap = captured();
        byte[] bytes = snap.getBytes(StandardCharsets.UTF_8);
        long seed = System.nanoTime();
        Random r = new Random(seed);
        int refused = 0;
        for (int i = 0; i < 25; i++) {
            int cut = r.nextInt(bytes.length - 1); // keep at least one byte off the end
            String text = new String(bytes, 0, cut, StandardCharsets.UTF_8);
            try {
                Snapshot.parse("cut.snap", text);
                throw new AssertionError("seed " + seed + ": a snapshot cut at byte " + cut + " of " + bytes.length + " loaded");
            } catch (LoadException e) {
                assertThat(e.oneLine()).as("seed %d, cut at %d", seed, cut)
                        .matches("cut\\.snap(:[0-9]+)?: (cut short|corrupt|empty|the closing line).*");
                refused++;
            }
        }
        assertThat(refused).isEqualTo(25);
        // every cut inside the header line (after capture-host's comment) is a cut, not another file
        int h = snap.indexOf("aplab-snapshot 2");
        for (int cut = h + 1; cut < h + "aplab-snapshot 2".length(); cut++) {
            String text = snap.substring(0, cut);
            assertThatThrownBy(() -> Snapshot.parse("cut.snap", text)).as("cut at %d", cut).isInstanceOf(LoadException.class)
                    .hasMessageStartingWith("cut short: it ends inside its first line");
        }
        // a file that is only "a" is not a cut snapshot
        assertThatThrownBy(() -> Snapshot.parse("a.snap", "a")).hasMessageContaining("not an aplab host snapshot");
        // cut just before the closing line's newline-ended digits: the byte count catches it
        String noNewline = snap.substring(0, snap.length() - 1);
        assertThat(Snapshot.parse("ok", noNewline).cards()).hasSize(3);
    }

    @Test
    void aChangedByteOrLineIsRefused() throws Exception {
        String snap = captured();
        String changed = snap.replace("apmask 0xf9", "apmask 0xfd");
        assertThatThrownBy(() -> Snapshot.parse("c.snap", changed)).isInstanceOf(LoadException.class)
                .hasMessageStartingWith("corrupt: the checksum of the bytes before the closing line is");
        String dropped = snap.replaceFirst("queue 05.0004 [^\n]*\n", "");
        assertThatThrownBy(() -> Snapshot.parse("d.snap", dropped)).isInstanceOf(LoadException.class)
                .hasMessageStartingWith("corrupt: the closing line counts");
        String badEnd = snap.replaceFirst("end bytes=[0-9]+", "end bytes=x");
        assertThatThrownBy(() -> Snapshot.parse("e.snap", badEnd)).isInstanceOf(LoadException.class)
                .hasMessageStartingWith("the closing line must be 'end bytes=N cksum=C'");
    }

    @Test
    void aByteOrderMarkIsSkipped() throws Exception {
        String snap = captured();
        Path f = dir.resolve("bom.snap");
        byte[] body = snap.getBytes(StandardCharsets.UTF_8);
        byte[] withBom = new byte[body.length + 3];
        withBom[0] = (byte) 0xef;
        withBom[1] = (byte) 0xbb;
        withBom[2] = (byte) 0xbf;
        System.arraycopy(body, 0, withBom, 3, body.length);
        Files.write(f, withBom);
        assertThat(Snapshot.read(f).format()).isEqualTo(Snapshot.parse("plain", snap).format());
        assertThat(HostLoader.load(f, null).findings()).isEmpty();
    }

    /** capture-host on the real layout, then aplab load: the model agrees, the new attributes included. */
    @Test
    void captureThenLoadAgreesWithTheNewAttributes() throws Exception {
        Session s = session("aplab host --adapters 5,6 --domains 4,0x47 --apsb", "echo -5 > /sys/bus/ap/apmask",
                "echo 0 > /sys/devices/ap/card06/online", "echo 45 > /sys/bus/ap/config_time", "echo 0x47 > /sys/bus/ap/ap_domain");
        Path fake = fakeTree(s, dir.resolve("fake2"));
        assertThat(Files.isSymbolicLink(fake.resolve("sys/bus/ap/devices/card05"))).isTrue();
        assertThat(Files.isDirectory(fake.resolve("sys/devices/ap/card05/05.0004"))).isTrue();
        assertThat(Files.isSymbolicLink(fake.resolve("sys/devices/ap/card05/05.0004/driver"))).isTrue();
        Proc p = run(dir, List.of(), "sh", root().resolve("tools/capture-host").toString(), "--root", fake.toString());
        assertThat(p.out()).contains("bus_features APSC APXA QACT RC8A APSB\n", "ap_domain 71\n", "config_time 45\n",
                "card 06 type=CEX8C hwtype=14 config=1 online=0 functions=0x92800000 driver=cex4card depth=8\n");
        Path snap = dir.resolve("h.snap");
        Files.writeString(snap, p.out());
        HostLoader.Loaded l = HostLoader.load(snap, null);
        assertThat(l.findings()).isEmpty();
        assertThat(l.refusals()).isEmpty();
        assertThat(SysfsImage.of(l.session().host()).describe()).isEqualTo(SysfsImage.of(s.host()).describe());
        // a card whose type attribute is missing gets a note, not "null"
        String noType = Snapshot.withEnd(p.out().replaceAll("end bytes=.*\n$", "").replace("card 06 type=CEX8C", "card 06 type=-"));
        assertThat(HostLoader.load("t.snap", noType, null).plan().notes())
                .contains("card 06 has no type attribute (no zcrypt card driver is bound to it, hwtype 14): modelled as CEX8C");
    }
}
