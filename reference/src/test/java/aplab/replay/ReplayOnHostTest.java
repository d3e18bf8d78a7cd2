package aplab.replay;

import static aplab.snapshot.RealHostFixture.*;
import static org.assertj.core.api.Assertions.assertThat;

import aplab.shell.Session;
import aplab.transcript.Transcript;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * tools/replay-on-host against fake sysfs trees made from modelled hosts: where the tree is the
 * model's end state the replayed transcript is the original one (plus notes), and aplab check
 * passes; where the tree differs, aplab check shows the difference.
 */
class ReplayOnHostTest {
    @TempDir
    Path dir;

    private static Path tool() {
        return root().resolve("tools/replay-on-host");
    }

    /** The end state of a transcript as a fake tree. */
    private Path endState(Path transcript) throws Exception {
        Session s = new Session();
        for (Transcript.Command c : Transcript.read(transcript).commands()) {
            s.execute(c.command());
        }
        return fakeTree(s, dir);
    }

    /** A stand-in for s390-tools' lszcrypt: the model's lszcrypt on SYSFS_ROOT. */
    private Path lszcrypt() throws Exception {
        Path p = dir.resolve("lszcrypt");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Files.writeString(p, "#!/bin/sh\nexec '" + java + "' -cp '" + System.getProperty("java.class.path")
                + "' aplab.lszcrypt.Lszcrypt \"$@\"\n");
        Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxr-xr-x"));
        return p;
    }

    private Proc replay(String shell, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(shell, tool().toString()));
        cmd.addAll(List.of(args));
        return run(dir, List.of(), cmd.toArray(String[]::new));
    }

    private static String withoutNotes(String text) {
        StringBuilder b = new StringBuilder();
        for (String l : text.split("\n", -1)) {
            if (!l.startsWith("# replay-on-host: ")) {
                b.append(l).append('\n');
            }
        }
        return b.substring(0, b.length() - 1);
    }

    @Test
    void scriptIsPosix() throws Exception {
        for (String sh : shells()) {
            assertThat(run(dir, List.of(), sh, "-n", tool().toString()).status()).as(sh).isZero();
        }
    }

    @Test
    void goldenReplaysToItselfOnTheModelsTree() throws Exception {
        Path golden = root().resolve("golden/transcripts/real-host-replay.md");
        Path fake = endState(golden);
        Path lsz = lszcrypt();
        for (String sh : shells()) {
            Path out = dir.resolve("real-" + sh.replace('/', '_') + ".md");
            Proc p = replay(sh, "--root", fake.toString(), "--lszcrypt", lsz.toString(), "-o", out.toString(), golden.toString());
            assertThat(p.status()).as(p.err()).isZero();
            assertThat(p.err()).isEqualTo("replay-on-host: " + golden + ": ran 17 commands on " + fake
                    + " (kernel 6.19.0-aplab-mainline), left out 2\n");
            String real = Files.readString(out);
            assertThat(real).contains("# replay-on-host: not run on the host: an aplab command (firmware or hypervisor); "
                    + "output as the model has it\n$ aplab guest start vm1");
            assertThat(withoutNotes(real)).isEqualTo(Files.readString(golden));
            Run check = aplab("check", out.toString());
            assertThat(check.out()).isEqualTo("1 passed, 0 failed\n");
        }
    }

    /** A host that disagrees with the model: aplab check on the replayed file shows where. */
    @Test
    void aDisagreeingHostShowsUpInAplabCheck() throws Exception {
        Path golden = root().resolve("golden/transcripts/real-host-replay.md");
        Path fake = endState(golden);
        // this "host" kept adapter 06 in the guest although 06.0047 left vfio_ap
        Files.writeString(fake.resolve("sys/devices/vfio_ap/matrix/33333333-3333-3333-3333-333333333333/guest_matrix"),
                "05.0004\n05.0047\n06.0004\n06.0047\n");
        Path out = dir.resolve("real.md");
        Proc p = replay("sh", "--root", fake.toString(), "--lszcrypt", lszcrypt().toString(), "-o", out.toString(),
                golden.toString());
        assertThat(p.status()).isZero();
        Run check = aplab("check", out.toString());
        assertThat(check.status()).isEqualTo(1);
        assertThat(check.out()).contains(" 05.0047\n-06.0004\n-06.0047\n $ cat control_domains").endsWith("0 passed, 1 failed\n");
    }

    @Test
    void errorsRewritesAndWhatIsNotRun() throws Exception {
        Session s = session("aplab host --adapters 5 --domains 4", "echo -5 > /sys/bus/ap/apmask");
        Path fake = fakeTree(s, dir);
        Path t = dir.resolve("t.md");
        Files.writeString(t, String.join("\n", "# title", "", "```console", "$ aplab host --adapters 5 --domains 4",
                "$ cat /sys/bus/ap/apmask", "stale expected output", "# a comment", "$ cd /sys/bus/ap/devices/nope",
                "$ cd /sys/bus/ap/devices", "$ ls 05.0004", "$ cat 05.0004/nope", "$ echo a; echo b", "b",
                "$ mdevctl list", "kept", "$ cd", "$ ls sys/bus", "```", "", "```text", "$ cat /etc/passwd", "```", ""));
        Proc p = replay("sh", "--root", fake.toString(), t.toString());
        assertThat(p.status()).isZero();
        assertThat(p.out()).isEqualTo(String.join("\n", "# title", "", "```console",
                "# replay-on-host: not run on the host: an aplab command (firmware or hypervisor); output as the model has it",
                "$ aplab host --adapters 5 --domains 4",
                "$ cat /sys/bus/ap/apmask", "0xfb" + "f".repeat(62),
                "# a comment",
                "$ cd /sys/bus/ap/devices/nope", "bash: cd: /sys/bus/ap/devices/nope: No such file or directory",
                "$ cd /sys/bus/ap/devices", "$ ls 05.0004", "ap_functions", "chkstop", "config", "driver", "interrupt", "pendingq_count",
                "request_count", "requestq_count", "reset", "status", "subsystem", "uevent",
                "$ cat 05.0004/nope", "cat: 05.0004/nope: No such file or directory",
                "# replay-on-host: not run: shell syntax beyond one command and a redirection", "$ echo a; echo b", "b",
                "# replay-on-host: not run: only echo, cat, ls, cd and lszcrypt are replayed", "$ mdevctl list", "kept",
                "$ cd", "$ ls sys/bus", "ap", "matrix", "mdev", "```", "", "```text", "$ cat /etc/passwd", "```", ""));
        // the dry run lists what would run, rewritten under the root
        p = replay("sh", "--root", fake.toString(), "-n", t.toString());
        assertThat(p.out()).startsWith("cat " + fake + "/sys/bus/ap/apmask\ncd " + fake + "/sys/bus/ap/devices/nope\n");
        // unreadable transcripts: one line with file and line, status 2
        Path bad = dir.resolve("bad.md");
        Files.writeString(bad, "prose\n```console\n$ cat /sys/bus/ap/apmask\n");
        p = replay("sh", "--root", fake.toString(), bad.toString());
        assertThat(p.status()).isEqualTo(2);
        assertThat(p.err()).isEqualTo("replay-on-host: " + bad + ":2: code block opened here is never closed\n");
        assertThat(p.out()).isEmpty();
        Files.writeString(bad, "```console\n$\n```\n");
        p = replay("sh", bad.toString());
        assertThat(p.err()).isEqualTo("replay-on-host: " + bad + ":2: a '$' line needs a command after '$ '\n");
        p = replay("sh", dir.resolve("none.md").toString());
        assertThat(p.status()).isEqualTo(2);
        assertThat(p.err()).isEqualTo("replay-on-host: " + dir.resolve("none.md") + ": no such file\n");
        p = replay("sh", "--root", dir.resolve("nowhere").toString(), t.toString());
        assertThat(p.err()).isEqualTo("replay-on-host: --root " + dir.resolve("nowhere") + ": no such directory\n");
    }

    /** Writes go to the (fake) host: a write error is reported as bash reports it. */
    @Test
    void writeErrorsAsBashPrintsThem() throws Exception {
        Path fake = fakeTree(session("aplab host --adapters 5 --domains 4"), dir);
        Path t = dir.resolve("w.md");
        Files.writeString(t, "```console\n$ echo 1 > /sys/bus/ap/nope/x\n$ echo 1 > /dev/full\n```\n");
        Proc p = replay("sh", "--root", fake.toString(), "--shell", "bash", t.toString());
        assertThat(p.out()).isEqualTo("```console\n$ echo 1 > /sys/bus/ap/nope/x\nbash: /sys/bus/ap/nope/x: No such file or directory\n"
                + "$ echo 1 > /dev/full\nbash: /dev/full: No such file or directory\n```\n");
    }
}
