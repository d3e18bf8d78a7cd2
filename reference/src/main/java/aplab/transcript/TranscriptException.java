package aplab.transcript;

/** A file that is not a readable transcript: the file, the line (1-based, 0 if none) and why. */
public final class TranscriptException extends Exception {
    private final String file;
    private final int line;

    public TranscriptException(String file, int line, String message) {
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
        return file + (line > 0 ? ":" + line : "") + ": " + getMessage();
    }
}
