package aplab.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import aplab.check.HostOp;
import aplab.check.Invariants;
import aplab.host.Host;
import aplab.kernel.Errno;
import aplab.kernel.Kernel;
import aplab.sysfs.Sysfs;
import com.code_intelligence.jazzer.junit.DictionaryEntries;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * Every writable sysfs attribute of the model, fed whatever the fuzzer makes: the write is accepted
 * or refused with an errno (never another exception); a refused store changes nothing at all (the
 * whole {@link aplab.host.HostState#withCounters} state, counters included); on mainline the
 * invariants hold afterwards either way.
 *
 * <p>Input: a first line {@code [KERNEL ]PATH} (KERNEL 5.17 or 6.0, else mainline; a PATH that is
 * not a writable file picks one by its hash), then the bytes written. The committed inputs
 * ({@code src/test/resources/aplab/fuzz/AttributeFuzzTestInputs/anyWrite}) run in every build;
 * {@code JAZZER_FUZZ=1} fuzzes (README, "Fuzzing").
 */
class AttributeFuzzTest {
    static final Fuzz.Tally TALLY = new Fuzz.Tally("attributes");

    @FuzzTest(maxDuration = "10m")
    @DictionaryEntries({"/sys/bus/ap/apmask\\x0A", "/sys/bus/ap/aqmask\\x0A", "assign_adapter", "assign_domain",
        "assign_control_domain", "ap_config", "/sys/devices/vfio_ap/matrix/", Fuzz.U1, Fuzz.U2, "0x", "+", "-", ",",
        "05.0004", "06.0047", "5.17 ", "6.0 ", "\\x0A", "0x47", "255", "256"})
    void anyWrite(byte[] input) {
        String in = Fuzz.latin1(input);
        String head = Fuzz.firstLine(in);
        String data = Fuzz.afterFirstLine(in);
        Kernel v = Kernel.MAINLINE;
        int sp = head.indexOf(' ');
        if (sp > 0 && !head.startsWith("/")) {
            v = Fuzz.kernel(head.substring(0, sp));
            head = head.substring(sp + 1);
        }
        String path = Fuzz.pick(head, Fuzz.writableFiles(v));
        write(v, path, data);
    }

    static void write(Kernel v, String path, String data) {
        Host host = Fuzz.richHost(v);
        Invariants.WriteResult r = Invariants.checkedWrite(host, new Sysfs(host), path, data);
        TALLY.add("writes");
        TALLY.add("to " + Fuzz.attribute(path));
        if (r.blocked()) {
            TALLY.add("blocked");
        } else if (r.errno() != null) {
            TALLY.add("refused " + r.errno().name());
            if (r.violation() == null) {
                TALLY.add("refusals-with-state-unchanged");
            }
        } else {
            TALLY.add("accepted");
        }
        String what = "kernel " + v.name() + ": write " + Fuzz.printable(data) + " (" + data.length() + " bytes) to " + path;
        assertThat(r.violation()).as(what).isNull();
        if (v.equals(Kernel.MAINLINE)) {
            assertThat(Invariants.check(host)).as("invariants after %s", what).isEmpty();
        }
    }

    /** The committed inputs' first lines, from the classpath (the resources directory). */
    static List<String> committedHeads(Class<?> c, String method) throws IOException, URISyntaxException {
        var url = c.getResource(c.getSimpleName() + "Inputs/" + method);
        assertThat(url).as("committed inputs of %s.%s", c.getSimpleName(), method).isNotNull();
        try (Stream<Path> s = Files.list(Path.of(url.toURI()))) {
            return s.sorted().map(p -> {
                try {
                    return Fuzz.firstLine(new String(Files.readAllBytes(p), StandardCharsets.ISO_8859_1));
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }).toList();
        }
    }

    @Test
    void theCommittedInputsWriteToEveryWritableAttribute() throws Exception {
        TreeSet<String> writable = new TreeSet<>();
        Fuzz.writableFiles(Kernel.MAINLINE).forEach(p -> writable.add(Fuzz.attribute(p)));
        TreeSet<String> reached = new TreeSet<>();
        for (String head : committedHeads(AttributeFuzzTest.class, "anyWrite")) {
            String p = head.startsWith("/") ? head : head.substring(head.indexOf(' ') + 1);
            if (Fuzz.writableFiles(Kernel.MAINLINE).contains(p)) {
                reached.add(Fuzz.attribute(p));
            }
        }
        System.out.println("fuzz: " + writable.size() + " writable attribute names, " + Fuzz.writableFiles(
                Kernel.MAINLINE).size() + " writable files; committed inputs name " + reached.size() + " of them");
        TreeSet<String> missing = new TreeSet<>(writable);
        missing.removeAll(reached);
        assertThat(missing).as("writable attributes no committed input of AttributeFuzzTestInputs/anyWrite writes to"
                + " (add a file whose first line is the path)").isEmpty();
    }

    @Test
    void aFewKnownAnswers() {
        Host host = Fuzz.richHost(Kernel.MAINLINE);
        Sysfs s = new Sysfs(host);
        Map<String, Errno> expect = new TreeMap<>();
        expect.put("-1", Errno.EINVAL);
        expect.put("0x", Errno.EINVAL);
        expect.put("256", Errno.ENODEV);
        expect.put("18446744073709551616", Errno.ERANGE);
        expect.put("5 ", Errno.EINVAL);
        expect.put("\u00a05", Errno.EINVAL);
        for (Map.Entry<String, Errno> e : expect.entrySet()) {
            Invariants.WriteResult r = Invariants.checkedWrite(host, s, HostOp.mdev(Fuzz.U2, "assign_domain"), e.getKey() + "\n");
            assertThat(r.errno()).as(Fuzz.printable(e.getKey())).isEqualTo(e.getValue());
            assertThat(r.violation()).isNull();
        }
    }

    @AfterAll
    static void report() {
        System.out.println(TALLY.summary());
    }
}
