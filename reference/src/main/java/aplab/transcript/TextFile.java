package aplab.transcript;

import java.io.IOException;
import java.nio.charset.MalformedInputException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * Reads a UTF-8 text file the CLI was given (a transcript, a snapshot, an mdevctl definition),
 * turning every way it can fail into one short reason for a one-line error.
 */
public final class TextFile {
    /** Makes the caller's one-line error from the file's name and the reason. */
    @FunctionalInterface
    public interface Failure<E extends Exception> {
        E at(String file, String reason);
    }

    private TextFile() {
    }

    public static <E extends Exception> String read(Path file, Failure<E> failure) throws E {
        String name = file.toString();
        try {
            if (Files.isDirectory(file)) {
                throw failure.at(name, "is a directory");
            }
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw failure.at(name, "no such file");
        } catch (MalformedInputException e) {
            throw failure.at(name, "not UTF-8 text");
        } catch (IOException e) {
            throw failure.at(name, "cannot read: " + e.getMessage());
        }
    }
}
