package aplab.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The fuzz targets' failure detector: a real Java failure is found, input echoed back is not one. */
class FuzzFailuresTest {
    @Test
    void aStackTraceOrAnInternalErrorIsAFailure() {
        assertThat(Fuzz.failures("aplab: internal error in 'echo': java.lang.NullPointerException", "echo x"))
                .containsExactly("aplab: internal error", "java.lang.NullPointerException");
        assertThat(Fuzz.failures("x\n\tat aplab.sysfs.Sysfs.write(Sysfs.java:12)\n", "")).containsExactly("\tat aplab.sysfs.Sysfs.write(");
        assertThat(Fuzz.failures("Caused by: boom", "")).containsExactly("Caused by: ");
        assertThat(Fuzz.failures("picocli.CommandLine$ExecutionException: x", "")).hasSize(1);
        assertThat(Fuzz.failures("java.lang.Error", "")).containsExactly("java.lang.Error");
    }

    @Test
    void theInputEchoedInAnErrorMessageIsNot() {
        assertThat(Fuzz.failures("aplab: unknown command: fooException", "fooException")).isEmpty();
        assertThat(Fuzz.failures("aplab: unknown command: java.io.IOException", "java.io.IOException")).isEmpty();
        assertThat(Fuzz.failures("bash: echo: write error: Invalid argument", "echo 5")).isEmpty();
    }
}
