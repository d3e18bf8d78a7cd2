package aplab.snapshot;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A tree on disk reads what a sysfs attribute can hold, and nothing that is not one. */
class DirTreeTest {
    @TempDir
    Path dir;

    @Test
    void anAttributeOfAPageIsReadWhole() throws IOException {
        Path f = Files.createDirectories(dir.resolve("sys/bus/ap")).resolve("ap_domain");
        Files.writeString(f, "x".repeat(4095) + "\n");
        assertThat(DirTree.sysfsMount(dir.resolve("sys")).read("/sys/bus/ap/ap_domain")).hasSize(4096);
    }

    @Test
    void aFileLargerThanTheBoundReadsAsUnreadableWithoutBeingLoaded() throws IOException {
        Path f = Files.createDirectories(dir.resolve("sys/bus/ap")).resolve("ap_domain");
        try (RandomAccessFile r = new RandomAccessFile(f.toFile(), "rw")) {
            r.setLength(4L << 30); // a sparse 4 GiB file: readAllBytes would throw OutOfMemoryError
        }
        DirTree t = DirTree.sysfsMount(dir.resolve("sys"));
        assertThat(t.read("/sys/bus/ap/ap_domain")).isNull();
        assertThat(t.exists("/sys/bus/ap/ap_domain")).isTrue();
    }

    @Test
    void oneByteOverTheBoundIsRefusedAndTheBoundItselfIsRead() throws IOException {
        Path d = Files.createDirectories(dir.resolve("sys/bus/ap"));
        Files.write(d.resolve("at"), new byte[DirTree.MAX_ATTRIBUTE_BYTES]);
        Files.write(d.resolve("over"), new byte[DirTree.MAX_ATTRIBUTE_BYTES + 1]);
        DirTree t = DirTree.sysfsMount(dir.resolve("sys"));
        assertThat(t.read("/sys/bus/ap/at")).hasSize(DirTree.MAX_ATTRIBUTE_BYTES);
        assertThat(t.read("/sys/bus/ap/over")).isNull();
    }

    @Test
    void aFifoIsNotRead() throws Exception {
        Path d = Files.createDirectories(dir.resolve("sys/bus/ap"));
        Process p = new ProcessBuilder("mkfifo", d.resolve("fifo").toString()).start();
        assertThat(p.waitFor()).isZero();
        assertThat(DirTree.sysfsMount(dir.resolve("sys")).read("/sys/bus/ap/fifo")).isNull();
    }
}
