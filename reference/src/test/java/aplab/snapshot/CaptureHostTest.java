package aplab.snapshot;

import static aplab.snapshot.RealHostFixture.*;
import static org.assertj.core.api.Assertions.assertThat;

import aplab.shell.Session;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** tools/capture-host on fake sysfs trees written from modelled hosts. */
class CaptureHostTest {
    @TempDir
    Path dir;

    private Proc capture(String shell, Path fake) throws Exception {
        return run(dir, List.of(), shell, root().resolve("tools/capture-host").toString(), "--root", fake.toString());
    }

    @Test
    void scriptIsPosix() throws Exception {
        for (String sh : shells()) {
            Proc p = run(dir, List.of(), sh, "-n", root().resolve("tools/capture-host").toString());
            assertThat(p.status()).as("%s -n capture-host: %s", sh, p.err()).isZero();
        }
    }

    @Test
    void captureMatchesTheJavaTwinOnABusyHost() throws Exception {
        Session s = session(busyHost());
        Path fake = fakeTree(s, dir);
        String expected = Snapshot.capture(SysfsImage.of(s.host())).format();
        for (String sh : shells()) {
            Proc p = capture(sh, fake);
            assertThat(p.err()).as(sh).isEmpty();
            assertThat(p.status()).isZero();
            assertThat(p.out()).startsWith("# aplab host snapshot written by tools/capture-host on ");
            assertThat(facts(p.out())).as(sh).isEqualTo(facts(expected));
        }
        assertThat(Snapshot.capture(new DirTree(fake)).format()).isEqualTo(expected);
        assertThat(facts(expected)).contains(
                "kernel 6.19.0-aplab-mainline\n",
                "features guest_matrix hotplug ap_config\n",
                "card 05 type=CEX8C hwtype=14 config=1 online=1 functions=0x92800000 driver=cex4card depth=8\n",
                "card 07 type=CEX8P hwtype=14 config=0 online=0 functions=0x06800000 driver=cex4card depth=8\n",
                "queue 05.0004 driver=vfio_ap config=1 online=- status=unassigned\n",
                "queue 07.0004 driver=cex4queue config=0 online=0 status=-\n",
                "queue 05.0047 driver=vfio_ap config=1 online=- status=in_use\n",
                "queue 06.00ab driver=- config=1 online=- status=-\n",
                "mdev " + U1 + " in_use=yes guest=vm1\n  matrix 05.0047 05.00ab 06.0047 06.00ab\n"
                        + "  guest_matrix 05.0047 05.00ab\n  control_domains 0047\n",
                "mdev " + U2 + " in_use=no guest=-\n  matrix 05.00ff\n  guest_matrix 05.00ff\n  control_domains\n");
    }

    @Test
    void roundTripRebuildsTheSameSysfs() throws Exception {
        Session s = session(busyHost());
        Path fake = fakeTree(s, dir);
        Path snap = dir.resolve("host.snap");
        Files.writeString(snap, capture("sh", fake).out());
        HostLoader.Loaded l = HostLoader.load(snap, null);
        assertThat(l.findings()).isEmpty();
        assertThat(l.refusals()).isEmpty();
        assertThat(SysfsImage.of(l.session().host()).describe()).isEqualTo(SysfsImage.of(s.host()).describe());
    }

    @Test
    void emptyAndOldHosts() throws Exception {
        // a host with the AP bus but no adapters, on the 6.0 kernel: no features file, no mdevs
        Session s = session("aplab kernel 6.0", "aplab host --adapters none --domains none");
        Path fake = fakeTree(s, dir);
        Proc p = capture("sh", fake);
        assertThat(p.status()).isZero();
        assertThat(facts(p.out())).isEqualTo(facts(Snapshot.capture(SysfsImage.of(s.host())).format()))
                .contains("features -\n", "kernel 6.0.0-aplab\n").doesNotContain("card ", "queue ", "mdev ");
        // 5.17: mdevs have no guest_matrix
        s = session("aplab kernel 5.17", "aplab host --adapters 5 --domains 4", "echo -5 > /sys/bus/ap/apmask",
                "echo " + U1 + " > /sys/devices/vfio_ap/matrix/mdev_supported_types/vfio_ap-passthrough/create",
                "echo 5 > /sys/devices/vfio_ap/matrix/" + U1 + "/assign_adapter");
        Path fake2 = dir.resolve("old");
        SysfsImage.of(s.host()).writeTo(fake2);
        p = run(dir, List.of(), "sh", root().resolve("tools/capture-host").toString(), "--root", fake2 + "/");
        assertThat(facts(p.out())).isEqualTo(facts(Snapshot.capture(SysfsImage.of(s.host())).format()))
                .contains("  guest_matrix -\n");
    }

    @Test
    void usageErrors() throws Exception {
        Proc p = run(dir, List.of(), "sh", root().resolve("tools/capture-host").toString(), "--root", dir.resolve("nope").toString());
        assertThat(p.status()).isEqualTo(2);
        assertThat(p.err().strip()).endsWith("nope: no such directory").doesNotContain("\n");
        p = run(dir, List.of(), "sh", root().resolve("tools/capture-host").toString(), "--root", dir.toString());
        assertThat(p.status()).isEqualTo(1);
        assertThat(p.err()).contains("sys/bus/ap: no such directory");
        p = run(dir, List.of(), "sh", root().resolve("tools/capture-host").toString(), "--bogus");
        assertThat(p.status()).isEqualTo(2);
        assertThat(p.err()).contains("unknown argument '--bogus'");
    }

    @Test
    void writesToAFileWithDashO() throws Exception {
        Path fake = fakeTree(session(busyHost()), dir);
        Path out = dir.resolve("snap.txt");
        Proc p = run(dir, List.of(), "sh", root().resolve("tools/capture-host").toString(), "-o", out.toString(),
                "--root", fake.toString());
        assertThat(p.status()).isZero();
        assertThat(p.out()).isEmpty();
        assertThat(Snapshot.isSnapshot(Files.readString(out))).isTrue();
    }
}
