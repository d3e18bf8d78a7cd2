package aplab.cli;

import static org.assertj.core.api.Assertions.assertThat;

import aplab.snapshot.RealHostFixture;
import aplab.transcript.TextFile;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every file the CLI reads is a regular file of bounded size: a device never ends, a FIFO blocks,
 * a huge file exhausts memory. Each command that reads a file refuses them with one line, exit 2.
 */
@Timeout(60)
class BoundedInputTest {
    @TempDir
    Path dir;

    /** The commands that read a FILE argument, each with the reader's prefix in its error line. */
    private static final String[][] READERS = {{"run"}, {"check"}, {"load"}, {"explain"}, {"mdevctl", "start"}};

    private static String[] with(String[] cmd, String file) {
        String[] a = java.util.Arrays.copyOf(cmd, cmd.length + 1);
        a[cmd.length] = file;
        return a;
    }

    private static void refusedByEveryReader(String file, String reason) {
        for (String[] cmd : READERS) {
            RealHostFixture.Run r = RealHostFixture.aplab(with(cmd, file));
            String what = String.join(" ", cmd) + " " + file;
            assertThat(r.status()).as("exit status of aplab %s", what).isEqualTo(2);
            assertThat(r.err()).as("error of aplab %s", what).endsWith(file + ": " + reason + "\n");
            assertThat(r.err().split("\n")).as("one line from aplab %s", what).hasSize(1);
        }
    }

    @Test
    void aDeviceIsRefusedBeforeItIsRead() {
        Assumptions.assumeTrue(Files.exists(Path.of("/dev/zero")));
        refusedByEveryReader("/dev/zero", "not a regular file (a FIFO, device or socket is not read)");
    }

    @Test
    void aFifoIsRefusedWithoutBlocking() throws Exception {
        Path fifo = dir.resolve("fifo.md");
        Process p = new ProcessBuilder("mkfifo", fifo.toString()).start();
        Assumptions.assumeTrue(p.waitFor() == 0, "mkfifo works here");
        refusedByEveryReader(fifo.toString(), "not a regular file (a FIFO, device or socket is not read)");
    }

    @Test
    void aFileOverTheBoundIsRefusedBeforeItIsRead() throws IOException {
        Path big = dir.resolve("big.md");
        try (RandomAccessFile f = new RandomAccessFile(big.toFile(), "rw")) {
            f.setLength(TextFile.MAX_BYTES + 1L); // sparse: nothing is written
        }
        refusedByEveryReader(big.toString(), "too large: over " + TextFile.MAX_BYTES + " bytes is the limit ("
                + (TextFile.MAX_BYTES + 1L) + " bytes)");
    }

    @Test
    void theBoundAndTheEncodingAreCheckedOnWhatIsRead() throws IOException {
        Path f = dir.resolve("t.md");
        Files.writeString(f, "0123456789");
        assertThat(TextFile.read(f, 10, (n, why) -> new IOException(why))).isEqualTo("0123456789");
        try {
            TextFile.read(f, 9, (n, why) -> new IOException(n + ": " + why));
            throw new AssertionError("read past the bound");
        } catch (IOException e) {
            assertThat(e.getMessage()).isEqualTo(f + ": too large: over 9 bytes is the limit (10 bytes)");
        }
        Files.write(f, new byte[] {'a', (byte) 0xc3, '(', 'b'});
        refusedByEveryReader(f.toString(), "not UTF-8 text");
    }
}
