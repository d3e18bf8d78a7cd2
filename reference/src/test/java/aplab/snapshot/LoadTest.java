package aplab.snapshot;

import static aplab.snapshot.RealHostFixture.*;
import static org.assertj.core.api.Assertions.assertThat;

import aplab.kernel.Kernel;
import aplab.shell.Session;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** aplab load: rebuild, kernel choice, conformance findings, the golden, aplab shell --from. */
class LoadTest {
    @TempDir
    Path dir;

    private Path write(String name, String text) throws Exception {
        Path p = dir.resolve(name);
        Files.writeString(p, text);
        return p;
    }

    @ParameterizedTest
    @CsvSource(delimiter = '^', value = {
        "6.12.0-55.el10.s390x^guest_matrix hotplug ap_config^true^6.12",
        "6.8.0-31-generic^-^true^6.8",
        "6.1.76-1.s390x^-^true^6.1",
        "6.1.0-41-s390x^-^true^6.0",
        "6.1.55^-^true^6.0",
        "6.6.14^-^true^6.0",
        "6.6.15^-^true^6.1",
        "6.0.0^-^true^6.0",
        "6.10.3^-^true^6.10",
        "6.19.2^guest_matrix hotplug ap_config^true^6.19",
        "7.1.0^guest_matrix hotplug ap_config^true^mainline",
        "6.8.0-31-generic^guest_matrix hotplug ap_config^true^mainline",
        "6.19.0-aplab-mainline^guest_matrix hotplug ap_config^true^mainline",
        "5.14.0-503.11.1.el9_5.s390x^-^true^mainline",
        "5.14.21-150500.55-default^-^false^5.17",
        "unknown^-^false^mainline",
    })
    void kernelChoice(String release, String features, boolean guestMatrix, String model) throws Exception {
        String text = SnapshotParseTest.good().replace("kernel 6.12.0-55.el10.s390x", "kernel " + release)
                .replace("features guest_matrix hotplug ap_config", "features " + features);
        if (!guestMatrix) {
            text = text.replace("  guest_matrix 05.0004 05.0047", "  guest_matrix -");
        }
        Snapshot s = Snapshot.parse("k", Snapshot.withEnd(text));
        assertThat(Rebuild.plan(s, null).kernel().release()).isEqualTo(model);
        assertThat(Rebuild.plan(s, Kernel.V6_0).kernel()).isEqualTo(Kernel.V6_0);
    }

    @Test
    void agreementReportAndStatus() throws Exception {
        Path snap = write("host.snap", Snapshot.withEnd(SnapshotParseTest.good()));
        Run r = aplab("load", snap.toString());
        assertThat(r.status()).isZero();
        assertThat(r.out()).isEqualTo("snapshot " + snap + ": kernel 6.12.0-55.el10.s390x, modelled as Linux 6.12 (Linux 6.12 to 6.18, "
                + "modelled by the 6.12 stable line)\n"
                + "host: 2 cards (05 CEX8C, 06 CEX8C), 4 queues, 1 mdev (1 in use)\n"
                + "rebuilt with 13 commands ('aplab load --transcript " + snap + "' prints them; 'aplab shell --from " + snap
                + "' gives a shell on it)\n"
                + "the model agrees with the host: every mdev's matrix, guest_matrix and control_domains, every card's and queue's "
                + "config, every queue's driver and status\n");
    }

    /** A host whose guest_matrix the model does not reproduce: said plainly, exit status 1. */
    @Test
    void guestMatrixDisagreementIsAFinding() throws Exception {
        // the host claims the guest has adapter 06 although queue 06.0047 is bound to no driver
        String text = Snapshot.withEnd(SnapshotParseTest.good().replace("  guest_matrix 05.0004 05.0047", "  guest_matrix 05.0004 05.0047 06.0004 06.0047")
                .replace("queue 06.0004 driver=vfio_ap config=1 online=- status=assigned",
                        "queue 06.0004 driver=vfio_ap config=1 online=- status=in_use"));
        Path snap = write("odd.snap", text);
        Run r = aplab("load", snap.toString());
        assertThat(r.status()).isEqualTo(1);
        assertThat(r.out()).contains(
                "conformance finding: queue 06.0004: the host's status is 'in use', the model's 'assigned'\n",
                "conformance finding: mdev 11111111-1111-1111-1111-111111111111: guest_matrix differs: the host has 05.0004 "
                        + "05.0047 06.0004 06.0047, the model computes 05.0004 05.0047 (only the host has 06.0004 06.0047). "
                        + "Either the model is wrong here, or the host's state depends on history a snapshot cannot show",
                "2 conformance findings: where the model and the host disagree");
        // the same through aplab explain's header
        assertThat(aplab("explain", snap.toString()).out()).startsWith("host: snapshot odd.snap of kernel 6.12.0-55.el10.s390x, "
                + "modelled as Linux 6.12 (the model disagrees with the host in 2 places: see aplab load odd.snap)");
    }

    @Test
    void cardsAndQueuesTheModelDoesNotHave() throws Exception {
        String text = SnapshotParseTest.good()
                .replace("card 06 type=CEX8C", "card 06 type=CEX3C")
                .replace("queue 05.0004 driver=vfio_ap", "queue 05.0004 driver=cex4queue")
                .replace("apmask 0xf9ff", "apmask 0xf9ff") + "";
        text = text.replace("queue 06.0047 driver=- config=1 online=- status=-\n", "");
        HostLoader.Loaded l = HostLoader.load("x.snap", Snapshot.withEnd(text), null);
        assertThat(l.plan().notes()).containsExactly("card 06 type CEX3C is not modelled (the model knows CEX4 to CEX8): modelled as CEX8C");
        assertThat(l.findings()).contains(
                "queue 05.0004: the host has it bound to cex4queue, the model to vfio_ap (apmask/aqmask give it to vfio_ap)",
                "queue 06.0047: the model has a queue device, the host has none (its adapter and domain are in the AP configuration)");
    }

    /**
     * A queue's config follows its card's at the bus's next scan: a host caught between a card's
     * config store and that scan is rebuilt with the scan where it belongs, and agrees.
     */
    @ParameterizedTest
    @CsvSource(delimiter = '^', value = {
        // card 06 config, its queues' config, the commands the plan has for card 06
        "0^0^echo 0 > /sys/bus/ap/devices/card06/config,echo 1 > /sys/bus/ap/scans",
        "0^1^echo 0 > /sys/bus/ap/devices/card06/config",
        "1^0^echo 0 > /sys/bus/ap/devices/card06/config,echo 1 > /sys/bus/ap/scans,echo 1 > /sys/bus/ap/devices/card06/config",
    })
    void aQueueConfigThatLagsItsCardIsRebuilt(String card, String queues, String expected) throws Exception {
        String text = SnapshotParseTest.good()
                .replace("card 06 type=CEX8C hwtype=14 config=1 online=1", "card 06 type=CEX8C hwtype=14 config=" + card + " online=" + card)
                .replace("queue 06.0004 driver=vfio_ap config=1", "queue 06.0004 driver=vfio_ap config=" + queues)
                .replace("queue 06.0047 driver=- config=1", "queue 06.0047 driver=- config=" + queues);
        HostLoader.Loaded l = HostLoader.load("lag.snap", Snapshot.withEnd(text), null);
        assertThat(l.plan().commands().stream().filter(c -> c.contains("card06/config") || c.contains("scans")).toList())
                .containsExactly(expected.split(","));
        assertThat(l.findings()).isEmpty();
        // and without the plan's scan the queues' config would disagree
        if ("0".equals(queues)) {
            String noScan = String.join("\n", l.plan().commands()).replace("echo 1 > /sys/bus/ap/scans\n", "");
            Session s = new Session();
            for (String c : noScan.split("\n")) {
                s.execute(c);
            }
            assertThat(s.execute("cat /sys/bus/ap/devices/06.0004/config")).containsExactly("1");
        }
    }

    @Test
    void unreadableSnapshotsAreOneLineAndStatus2() throws Exception {
        Path bad = write("bad.snap", Snapshot.withEnd(SnapshotParseTest.good().replace("apmask 0xf9", "apmask 0xz9")));
        Run r = aplab("load", bad.toString());
        assertThat(r.status()).isEqualTo(2);
        assertThat(r.err()).isEqualTo("aplab: " + bad + ":10: apmask: '0xz9ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff' "
                + "is not a 256-bit mask (0x and 64 hex digits)\n");
        Path md = write("t.md", "```console\n$ aplab host --adapters 5 --domains 4\n```\n");
        r = aplab("load", md.toString());
        assertThat(r.status()).isEqualTo(2);
        assertThat(r.err()).isEqualTo("aplab: " + md + ":1: not an aplab host snapshot: the first line must be 'aplab-snapshot 2' "
                + "(made by tools/capture-host)\n");
        assertThat(aplab("load", dir.resolve("none").toString()).err()).isEqualTo("aplab: " + dir.resolve("none") + ": no such file\n");
        assertThat(aplab("load", "--kernel", "4.0", md.toString()).err()).startsWith("aplab: load: unknown kernel '4.0'");
    }

    @Test
    void sysfsImageOfTheRebuiltHost() throws Exception {
        Path snap = write("host.snap", Snapshot.withEnd(SnapshotParseTest.good()));
        Path img = dir.resolve("img");
        assertThat(aplab("load", snap.toString(), "--sysfs-image", img.toString()).status()).isZero();
        assertThat(Files.readString(img.resolve("sys/devices/vfio_ap/matrix/" + U1 + "/guest_matrix"))).isEqualTo("05.0004\n05.0047\n");
        assertThat(Snapshot.capture(new DirTree(img)).format()).isEqualTo(Snapshot.capture(SysfsImage.of(
                HostLoader.load(snap, null).session().host())).format());
        assertThat(aplab("load", snap.toString(), "--sysfs-image", img.toString()).err()).contains("must be a new or empty directory");
    }

    /** The golden real-host-snapshot.md is exactly what aplab load --transcript writes for its snapshot. */
    @Test
    void goldenIsTheLoadTranscript() throws Exception {
        Path golden = root().resolve("golden/transcripts/real-host-snapshot.md");
        String g = Files.readString(golden);
        String name = g.substring("# Host snapshot ".length(), g.indexOf(" rebuilt on the model"));
        String snap = g.substring(g.indexOf("```text\n") + 8, g.indexOf("```\n", g.indexOf("```text\n") + 8));
        Path f = write(name, snap);
        Run r = aplab("load", "--transcript", f.toString());
        assertThat(r.status()).isZero();
        assertThat(r.out()).isEqualTo(g);
    }

    @Test
    void shellFromASnapshotOrATranscript() throws Exception {
        Path snap = write("host.snap", Snapshot.withEnd(SnapshotParseTest.good()));
        InputStream saved = System.in;
        try {
            System.setIn(new ByteArrayInputStream(("cat /sys/devices/vfio_ap/matrix/" + U1 + "/guest_matrix\n"
                    + "aplab guest show vm1\nlszcrypt\nexit\n").getBytes(StandardCharsets.UTF_8)));
            Run r = aplab("shell", "--from", snap.toString());
            assertThat(r.status()).isZero();
            assertThat(r.out()).startsWith("05.0004\n05.0047\nadapters: 05\ndomains: 0004,0047\ncontrol domains: 0004\n"
                    + "CARD.DOM TYPE  MODE        STATUS     REQUESTS\n");
            Path t = write("t.md", "```console\n$ aplab host --adapters 5 --domains 4\n```\n");
            System.setIn(new ByteArrayInputStream("ls /sys/bus/ap/devices\n".getBytes(StandardCharsets.UTF_8)));
            assertThat(aplab("shell", "--from", t.toString()).out()).isEqualTo("05.0004\ncard05\n");
            System.setIn(new ByteArrayInputStream(new byte[0]));
            Run bad = aplab("shell", "--from", dir.resolve("nope").toString());
            assertThat(bad.status()).isEqualTo(2);
            assertThat(bad.err()).isEqualTo("aplab: " + dir.resolve("nope") + ": no such file\n");
        } finally {
            System.setIn(saved);
        }
    }

    @Test
    void copiesAreIndependent() throws Exception {
        HostLoader.Loaded l = HostLoader.load("h.snap", Snapshot.withEnd(SnapshotParseTest.good()), null);
        Session a = l.session();
        Session b = l.session();
        assertThat(a.execute("echo 5 > /sys/devices/vfio_ap/matrix/" + U1 + "/unassign_adapter")).isEmpty();
        assertThat(b.execute("cat /sys/devices/vfio_ap/matrix/" + U1 + "/matrix")).contains("05.0004");
        assertThat(List.of(a.execute("cat /sys/devices/vfio_ap/matrix/" + U1 + "/matrix").toArray())).doesNotContain("05.0004");
    }
}
