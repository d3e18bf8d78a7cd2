package aplab.oracle;

import static aplab.cli.CliRun.aplab;
import static org.assertj.core.api.Assertions.assertThat;

import aplab.cli.CliRun;
import aplab.kernel.Kernel;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code aplab oracle check|run|diff} (what tools/kernel-oracle runs) against stand-in oracle
 * processes: the model behind the protocol, one planted to diverge, one that dies.
 */
class OracleCommandTest {
    static final String K = Kernel.MAINLINE.release();

    @TempDir
    Path dir;


    private Path file(String name, String text) throws IOException {
        Path p = dir.resolve(name);
        Files.writeString(p, text, StandardCharsets.UTF_8);
        return p;
    }

    private static final String GOOD = "```console\n$ aplab host --adapters 5 --domains 4\n$ cat /sys/bus/ap/ap_adapter_mask\n0x04"
            + "0".repeat(62) + "\n```\n";
    private static final String WRONG = "```console\n$ aplab host --adapters 5 --domains 4\n$ cat /sys/bus/ap/ap_adapter_mask\n0x08"
            + "0".repeat(62) + "\n```\n";
    private static final String OTHER_KERNEL = "```console\n$ aplab host --adapters 5 --domains 4\n$ aplab kernel 5.17\n$ cat /sys/bus/ap/apmask\n```\n";

    @Test
    void checkHasAplabChecksFormatAndListsWhatTheOracleCannotRun() throws IOException {
        Path stub = OracleStubs.stubScript(dir, "stub", "--kernel", K);
        CliRun r = aplab("oracle", "check", "--kernel", K, "--oracle", stub.toString(),
                file("good.md", GOOD).toString(), file("wrong.md", WRONG).toString(), file("k.md", OTHER_KERNEL).toString());
        assertThat(r.status()).as(r.err()).isEqualTo(1);
        assertThat(r.out()).contains("--- " + dir.resolve("wrong.md"), "-0x08", "+0x04")
                .contains("not runnable on the oracle (1 files; the first command it cannot run):\n  " + dir.resolve("k.md")
                        + ":3: $ aplab kernel 5.17\n")
                .endsWith("1 passed, 1 failed\n");
        CliRun ok = aplab("oracle", "check", "--kernel", K, "--oracle", stub.toString(), dir.resolve("good.md").toString(),
                dir.resolve("k.md").toString());
        assertThat(ok.status()).isZero();
        assertThat(ok.out()).endsWith("1 passed, 0 failed\n");
        CliRun missing = aplab("oracle", "check", "--kernel", K, "--oracle", stub.toString(), dir.resolve("nope.md").toString());
        assertThat(missing.status()).isEqualTo(2);
        assertThat(missing.err()).isEqualTo("kernel-oracle: " + dir.resolve("nope.md") + ": no such file\n");
        // run: the file with the oracle's outputs
        CliRun run = aplab("oracle", "run", "--kernel", K, "--oracle", stub.toString(), dir.resolve("wrong.md").toString());
        assertThat(run.status()).isZero();
        assertThat(run.out()).isEqualTo(GOOD);
    }

    @Test
    void knownDifferencesAreReportedAndAListedFileThatPassesFails() throws IOException {
        Path stub = OracleStubs.stubScript(dir, "stub", "--kernel", K);
        Path wrong = file("wrong.md", WRONG);
        Path good = file("good.md", GOOD);
        Path list = file("known.txt", "# why these differ\n" + wrong + "  ap_bus: a reason\n");
        CliRun r = aplab("oracle", "check", "--kernel", K, "--oracle", stub.toString(), "--known", list.toString(),
                wrong.toString(), good.toString());
        assertThat(r.status()).as(r.out() + r.err()).isZero();
        assertThat(r.out()).contains("-0x08", "known differences (1 files, listed in " + list + "; diffs above):\n  " + wrong
                + ": ap_bus: a reason\n").endsWith("1 passed, 0 failed\n");
        Path stale = file("stale.txt", good + " fixed long ago\n");
        CliRun s = aplab("oracle", "check", "--kernel", K, "--oracle", stub.toString(), "--known", stale.toString(), good.toString());
        assertThat(s.status()).isEqualTo(1);
        assertThat(s.out()).contains(good + ": listed in " + stale + " as a known difference, but it passes now: take it off the list")
                .endsWith("0 passed, 1 failed\n");
        CliRun bad = aplab("oracle", "check", "--kernel", K, "--oracle", stub.toString(), "--known", file("bad.txt", "lonely\n").toString(),
                good.toString());
        assertThat(bad.status()).isEqualTo(2);
        assertThat(bad.err()).isEqualTo("kernel-oracle: " + dir.resolve("bad.txt") + ":1: a known difference needs a reason after the file name\n");
    }

    @Test
    void noOracleOrADeadOneIsOneLine() throws IOException {
        CliRun none = aplab("oracle", "check", "--kernel", K, "--oracle", dir.resolve("missing-exe").toString(), "x.md");
        assertThat(none.status()).isEqualTo(2);
        assertThat(none.err()).startsWith("kernel-oracle: oracle ").contains("no such file").doesNotContain("Exception")
                .hasLineCount(1);
        // dies on the 3rd command: the first file fails with one line, the second runs on a new process
        Path dying = OracleStubs.stubScript(dir, "dying", "--kernel", K, "--die-after", "2");
        CliRun r = aplab("oracle", "check", "--kernel", K, "--oracle", dying.toString(), file("a.md", GOOD).toString(),
                file("b.md", "```console\n$ cat /sys/bus/ap/ap_adapter_mask\n0x" + "0".repeat(64) + "\n```\n").toString());
        assertThat(r.status()).isEqualTo(1);
        assertThat(r.out()).contains("kernel-oracle: " + dir.resolve("a.md") + ": oracle " + dying
                + " exited with status 70 while answering 'cat /sys/bus/ap/ap_adapter_mask'").endsWith("1 passed, 1 failed\n");
        assertThat(r.out()).doesNotContain("Exception", "\tat ");
    }

    @Test
    void diffAgreesWithAFaithfulOracleAndPrintsItsFigures() throws IOException {
        Path stub = OracleStubs.stubScript(dir, "stub", "--kernel", K);
        CliRun r = aplab("oracle", "diff", "--kernel", K, "--oracle", stub.toString(), "--sequences", "40", "--seed", "5",
                "--out", dir.resolve("div").toString());
        assertThat(r.status()).as(r.out() + r.err()).isZero();
        Matcher m = Pattern.compile("(?m)^40 sequences, (\\d+) commands, 0 divergences$").matcher(r.out());
        assertThat(m.find()).as(r.out()).isTrue();
        assertThat(Long.parseLong(m.group(1))).isGreaterThan(40 * 5);
        assertThat(r.out()).containsPattern("kernel " + Pattern.quote(K) + ", seed 5: [0-9.]+ sequences/s");
        assertThat(dir.resolve("div")).doesNotExist();
        CliRun bad = aplab("oracle", "diff", "--kernel", K, "--oracle", stub.toString(), "--sequences", "0");
        assertThat(bad.status()).isEqualTo(2);
        assertThat(bad.err()).isEqualTo("kernel-oracle: diff: --sequences must be 1..10000000\n");
        CliRun badFrom = aplab("oracle", "diff", "--kernel", K, "--oracle", stub.toString(), "--from", "-1");
        assertThat(badFrom.status()).isEqualTo(2);
        assertThat(badFrom.err()).isEqualTo("kernel-oracle: diff: --from must not be negative\n");
        CliRun badPlant = aplab("oracle", "diff", "--kernel", K, "--oracle", stub.toString(), "--plant", "nonsense");
        assertThat(badPlant.status()).isEqualTo(2);
        assertThat(badPlant.err()).startsWith("kernel-oracle: diff: unknown planted defect 'nonsense' (known: ");
    }

    @Test
    void aDivergingOracleGivesShrunkTranscriptsThatBothChecksJudge() throws IOException {
        // the stand-in for the real driver has a defect planted: the model is the one that is right here,
        // so aplab check fails the written transcripts and the oracle check passes them
        Path planted = OracleStubs.stubScript(dir, "planted", "--kernel", K, "--plant", "skip_hotplug_on_assign");
        Path out = dir.resolve("div");
        CliRun r = aplab("oracle", "diff", "--kernel", K, "--oracle", planted.toString(), "--sequences", "150", "--shrink", "1",
                "--out", out.toString());
        assertThat(r.status()).as(r.out() + r.err()).isEqualTo(1);
        Matcher m = Pattern.compile("(?m)^150 sequences, \\d+ commands, (\\d+) divergences$").matcher(r.out());
        assertThat(m.find()).as(r.out()).isTrue();
        assertThat(Integer.parseInt(m.group(1))).isPositive();
        List<Path> written = new ArrayList<>();
        try (Stream<Path> s = Files.list(out)) {
            s.forEach(written::add);
        }
        assertThat(written).hasSize(1);
        Path f = written.get(0);
        assertThat(r.out()).contains(": shrunk to ").contains(f.toString());
        String text = Files.readString(f);
        assertThat(text).startsWith("# Divergence: the model and the real vfio_ap driver (kernel " + K + ")")
                .contains("$ aplab kernel " + K + "\n", "$ aplab guest show ");
        CliRun model = aplab("check", f.toString());
        assertThat(model.status()).as(model.out()).isEqualTo(1);
        CliRun oracle = aplab("oracle", "check", "--kernel", K, "--oracle", planted.toString(), f.toString());
        assertThat(oracle.status()).as(oracle.out() + oracle.err()).isZero();
        assertThat(oracle.out()).isEqualTo("1 passed, 0 failed\n");
    }
}
