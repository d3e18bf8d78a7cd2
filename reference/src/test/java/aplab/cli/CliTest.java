package aplab.cli;

import static aplab.cli.CliRun.aplab;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CliTest {
    @TempDir
    Path dir;


    private Path file(String name, String text) throws IOException {
        Path p = dir.resolve(name);
        Files.writeString(p, text, StandardCharsets.UTF_8);
        return p;
    }

    private static final String GOOD = "```console\n$ aplab host --adapters 5 --domains 4\n$ cat /sys/bus/ap/ap_max_domain_id\n255\n```\n";
    private static final String BAD = "```console\n$ cat /sys/bus/ap/ap_max_domain_id\n15\n```\n";

    @Test
    void checkPassesAndCounts() throws IOException {
        CliRun r = aplab("check", file("good.md", GOOD).toString());
        assertThat(r.status()).isZero();
        assertThat(r.out()).isEqualTo("1 passed, 0 failed\n");
    }

    @Test
    void checkFailsWithUnifiedDiff() throws IOException {
        CliRun r = aplab("check", file("good.md", GOOD).toString(), file("bad.md", BAD).toString());
        assertThat(r.status()).isEqualTo(1);
        assertThat(r.out()).contains("--- ", "+++ ", "-15", "+255").endsWith("1 passed, 1 failed\n");
    }

    @Test
    void updateRewritesTheFileAndRunPrintsTheSame() throws IOException {
        Path bad = file("bad.md", BAD);
        String printed = aplab("run", bad.toString()).out();
        CliRun r = aplab("check", "--update", bad.toString());
        assertThat(r.status()).isZero();
        assertThat(Files.readString(bad)).isEqualTo(printed).contains("\n255\n");
        assertThat(aplab("check", bad.toString()).status()).isZero();
    }

    @Test
    void unreadableFilesGiveOneLineAndStatus2() throws IOException {
        CliRun missing = aplab("check", dir.resolve("nope.md").toString());
        assertThat(missing.status()).isEqualTo(2);
        assertThat(missing.err().strip()).endsWith("nope.md: no such file").doesNotContain("\n").doesNotContain("Exception");
        CliRun open = aplab("run", file("open.md", "```console\n$ echo\n").toString());
        assertThat(open.status()).isEqualTo(2);
        assertThat(open.err().strip()).endsWith("open.md:1: code block opened here is never closed");
        CliRun dirArg = aplab("check", dir.toString());
        assertThat(dirArg.status()).isEqualTo(2);
        assertThat(dirArg.err().lines().count()).isEqualTo(1);
    }

    @Test
    void junkFileIsNotATranscriptCrash() throws IOException {
        byte[] junk = new byte[4096];
        new java.util.Random(42).nextBytes(junk);
        Path p = dir.resolve("junk.md");
        Files.write(p, junk);
        CliRun r = aplab("check", p.toString());
        assertThat(r.status()).isEqualTo(2);
        assertThat(r.err()).doesNotContain("Exception").contains("junk.md");
    }

    @Test
    void helpAndVersionOnEveryCommand() {
        for (String cmd : new String[] {"check", "run", "shell"}) {
            CliRun help = aplab(cmd, "--help");
            assertThat(help.status()).isZero();
            assertThat(help.out()).contains("Usage: aplab " + cmd);
            CliRun version = aplab(cmd, "--version");
            assertThat(version.out()).startsWith("aplab ");
        }
        assertThat(aplab("--version").out()).contains("mainline");
    }

    @Test
    void badUsageIsOneLinePlusHint() {
        CliRun r = aplab("check");
        assertThat(r.status()).isEqualTo(2);
        assertThat(r.err()).startsWith("aplab: Missing required parameter").contains("--help");
    }
}
