package aplab.transcript;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;

/**
 * Reads a UTF-8 text file the CLI was given (a transcript, a snapshot, an mdevctl definition),
 * turning every way it can fail into one short reason for a one-line error. Only regular files are
 * read (a FIFO would block, a device such as {@code /dev/zero} never ends), and at most
 * {@link #MAX_BYTES}: a larger file is refused before it is read, and one that grows while being
 * read is cut off and refused.
 */
public final class TextFile {
    /** The largest file the CLI reads: 64 MiB (a snapshot of 256 x 256 queues is a few MiB). */
    public static final int MAX_BYTES = 64 << 20;

    /** Makes the caller's one-line error from the file's name and the reason. */
    @FunctionalInterface
    public interface Failure<E extends Exception> {
        E at(String file, String reason);
    }

    private TextFile() {
    }

    public static <E extends Exception> String read(Path file, Failure<E> failure) throws E {
        return read(file, MAX_BYTES, failure);
    }

    /** As {@link #read(Path, Failure)} with another bound (tests use small ones). */
    public static <E extends Exception> String read(Path file, int maxBytes, Failure<E> failure) throws E {
        String name = file.toString();
        byte[] bytes = null;
        String refused;
        try {
            BasicFileAttributes a = Files.readAttributes(file, BasicFileAttributes.class);
            if (a.isDirectory()) {
                refused = "is a directory";
            } else if (!a.isRegularFile()) {
                refused = "not a regular file (a FIFO, device or socket is not read)";
            } else if (a.size() > maxBytes) {
                refused = tooLarge(a.size(), maxBytes);
            } else {
                try (InputStream in = Files.newInputStream(file)) {
                    bytes = in.readNBytes(maxBytes + 1);
                }
                refused = bytes.length > maxBytes ? tooLarge(bytes.length, maxBytes) + " (it grew while being read)" : null;
            }
        } catch (NoSuchFileException e) {
            refused = "no such file";
        } catch (AccessDeniedException e) {
            refused = "permission denied";
        } catch (IOException e) {
            refused = "cannot read: " + e.getMessage();
        }
        if (refused != null) {
            throw failure.at(name, refused);
        }
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            throw failure.at(name, "not UTF-8 text");
        }
    }

    private static String tooLarge(long size, int max) {
        return "too large: " + (size > max ? "over " : "") + max + " bytes is the limit"
                + (size > max ? " (" + size + " bytes)" : "");
    }
}
