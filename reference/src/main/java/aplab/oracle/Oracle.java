package aplab.oracle;

import java.util.List;

/**
 * Something that runs transcript commands on one host and reports the queue resets it issued: the
 * real vfio_ap driver under i8c's C harness ({@link ProcessOracle}, see
 * coord/ORACLE-PROTOCOL.md), or the model itself ({@link ModelOracle}). Differential testing holds
 * one against the other.
 */
public interface Oracle extends AutoCloseable {
    /** The one line the harness prints for a command it cannot run on the real code. */
    String NOT_SUPPORTED = "aplab-oracle: not supported: ";

    /** Runs one command line; returns what it printed (stdout and stderr in order, trailing blanks dropped). */
    List<String> execute(String command) throws OracleException;

    /** Starts over on a fresh host: nothing configured, no mdevs, no guests, cwd {@code /}. */
    void reset() throws OracleException;

    /** The queue resets (ZAPQ) issued since the last call, {@code XX.YYYY} in issue order. */
    List<String> resets() throws OracleException;

    /** A short name for messages (the executable, or "the model"). */
    String name();

    @Override
    void close();

    /** Whether {@code output} is the harness's answer to a command it cannot run. */
    static boolean notSupported(List<String> output) {
        return output.size() == 1 && output.get(0).startsWith(NOT_SUPPORTED);
    }

    /** A line without its trailing blanks (they are not significant in transcripts). */
    static String stripTrailing(String line) {
        return line.stripTrailing();
    }
}
