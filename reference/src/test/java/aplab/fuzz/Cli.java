package aplab.fuzz;

import static org.assertj.core.api.Assertions.assertThat;


/** One in-process run of the aplab CLI, and the checks every fuzzed run must pass. */
record Cli(int status, String out, String err) {
    static Cli run(String... args) {
        aplab.cli.CliRun r = aplab.cli.CliRun.aplab(args);
        return new Cli(r.status(), r.out(), r.err());
    }

    /**
     * No stack trace, no internal error (other than text of the input echoed back); exit 2 comes
     * with one error line (picocli may add its "Try 'aplab CMD --help'" hint as a second).
     */
    Cli wellBehaved(String what, String input) {
        assertThat(Fuzz.failures(out + err, input)).as("Java failures in the output of %s:%n%s%s", what, out, err)
                .isEmpty();
        if (status == 2) {
            String[] lines = err.split("\n");
            assertThat(lines[0]).as("error of %s", what).startsWith("aplab: ");
            assertThat(lines.length == 1 || lines.length == 2 && lines[1].startsWith("Try 'aplab "))
                    .as("one error line (and the --help hint) from %s, not:%n%s", what, err).isTrue();
        }
        return this;
    }
}
