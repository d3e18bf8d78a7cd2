package aplab.cli;

import static aplab.cli.CliRun.aplab;
import static org.assertj.core.api.Assertions.assertThat;

import aplab.kernel.Commit;
import aplab.kernel.Kernel;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code aplab kernel} on the command line, and {@code --kernel} on check and run. */
class KernelCommandTest {
    @Test
    void listShowsEveryNamedKernelAndVerboseItsCommits() {
        CliRun r = aplab("kernel", "--list");
        assertThat(r.status()).isZero();
        assertThat(r.out().lines().map(l -> l.split("\\s+")[0]).toList())
                .containsExactly("5.17", "6.0", "6.1", "6.8", "6.10", "6.12", "6.19", "mainline");
        CliRun v = aplab("kernel", "--list", "-v");
        assertThat(v.out()).contains("  " + Commit.ALWAYS_FILTER_ENTIRE_MATRIX.id());
        int lines = 0;
        for (Kernel k : Kernel.named()) {
            lines += 1 + k.commits().size();
        }
        assertThat(v.out().lines().count()).isEqualTo(lines);
    }

    @Test
    void whatIfKernelsAndErrors() {
        CliRun r = aplab("kernel", "6.1", "--with", "features-attr");
        assertThat(r.status()).isZero();
        assertThat(r.out()).startsWith("6.1 --with features-attr: Debian linux-source-6.1").contains("+ features-attr");
        CliRun bad = aplab("kernel", "6.18");
        assertThat(bad.status()).isEqualTo(2);
        assertThat(bad.err()).startsWith("aplab kernel: unknown kernel '6.18'").doesNotContain("Exception");
        assertThat(aplab("kernel", "--without", "shadow-apcb").status()).isEqualTo(2);
    }

    @Test
    void checkAndRunStartOnTheKernelGiven(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("t.md");
        Files.writeString(f, "```console\n$ aplab host --adapters 5 --domains 4\n$ ls /sys/devices/vfio_ap/matrix\n"
                + "driver\nfeatures\nmdev_supported_types\nsubsystem\nuevent\n```\n");
        assertThat(aplab("check", f.toString()).status()).isZero();
        CliRun old = aplab("check", "--kernel", "6.1", f.toString());
        assertThat(old.status()).isEqualTo(1);
        assertThat(old.out()).contains("-features");
        assertThat(aplab("run", "--kernel", "6.1", f.toString()).out()).doesNotContain("features");
        CliRun bad = aplab("run", "--kernel", "7.0", f.toString());
        assertThat(bad.status()).isEqualTo(2);
        assertThat(bad.err()).startsWith("aplab: run: unknown kernel '7.0'");
    }
}
