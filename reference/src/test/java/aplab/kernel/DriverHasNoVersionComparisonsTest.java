package aplab.kernel;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Driver code decides by commit ({@code kernel.has(Commit.X)}), never by version: no named kernel
 * constant (only {@code Kernel.DEFAULT}, the default host's), no comparison of a kernel with
 * another, no kernel name or release number in a test.
 * The packages checked are those that model the kernel (AP bus, vfio_ap, KVM, sysfs, the host,
 * lockdep, and what reasons about their state: explain, check, lszcrypt, mdevctl).
 */
class DriverHasNoVersionComparisonsTest {
    static final List<String> DRIVER_PACKAGES = List.of("ap", "vfioap", "kvm", "sysfs", "host", "lockdep", "explain",
            "check", "lszcrypt", "mdevctl");

    /** What a version decision looks like in Java source. */
    static final List<Pattern> FORBIDDEN = List.of(
            Pattern.compile("Kernel\\.(V\\d\\w*|MAINLINE)\\b"),
            Pattern.compile("[=!]=\\s*Kernel\\."),
            Pattern.compile("\\b(version|kernel)\\(\\)\\s*[=!]="),
            Pattern.compile("\\bversion\\s*[=!]=\\s*"),
            Pattern.compile("(version|kernel)(\\(\\))?\\.(name|release|base)\\(\\)\\s*\\.\\s*(equals|compareTo|startsWith)\\("),
            Pattern.compile("\"\\d+\\.\\d+\"\\s*\\.\\s*equals\\("),
            Pattern.compile("\\.(dynamic|hasApConfig|hasFeatures|filtersWholeMatrix)\\(\\)"));

    static Path sources() {
        return Path.of(System.getProperty("aplab.root", "..")).toAbsolutePath().normalize()
                .resolve("reference/src/main/java/aplab");
    }

    /** Every forbidden construct in the files under dir, as "file:line: text". */
    static List<String> violations(Path dir) throws IOException {
        List<String> out = new ArrayList<>();
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".java")).sorted().toList()) {
                List<String> lines = Files.readAllLines(f);
                for (int i = 0; i < lines.size(); i++) {
                    String code = lines.get(i).replaceFirst("//.*$", "");
                    if (code.trim().startsWith("*") || code.trim().startsWith("/*")) {
                        continue;
                    }
                    for (Pattern p : FORBIDDEN) {
                        if (p.matcher(code).find()) {
                            out.add(dir.relativize(f) + ":" + (i + 1) + ": " + lines.get(i).trim());
                            break;
                        }
                    }
                }
            }
        }
        return out;
    }

    @Test
    void driverPackagesAskForCommitsOnly() throws IOException {
        List<String> found = new ArrayList<>();
        for (String pkg : DRIVER_PACKAGES) {
            Path dir = sources().resolve(pkg);
            assertThat(dir).as("driver package %s", pkg).isDirectory();
            found.addAll(violations(dir));
        }
        assertThat(found).as("version decisions in driver code (ask kernel.has(Commit.X) instead)").isEmpty();
    }

    @Test
    void theCheckFindsEachKindOfVersionDecision(@org.junit.jupiter.api.io.TempDir Path tmp) throws IOException {
        List<String> bad = List.of(
                "if (version == Kernel.MAINLINE) {",
                "boolean old = host.version() != Kernel.V6_0;",
                "if (kernel.name().equals(\"6.12\")) {",
                "if (version.dynamic()) {",
                "if (\"6.0\".equals(k.release())) {");
        for (int i = 0; i < bad.size(); i++) {
            Files.writeString(tmp.resolve("F" + i + ".java"), "class F" + i + " {\n  void f() {\n    " + bad.get(i) + "\n  }\n}\n");
        }
        Files.writeString(tmp.resolve("Good.java"), "class Good {\n  void f() {\n    if (version.has(Commit.SHADOW_APCB)) {}\n"
                + "    // a comment naming Kernel.MAINLINE is fine\n  }\n}\n");
        List<String> v = violations(tmp);
        assertThat(v).hasSize(bad.size());
        assertThat(v).noneMatch(s -> s.startsWith("Good.java"));
    }
}
