package aplab.snapshot;

/**
 * An input file aplab cannot use (a snapshot, a transcript, an mdevctl definition): the file, the
 * line (1-based, 0 if none) and why, printed as one line {@code FILE:LINE: message}.
 */
public final class LoadException extends Exception {
    private final String file;
    private final int line;

    public LoadException(String file, int line, String message) {
        super(message, null, false, false);
        this.file = file;
        this.line = line;
    }

    public String file() {
        return file;
    }

    public int line() {
        return line;
    }

    /** {@code FILE:LINE: message}, one line. */
    public String oneLine() {
        return file + (line > 0 ? ":" + line : "") + ": " + getMessage().replace('\n', ' ');
    }
}
