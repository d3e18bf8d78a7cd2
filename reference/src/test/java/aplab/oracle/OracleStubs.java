package aplab.oracle;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;

/** Stand-in oracle processes for the tests: the model behind the protocol, run in a fresh JVM. */
final class OracleStubs {
    private OracleStubs() {
    }

    /** {@code java -cp <this test run's classpath> aplab.cli.Aplab oracle stub ARGS}. */
    static List<String> stubCommand(String... args) {
        List<String> c = new ArrayList<>();
        c.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        c.add("-XX:TieredStopAtLevel=1");
        c.add("-cp");
        c.add(System.getProperty("java.class.path"));
        c.add("aplab.cli.Aplab");
        c.add("oracle");
        c.add("stub");
        c.addAll(List.of(args));
        return c;
    }

    /** An executable script in {@code dir} that runs the stub (what {@code --oracle EXE} gets). */
    static Path stubScript(Path dir, String name, String... args) throws IOException {
        StringBuilder b = new StringBuilder("#!/bin/sh\nexec");
        for (String w : stubCommand(args)) {
            b.append(" '").append(w.replace("'", "'\\''")).append('\'');
        }
        b.append('\n');
        Path p = dir.resolve(name);
        Files.writeString(p, b.toString());
        Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxr-xr-x"));
        return p;
    }

    /** An executable shell script with the given body. */
    static Path script(Path dir, String name, String body) throws IOException {
        Path p = dir.resolve(name);
        Files.writeString(p, "#!/bin/sh\n" + body + "\n");
        Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxr-xr-x"));
        return p;
    }
}
