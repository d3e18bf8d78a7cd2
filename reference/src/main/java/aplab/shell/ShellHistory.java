package aplab.shell;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Where {@code aplab shell} keeps its history across sessions: {@code $XDG_CACHE_HOME/aplab/history},
 * or {@code ~/.cache/aplab/history} when XDG_CACHE_HOME is unset, empty or not absolute (the XDG
 * Base Directory rules).
 */
public final class ShellHistory {
    private ShellHistory() {
    }

    /** The history file for these values of XDG_CACHE_HOME (may be null) and the home directory. */
    public static Path file(String xdgCacheHome, String home) {
        Path cache = xdgCacheHome != null && !xdgCacheHome.isEmpty() && Path.of(xdgCacheHome).isAbsolute()
                ? Path.of(xdgCacheHome)
                : Path.of(home, ".cache");
        return cache.resolve("aplab").resolve("history");
    }

    /** Creates the file's directory; null when the history can be kept there, else why not (one line). */
    public static String prepare(Path file) {
        Path dir = file.getParent();
        try {
            Files.createDirectories(dir);
        } catch (java.nio.file.AccessDeniedException | SecurityException e) {
            return "cannot create " + dir + ": Permission denied";
        } catch (java.nio.file.FileAlreadyExistsException e) {
            return "cannot create " + dir + ": a file of that name is in the way";
        } catch (java.nio.file.FileSystemException e) {
            return "cannot create " + dir + ": " + (e.getReason() == null ? "failed" : e.getReason());
        } catch (IOException e) {
            return "cannot create " + dir + ": " + e.getMessage();
        }
        if (Files.exists(file) ? !Files.isWritable(file) || !Files.isRegularFile(file) : !Files.isWritable(dir)) {
            return "cannot write " + file;
        }
        return null;
    }
}
