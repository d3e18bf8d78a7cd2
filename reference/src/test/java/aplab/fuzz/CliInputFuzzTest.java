package aplab.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import aplab.cli.Aplab;
import aplab.shell.Session;
import aplab.transcript.Transcript;
import aplab.transcript.TranscriptException;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import picocli.CommandLine;

/**
 * Every file the CLI reads is a transcript ({@code aplab check}, {@code aplab run}): random bytes,
 * structured Markdown with broken fences and {@code $} lines, and command lines of the transcript
 * language full of junk. The reader answers with a transcript or a one-line error naming the
 * file; {@code aplab check} exits 0, 1 or 2 with a closing count or that one line; no command line
 * makes the shell report an internal error (an exception inside the model).
 */
class CliInputFuzzTest {
    private static final AtomicLong FILES = new AtomicLong();
    private static final AtomicLong UNREADABLE = new AtomicLong();
    private static final AtomicLong LINES = new AtomicLong();
    private static Path dir;

    private static synchronized Path dir() throws IOException {
        if (dir == null) {
            dir = Files.createTempDirectory("aplab-fuzz");
        }
        return dir;
    }

    record Run(int status, String out, String err) {
    }

    static Run aplab(String... args) {
        CommandLine cl = Aplab.commandLine();
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        int status = cl.execute(args);
        return new Run(status, out.toString(), err.toString());
    }

    private static void checkFile(Path f) {
        FILES.incrementAndGet();
        boolean readable;
        try {
            Transcript.read(f);
            readable = true;
        } catch (TranscriptException e) {
            readable = false;
            UNREADABLE.incrementAndGet();
            assertThat(e.oneLine()).doesNotContain("\n").startsWith(f.toString());
        }
        Run r = aplab("check", f.toString());
        assertThat(r.status()).isIn(0, 1, 2);
        assertThat(r.out()).endsWith(r.status() == 0 ? "1 passed, 0 failed\n" : "0 passed, 1 failed\n");
        assertThat(r.out() + r.err()).doesNotContain("internal error", "Exception", "\tat ");
        if (readable) {
            assertThat(r.status()).isIn(0, 1);
            assertThat(r.err()).isEmpty();
        } else {
            assertThat(r.status()).isEqualTo(2);
            assertThat(r.err().split("\n")).hasSize(1);
            assertThat(r.err()).startsWith("aplab: " + f);
        }
    }

    // ------------------------------------------------------------------ files

    @Property(tries = 400, seed = "1124")
    void randomBytesAsATranscript(@ForAll("bytes") byte[] bytes) throws IOException {
        Path f = Files.createTempFile(dir(), "raw", ".md");
        Files.write(f, bytes);
        checkFile(f);
    }

    @Provide
    Arbitrary<byte[]> bytes() {
        return Arbitraries.oneOf(
                Arbitraries.bytes().array(byte[].class).ofMaxSize(300),
                Arbitraries.strings().ofMaxLength(200).map(s -> s.getBytes(StandardCharsets.UTF_8)),
                Arbitraries.of(new byte[0], new byte[] {(byte) 0xff, (byte) 0xfe}, new byte[] {(byte) 0xc3},
                        "```console\n$ cat /sys/bus/ap/apmask\n".getBytes(StandardCharsets.UTF_8),
                        "```console\n$\n```\n".getBytes(StandardCharsets.UTF_8),
                        "\0\n```console\n".getBytes(StandardCharsets.UTF_8)));
    }

    @Property(tries = 500, seed = "4096")
    void structuredMarkdownAsATranscript(@ForAll("markdown") String text) throws IOException {
        Path f = Files.createTempFile(dir(), "md", ".md");
        Files.write(f, text.getBytes(StandardCharsets.UTF_8)); // a lone surrogate becomes '?'
        checkFile(f);
    }

    @Provide
    Arbitrary<String> markdown() {
        Arbitrary<String> line = Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(3, commandLine().map(c -> "$ " + c)),
                net.jqwik.api.Tuple.of(2, Arbitraries.of("```console", "```", "~~~", "   ```console", "    ```console",
                        "```` console", "```console extra", "```sh", "~~~console", "`````")),
                net.jqwik.api.Tuple.of(2, Arbitraries.of("$", "$ ", "$  ", "$x", "# comment", "#", "", "\r", "output",
                        "bash: echo: write error: Invalid argument", "0x" + "f".repeat(64))),
                net.jqwik.api.Tuple.of(1, Junk.unicode()),
                net.jqwik.api.Tuple.of(1, Junk.raw()));
        return Combinators.combine(line.list().ofMaxSize(25), Arbitraries.of("\n", "\n", "\r\n"),
                Arbitraries.of("", "\n")).as((ls, nl, end) -> String.join(nl, ls) + end);
    }

    @Example
    void directoriesAndMissingFilesAreOneLineErrors() throws IOException {
        checkFile(dir());
        checkFile(dir().resolve("no-such-file.md"));
    }

    // ------------------------------------------------------------------ command lines

    @Provide
    Arbitrary<String> commandLine() {
        Arbitrary<String> path = Arbitraries.of("/sys/bus/ap/apmask", "/sys/bus/ap/aqmask", "apmask", "../..", "/",
                "/sys/bus/ap/devices/card05/config", "/sys/bus/ap/drivers/vfio_ap/unbind", "/sys/bus/ap/drivers/vfio_ap/bind",
                "/sys/devices/vfio_ap/matrix/mdev_supported_types/vfio_ap-passthrough/create",
                "/sys/devices/vfio_ap/matrix/11111111-1111-1111-1111-111111111111/assign_adapter",
                "/sys/devices/vfio_ap/matrix/11111111-1111-1111-1111-111111111111/ap_config",
                "/sys/devices/vfio_ap/matrix/11111111-1111-1111-1111-111111111111/remove",
                "/sys/devices/vfio_ap/matrix/11111111-1111-1111-1111-111111111111", "/nowhere", "", "\"\"", "'a b'", ">");
        Arbitrary<String> word = Arbitraries.oneOf(Junk.number(), Junk.maskList(), Junk.uuidish(), Junk.apqnish(),
                Junk.unicode(), Arbitraries.of("-n", "-e", "-ne", "--help", "-h", "--version", "--adapters", "--domains",
                        "--control-domains", "--mdev", "--type", "CEX8", "CEX3A", "--no-apxa", "--max-adapter",
                        "--max-domain", "start", "stop", "show", "g1", "5-6", "0x5,0x6", "none", "\"", "'", "\\", "|",
                        ";", "&", "$(", "`", "<", ">>", "2>", "5>"));
        Arbitrary<String> args = word.list().ofMaxSize(6).map(l -> String.join(" ", l));
        return Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(4, Combinators.combine(Arbitraries.of("echo", "echo -n", "echo -e"), args,
                        Arbitraries.of(" > ", ">", " >> ", " > > "), path).as((e, a, r, p) -> e + " " + a + r + p)),
                net.jqwik.api.Tuple.of(2, Combinators.combine(Arbitraries.of("cat", "ls", "cd"), path, args)
                        .as((c, p, a) -> c + " " + p + " " + a)),
                net.jqwik.api.Tuple.of(4, Combinators.combine(Arbitraries.of("aplab host", "aplab guest start",
                        "aplab guest stop", "aplab guest show", "aplab guest", "aplab lockdep", "aplab kernel", "aplab",
                        "aplab host --adapters", "aplab host --adapters 5 --domains"), args).as((c, a) -> c + " " + a)),
                net.jqwik.api.Tuple.of(1, Junk.raw()),
                net.jqwik.api.Tuple.of(1, Junk.big().map(b -> "echo " + b + " > /sys/bus/ap/apmask")));
    }

    @Property(seed = "31337")
    void noCommandLineCrashesTheShell(@ForAll("commandLine") String first, @ForAll("commandLine") String second) {
        Session s = new Session();
        for (String c : List.of("aplab host --adapters 5,6 --domains 4,0x47", "echo -5,-6 > /sys/bus/ap/apmask",
                "echo 11111111-1111-1111-1111-111111111111 > "
                        + "/sys/devices/vfio_ap/matrix/mdev_supported_types/vfio_ap-passthrough/create",
                first, second, "cat /sys/devices/vfio_ap/matrix/11111111-1111-1111-1111-111111111111/matrix",
                "aplab guest show g1", "aplab lockdep")) {
            LINES.incrementAndGet();
            List<String> out = s.execute(c);
            assertThat(out).as("output of %s", Aplab.class.getSimpleName(), c)
                    .noneMatch(l -> l.startsWith("aplab: internal error"))
                    .noneMatch(l -> l.contains("Exception") || l.contains("\tat "));
        }
    }

    @AfterContainer
    static void report() throws IOException {
        System.out.println("fuzz: cli: " + FILES.get() + " transcript files read and checked (" + UNREADABLE.get()
                + " unreadable, each a one-line error), " + LINES.get() + " command lines run, 0 crashes");
        if (dir != null) {
            try (var s = Files.walk(dir)) {
                s.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }
}
