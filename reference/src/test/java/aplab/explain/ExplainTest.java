package aplab.explain;

import static aplab.snapshot.RealHostFixture.*;
import static org.assertj.core.api.Assertions.assertThat;

import aplab.ap.Apqn;
import aplab.shell.Session;
import aplab.snapshot.HostLoader;
import aplab.snapshot.Snapshot;
import aplab.snapshot.SysfsImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** aplab explain: the reasons, "who holds it", and what-if on a copy. */
class ExplainTest {
    @TempDir
    Path dir;

    private static String line(List<String> out, String apqnOrPrefix) {
        for (String l : out) {
            if (l.strip().startsWith(apqnOrPrefix)) {
                return l.strip();
            }
        }
        throw new AssertionError("no line for " + apqnOrPrefix + " in\n" + String.join("\n", out));
    }

    private static Session standard(String... more) {
        Session s = session("aplab host --adapters 5,6 --domains 4,0x47", "echo -5,-6 > /sys/bus/ap/apmask",
                "echo " + U1 + " > /sys/devices/vfio_ap/matrix/mdev_supported_types/vfio_ap-passthrough/create",
                "echo 5 > /sys/devices/vfio_ap/matrix/" + U1 + "/assign_adapter",
                "echo 6 > /sys/devices/vfio_ap/matrix/" + U1 + "/assign_adapter",
                "echo 4 > /sys/devices/vfio_ap/matrix/" + U1 + "/assign_domain",
                "echo 0x47 > /sys/devices/vfio_ap/matrix/" + U1 + "/assign_domain");
        for (String c : more) {
            assertThat(s.execute(c)).as(c).isEmpty();
        }
        return s;
    }

    @Test
    void everyQueueInTheGuest() {
        Session s = standard("aplab guest start g1 --mdev " + U1);
        List<String> out = new Explainer(s, null).explain(null);
        assertThat(out.get(0)).isEqualTo("mdev " + U1 + " (guest g1 is running with it)");
        assertThat(out.subList(1, 5)).containsExactly("  05.0004  guest has it", "  05.0047  guest has it",
                "  06.0004  guest has it", "  06.0047  guest has it");
    }

    @Test
    void resetFailedThenTheAdapterGoesWhole() {
        Session s = standard();
        // the next reset of 06.0047 ends with response code 0x05 (busy): unbinding 06.0004 unplugs
        // adapter 06 and resets its queues; binding it again filters with 06.0047 not passable
        s.host().vfioAp().injectResetResponse(new Apqn(6, 0x47), 0x05);
        assertThat(s.execute("echo 06.0004 > /sys/bus/ap/drivers/vfio_ap/unbind")).isEmpty();
        assertThat(s.execute("echo 06.0004 > /sys/bus/ap/drivers/vfio_ap/bind")).isEmpty();
        List<String> out = new Explainer(s, null).explain(U1);
        assertThat(line(out, "06.0047")).isEqualTo("06.0047  a guest would not get it: the last reset of queue 06.0047 ended "
                + "with response code 0x05 (busy): vfio_ap gives no guest a queue whose reset did not complete");
        assertThat(line(out, "06.0004")).isEqualTo("06.0004  a guest would not get it: adapter 06 is dropped whole because "
                + "queue 06.0047 cannot be passed: the APCB cannot hold a partial adapter (the last reset of queue 06.0047 "
                + "ended with response code 0x05 (busy): vfio_ap gives no guest a queue whose reset did not complete)");
        assertThat(line(out, "05.0004")).isEqualTo("05.0004  a guest would get it (it is in guest_matrix)");
    }

    @Test
    void notProbedAndMissingQueuesAndTheHostConfiguration() {
        Session s = standard("echo 05.0004 > /sys/bus/ap/drivers/vfio_ap/unbind",
                "aplab host --adapters 5 --domains 4,0x47");
        List<String> out = new Explainer(s, null).explain(null);
        assertThat(line(out, "05.0004")).startsWith("05.0004  a guest would not get it: queue 05.0004 is bound to no driver: "
                + "it was unbound, or the AP bus has not probed it yet; echo 05.0004 > /sys/bus/ap/drivers/vfio_ap/bind");
        assertThat(line(out, "05.0047")).startsWith("05.0047  a guest would not get it: adapter 05 is dropped whole because "
                + "queue 05.0004 is missing: the APCB cannot hold a partial adapter");
        assertThat(line(out, "06.0004")).isEqualTo("06.0004  a guest would not get it: adapter 06 is not in the host's AP "
                + "configuration (ap_adapter_mask): the LPAR does not have it; vfio_ap plugs it in when it arrives");
    }

    @Test
    void deconfiguredCardAndKernelSixZero() {
        // the guest's stop resets the queue of the configured-off card: response code 0x03.
        // mainline passes a deconfigured queue; 6.0 passes only queues whose reset ended normally
        for (String k : List.of("mainline", "6.0")) {
            Session s = session("aplab kernel " + k, "aplab host --adapters 5 --domains 4", "echo -5 > /sys/bus/ap/apmask",
                    "echo " + U1 + " > /sys/devices/vfio_ap/matrix/mdev_supported_types/vfio_ap-passthrough/create",
                    "echo 5 > /sys/devices/vfio_ap/matrix/" + U1 + "/assign_adapter",
                    "echo 4 > /sys/devices/vfio_ap/matrix/" + U1 + "/assign_domain",
                    "echo 0 > /sys/bus/ap/devices/card05/config", "aplab guest start g1 --mdev " + U1,
                    "aplab guest stop g1", "echo 0x50 > /sys/devices/vfio_ap/matrix/" + U1 + "/assign_domain");
            List<String> out = new Explainer(s, null).explain(null);
            if (k.equals("mainline")) {
                assertThat(line(out, "05.0004")).isEqualTo("05.0004  a guest would get it (it is in guest_matrix); but card 05 "
                        + "is configured off: the guest sees the queue deconfigured until the card is configured on (echo 1 > "
                        + "/sys/bus/ap/devices/card05/config)");
            } else {
                assertThat(line(out, "05.0004")).isEqualTo("05.0004  a guest would not get it: the last reset of queue 05.0004 "
                        + "ended with response code 0x03 (deconfigured): vfio_ap gives no guest a queue whose reset did not "
                        + "complete (this kernel passes only queues whose reset ended normally; 6.6 and later also pass "
                        + "deconfigured and checkstopped ones)");
            }
            assertThat(line(out, "05.0050")).startsWith("05.0050  a guest would not get it: domain 0050 is not in the host's AP "
                    + "configuration");
        }
    }

    @Test
    void preDynamicKernelGivesTheMatrixUnfiltered() {
        Session s = session("aplab kernel 5.17", "aplab host --adapters 5 --domains 4", "echo -5 > /sys/bus/ap/apmask",
                "echo " + U1 + " > /sys/devices/vfio_ap/matrix/mdev_supported_types/vfio_ap-passthrough/create",
                "echo 5 > /sys/devices/vfio_ap/matrix/" + U1 + "/assign_adapter",
                "echo 4 > /sys/devices/vfio_ap/matrix/" + U1 + "/assign_domain",
                "aplab guest start g1 --mdev " + U1, "echo +5 > /sys/bus/ap/apmask");
        assertThat(line(new Explainer(s, null).explain(null), "05.0004")).isEqualTo("05.0004  guest has it: Linux 5.17 gives "
                + "the guest the matrix as assigned, unfiltered; but queue 05.0004 is bound to cex4queue, so the host may use "
                + "it at the same time");
    }

    /**
     * A snapshot from a host whose kernel let an assigned APQN go back to cex4queue (the model
     * refuses that assignment): explain names the two mask bits and the writes that free it.
     */
    @Test
    void snapshotWithAnAssignedQueueOnTheHostDriver() throws Exception {
        Session s = session("aplab host --adapters 5,6 --domains 4,0x47", "echo -5,-6 > /sys/bus/ap/apmask",
                "echo " + U1 + " > /sys/devices/vfio_ap/matrix/mdev_supported_types/vfio_ap-passthrough/create",
                "echo 5 > /sys/devices/vfio_ap/matrix/" + U1 + "/assign_adapter",
                "echo 4 > /sys/devices/vfio_ap/matrix/" + U1 + "/assign_domain");
        // a host state the model cannot reach, written as a snapshot (its closing line made anew)
        String snap = Snapshot.capture(SysfsImage.of(s.host())).format().replaceAll("end bytes=.*\n$", "")
                .replace("apmask 0xf9ff", "apmask 0xfdff")
                .replace("queue 05.0004 driver=vfio_ap config=1 online=- status=assigned",
                        "queue 05.0004 driver=cex4queue config=1 online=1 status=-")
                .replace("queue 05.0047 driver=vfio_ap config=1 online=- status=unassigned",
                        "queue 05.0047 driver=cex4queue config=1 online=1 status=-");
        Path f = dir.resolve("odd.snap");
        Files.writeString(f, Snapshot.withEnd(snap));
        HostLoader.Loaded l = HostLoader.load(f, null);
        assertThat(l.findings()).anySatisfy(x -> assertThat(x).startsWith("the model refuses 'echo 0x4 > " + U1
                + "/assign_domain', which the host's state implies: bash: echo: write error: Cannot assign requested address"));
        List<String> out = new Explainer(l.session(), l::session).withHostMatrices(Map.of(U1, List.of("05.0004"))).explain(null);
        assertThat(line(out, "05.0004")).isEqualTo("05.0004  the host has it assigned, but the model could not assign it when it "
                + "rebuilt the host; a guest would not get it: queue 05.0004 is bound to cex4queue (the host's crypto driver) "
                + "because adapter 05 is set in apmask and domain 0004 is set in aqmask; either write frees it: "
                + "'echo -0x5 > /sys/bus/ap/apmask' (it also gives 05.0047 to vfio_ap) or "
                + "'echo -0x4 > /sys/bus/ap/aqmask' (it moves no other queue)");
        Run r = aplab("explain", f.toString());
        assertThat(r.status()).isZero();
        assertThat(r.out()).startsWith("host: snapshot odd.snap of kernel 6.19.0-aplab-mainline, modelled as Linux mainline (the model "
                + "disagrees with the host in ").contains("the host has it assigned, but the model could not assign it");
    }

    @Test
    void whatIfRunsOnACopyAndLeavesTheHostAlone() {
        String[] cmds = {"aplab host --adapters 5,6 --domains 4,0x47", "echo -5,-6 > /sys/bus/ap/apmask",
            "echo " + U1 + " > /sys/devices/vfio_ap/matrix/mdev_supported_types/vfio_ap-passthrough/create",
            "echo 5 > /sys/devices/vfio_ap/matrix/" + U1 + "/assign_adapter",
            "echo 4 > /sys/devices/vfio_ap/matrix/" + U1 + "/assign_domain", "aplab guest start g1 --mdev " + U1};
        List<String> out = WhatIf.run(() -> session(cmds), "echo -4 > /sys/bus/ap/aqmask");
        assertThat(out).containsExactly("what 'echo -4 > /sys/bus/ap/aqmask' would do (run on a copy of this host):",
                "  it succeeds", "  aqmask becomes 0xf7ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff");
        out = WhatIf.run(() -> session(cmds), "echo 5 > /sys/devices/vfio_ap/matrix/" + U1 + "/unassign_adapter");
        assertThat(out).contains("  mdev " + U1 + ": matrix loses 05.0004", "  mdev " + U1 + ": guest_matrix loses 05.0004",
                "  guest g1 loses adapters 05");
        out = WhatIf.run(() -> session(cmds), "echo 6 > /sys/devices/vfio_ap/matrix/" + U1 + "/assign_adapter");
        assertThat(out).contains("  guest g1 gains adapters 06", "  mdev " + U1 + ": guest_matrix gains 06.0004");
        out = WhatIf.run(() -> session(cmds), "echo +0x47 > /sys/bus/ap/aqmask");
        assertThat(out).contains("  nothing changes");
    }

    @Test
    void whatIfPredictsACardConfiguredOffUnderARunningGuest() {
        String[] cmds = {"aplab host --adapters 5,6 --domains 4,0x47", "echo -5,-6 > /sys/bus/ap/apmask",
            "echo " + U1 + " > /sys/devices/vfio_ap/matrix/mdev_supported_types/vfio_ap-passthrough/create",
            "echo 5 > /sys/devices/vfio_ap/matrix/" + U1 + "/assign_adapter",
            "echo 4 > /sys/devices/vfio_ap/matrix/" + U1 + "/assign_domain", "aplab guest start g1 --mdev " + U1};
        List<String> out = WhatIf.run(() -> session(cmds), "echo 0 > /sys/bus/ap/devices/card05/config");
        assertThat(out).containsExactly("what 'echo 0 > /sys/bus/ap/devices/card05/config' would do (run on a copy of this host):",
                "  it succeeds",
                "  card 05 is configured off: its queues 05.0004 05.0047 answer as deconfigured (they stay bound and in every"
                        + " CRYCB: vfio_ap sees no configuration change)",
                "  guest g1 can no longer use 05.0004 (the adapter is deconfigured)");
        String[] off = java.util.Arrays.copyOf(cmds, cmds.length + 1);
        off[cmds.length] = "echo 0 > /sys/bus/ap/devices/card05/config";
        out = WhatIf.run(() -> session(off), "echo 1 > /sys/bus/ap/devices/card05/config");
        assertThat(out).contains("  guest g1 can use 05.0004 again");
        // card 06 is used by no guest: only the card line
        out = WhatIf.run(() -> session(cmds), "echo 0 > /sys/bus/ap/devices/card06/config");
        assertThat(out).hasSize(3).last().asString().startsWith("  card 06 is configured off");
        // writing the value it has changes nothing
        assertThat(WhatIf.run(() -> session(cmds), "echo 1 > /sys/bus/ap/devices/card05/config")).contains("  nothing changes");
    }

    @Test
    void anMdevThatDoesNotExistIsBadUsage() throws Exception {
        Path t = dir.resolve("t.md");
        Files.writeString(t, "```console\n$ aplab host --adapters 5 --domains 4\n$ echo -5 > /sys/bus/ap/apmask\n"
                + "$ echo " + U1 + " > /sys/devices/vfio_ap/matrix/mdev_supported_types/vfio_ap-passthrough/create\n```\n");
        Run r = aplab("explain", t.toString(), "--mdev", "BAD");
        assertThat(r.status()).isEqualTo(2);
        assertThat(r.out()).isEmpty();
        assertThat(r.err()).isEqualTo("aplab: explain: --mdev BAD: no such mdev (the mdevs: " + U1 + ")\n");
        r = aplab("explain", t.toString(), "--mdev", U1.toUpperCase(java.util.Locale.ROOT));
        assertThat(r.status()).isZero();
        assertThat(r.out()).contains("mdev " + U1);
    }

    @Test
    void cliApqnAndErrors() throws Exception {
        Path t = dir.resolve("t.md");
        Files.writeString(t, "```console\n$ aplab host --adapters 5 --domains 4\n```\n");
        Run r = aplab("explain", t.toString(), "--apqn", "05.0004");
        assertThat(r.out()).isEqualTo("host: t.md at its end (Linux mainline)\n05.0004: no mdev has it assigned\n"
                + "host: queue 05.0004 is bound to cex4queue; apmask and aqmask reserve it for the host drivers (adapter 05 "
                + "and domain 0004 are set in both)\n");
        assertThat(aplab("explain", t.toString()).out()).endsWith("no vfio_ap mdev exists: nothing is passed to a guest\n");
        r = aplab("explain", t.toString(), "--apqn", "5.4");
        assertThat(r.status()).isEqualTo(2);
        assertThat(r.err()).isEqualTo("aplab: explain: --apqn 5.4: an APQN is XX.YYYY in hex (05.0047)\n");
        Path bad = dir.resolve("bad.md");
        Files.writeString(bad, "prose\n```console\n$ echo\n");
        r = aplab("explain", bad.toString());
        assertThat(r.status()).isEqualTo(2);
        assertThat(r.err()).isEqualTo("aplab: " + bad + ":2: code block opened here is never closed\n");
        Files.writeString(bad, "just prose\n");
        r = aplab("explain", bad.toString());
        assertThat(r.err().strip()).endsWith("bad.md: neither a host snapshot (no 'aplab-snapshot 2' line) nor a transcript "
                + "with commands (no ```console block with '$ ' lines)");
    }

    @Test
    void goldenBlocks() throws Exception {
        Path golden = root().resolve("golden/transcripts/real-host-explain.md");
        assertThat(checkToolBlocks(golden, dir)).isEqualTo(3);
    }
}
