package aplab.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.DictionaryEntries;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;

/**
 * Any options to {@code aplab explain} on a transcript with two mdevs and a running guest: it exits
 * 0 (explained) or 2 (bad usage, one line), never with a stack trace; {@code --try} and the mask
 * options run on copies, so the file is unchanged and explaining it again afterwards prints the
 * same as before. Input: UTF-8 text, one argument per line (at most 8). Committed inputs:
 * {@code src/test/resources/aplab/fuzz/ExplainFuzzTestInputs/anyOptions}.
 */
class ExplainFuzzTest {
    static final Fuzz.Tally TALLY = new Fuzz.Tally("explain");
    private static Path host;
    private static String plain;

    private static synchronized Path host() {
        if (host == null) {
            String md = String.join("\n", "```console", "$ aplab host --adapters 5,6 --domains 4,0x47",
                    "$ echo -5,-6 > /sys/bus/ap/apmask",
                    "$ echo " + Fuzz.U1 + " > /sys/devices/vfio_ap/matrix/mdev_supported_types/vfio_ap-passthrough/create",
                    "$ echo " + Fuzz.U2 + " > /sys/devices/vfio_ap/matrix/mdev_supported_types/vfio_ap-passthrough/create",
                    "$ echo 5 > /sys/devices/vfio_ap/matrix/" + Fuzz.U1 + "/assign_adapter",
                    "$ echo 4 > /sys/devices/vfio_ap/matrix/" + Fuzz.U1 + "/assign_domain",
                    "$ aplab guest start g1 --mdev " + Fuzz.U1, "```", "");
            host = Fuzz.file(".md", md.getBytes(StandardCharsets.UTF_8));
            plain = Cli.run("explain", host.toString()).out();
        }
        return host;
    }

    @FuzzTest(maxDuration = "10m")
    @DictionaryEntries({"--mdev", "--apqn", "--apmask", "--aqmask", "--try", "--kernel", Fuzz.U1, Fuzz.U2, "05.0004",
        "echo ", " > /sys/bus/ap/apmask", " > /sys/bus/ap/devices/card05/config", "/assign_adapter", "+5", "-4", "0x",
        "6.0", "5.17", "\\x0A"})
    void anyOptions(byte[] input) {
        Path f = host();
        byte[] before = bytes(f);
        List<String> args = new ArrayList<>(List.of("explain", f.toString()));
        String[] lines = new String(input, StandardCharsets.UTF_8).split("\n", -1);
        for (int i = 0; i < Math.min(8, lines.length); i++) {
            args.add(lines[i]);
        }
        String what = "aplab " + String.join(" ", args.subList(2, args.size()).stream().map(Fuzz::printable).toList());
        Cli r = Cli.run(args.toArray(String[]::new)).wellBehaved(what, String.join("\n", args));
        TALLY.add("exit-" + r.status());
        assertThat(r.status()).as(what).isIn(0, 2);
        if (r.status() == 0) {
            assertThat(r.err()).as("errors of %s", what).isEmpty();
            if (helpRequested(args)) {
                // an argument such as "-ho..." clusters -h: picocli prints the usage, exit 0
                TALLY.add("help");
                assertThat(r.out()).as("output of %s", what).matches("(?s)(Usage: aplab explain |aplab ).*");
            } else {
                assertThat(r.out()).as("output of %s", what).startsWith("host: ");
            }
        }
        if (args.contains("--try") || args.contains("--apmask") || args.contains("--aqmask")) {
            TALLY.add("what-if");
        }
        assertThat(bytes(f)).as("the host file after %s", what).isEqualTo(before);
        assertThat(Cli.run("explain", f.toString()).out()).as("explain after %s", what).isEqualTo(plain);
    }

    /** Whether picocli reads a usage or version help request in the arguments. */
    private static boolean helpRequested(List<String> args) {
        try {
            picocli.CommandLine.ParseResult p = aplab.cli.Aplab.commandLine().parseArgs(args.toArray(String[]::new));
            for (picocli.CommandLine.ParseResult q = p; q != null; q = q.subcommand()) {
                if (q.isUsageHelpRequested() || q.isVersionHelpRequested()) {
                    return true;
                }
            }
            return false;
        } catch (picocli.CommandLine.ParameterException e) {
            return false;
        }
    }

    private static byte[] bytes(Path f) {
        try {
            return Files.readAllBytes(f);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @AfterAll
    static void report() {
        System.out.println(TALLY.summary());
    }
}
