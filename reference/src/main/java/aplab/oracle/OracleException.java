package aplab.oracle;

/**
 * The oracle process failed (could not start, died, hung, broke the protocol): one line that says
 * what happened, for the CLI to print as it is. Never a stack trace.
 */
public final class OracleException extends Exception {
    public OracleException(String message) {
        super(message, null, false, false);
    }
}
