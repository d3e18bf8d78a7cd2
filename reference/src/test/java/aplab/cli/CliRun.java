package aplab.cli;

import java.io.PrintWriter;
import java.io.StringWriter;
import picocli.CommandLine;

/** One in-process run of the aplab CLI: its exit status and what it printed, for the tests. */
public record CliRun(int status, String out, String err) {
    /** Runs {@code aplab ARGS} in this JVM with its standard output and error captured. */
    public static CliRun aplab(String... args) {
        CommandLine cl = Aplab.commandLine();
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        int status = cl.execute(args);
        return new CliRun(status, out.toString(), err.toString());
    }
}
