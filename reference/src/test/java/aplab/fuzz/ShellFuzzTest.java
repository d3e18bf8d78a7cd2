package aplab.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import aplab.check.Invariants;
import aplab.host.HostState;
import aplab.kernel.Kernel;
import aplab.shell.Session;
import aplab.shell.ShellWords;
import com.code_intelligence.jazzer.junit.DictionaryEntries;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.AfterAll;

/**
 * Shell lines, redirections included, on a host with two mdevs and a running guest: no line makes
 * the shell report an internal error or print a stack trace; a line the shell refuses before
 * running anything (unsupported syntax, a redirection target that cannot be opened) changes
 * nothing at all; an {@code echo} whose single write is refused changes nothing; on mainline the
 * invariants hold after every line.
 *
 * <p>Input: UTF-8 text, each line one command line (at most 4 run). Committed inputs:
 * {@code src/test/resources/aplab/fuzz/ShellFuzzTestInputs/anyLines}.
 */
class ShellFuzzTest {
    static final Fuzz.Tally TALLY = new Fuzz.Tally("shell");
    private static final List<String> SETUP = List.of("aplab host --adapters 5,6,7 --domains 4,0x47",
            "echo -5,-6 > /sys/bus/ap/apmask",
            "echo " + Fuzz.U1 + " > /sys/devices/vfio_ap/matrix/mdev_supported_types/vfio_ap-passthrough/create",
            "echo " + Fuzz.U2 + " > /sys/devices/vfio_ap/matrix/mdev_supported_types/vfio_ap-passthrough/create",
            "echo 5 > /sys/devices/vfio_ap/matrix/" + Fuzz.U1 + "/assign_adapter",
            "echo 4 > /sys/devices/vfio_ap/matrix/" + Fuzz.U1 + "/assign_domain",
            "aplab guest start g1 --mdev " + Fuzz.U1);

    @FuzzTest(maxDuration = "10m")
    @DictionaryEntries({"echo ", "cat ", "ls ", "cd ", "lszcrypt", "aplab host ", "aplab guest start g1 --mdev ",
        "aplab guest stop g1", " > ", " >> ", " 2> ", " 2>&1", " 1> ", "/dev/null", "/nonexistent/x", "/sys/bus/ap/apmask",
        "/sys/bus/ap/aqmask", "/sys/devices/vfio_ap/matrix/", "/assign_adapter", "/assign_domain", "/remove",
        "/sys/bus/ap/devices/card05/config", "/sys/bus/ap/drivers/vfio_ap/bind", "05.0004", Fuzz.U1, Fuzz.U2, "'", "\\\"",
        "\\\\", "\\x0A", "--adapters ", "--domains ", "-n ", "-e "})
    void anyLines(byte[] input) {
        Session s = new Session();
        for (String c : SETUP) {
            assertThat(s.execute(c)).as(c).isEmpty();
        }
        String[] lines = new String(input, StandardCharsets.UTF_8).split("\n", -1);
        for (int i = 0; i < Math.min(4, lines.length); i++) {
            line(s, lines[i]);
        }
    }

    private static void line(Session s, String line) {
        String before = HostState.withCounters(s.host());
        List<String> out = s.execute(line);
        String after = HostState.withCounters(s.host());
        TALLY.add("lines");
        String what = "line " + Fuzz.printable(line);
        assertThat(Fuzz.failures(String.join("\n", out), line)).as("Java failures in the output of %s:%n%s", what,
                String.join("\n", out)).isEmpty();
        ShellWords.Parsed p = ShellWords.parse(line);
        boolean refusedBeforeRunning = p.unsupported() != null
                || out.size() == 1 && p.redirects().stream().anyMatch(r -> !r.dup() && out.get(0).startsWith("bash: " + r.target() + ": "));
        boolean refusedEcho = !p.words().isEmpty() && p.words().get(0).equals("echo") && line.length() < 4000
                && out.stream().anyMatch(l -> l.startsWith("bash: echo: write error: "));
        if (refusedBeforeRunning) {
            TALLY.add(p.unsupported() != null ? "unsupported-syntax" : "redirection-refused");
            assertThat(after).as("state after the refused %s:\n%s", what, Invariants.diff(before, after)).isEqualTo(before);
        } else if (refusedEcho) {
            TALLY.add("echo-write-refused");
            assertThat(after).as("state after the refused %s:\n%s", what, Invariants.diff(before, after)).isEqualTo(before);
        } else {
            TALLY.add(before.equals(after) ? "ran-state-unchanged" : "ran-state-changed");
        }
        if (!p.redirects().isEmpty()) {
            TALLY.add("with-redirections");
        }
        if (s.host().version().equals(Kernel.MAINLINE)) {
            assertThat(Invariants.check(s.host())).as("invariants after %s", what).isEmpty();
        }
    }

    @AfterAll
    static void report() {
        System.out.println(TALLY.summary());
    }
}
