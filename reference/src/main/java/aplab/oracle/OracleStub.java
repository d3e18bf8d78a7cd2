package aplab.oracle;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.PrintStream;
import java.util.List;

/**
 * The model behind the oracle protocol (coord/ORACLE-PROTOCOL.md) on stdin/stdout: the stand-in
 * for i8c's C harness, so the Java side and its tests run without the kernel source. A test double
 * that dies can be had with {@code dieAfter} (exit 70 after that many commands, as a crashed
 * harness would).
 */
public final class OracleStub {
    private OracleStub() {
    }

    /** Serves until {@code @@quit@@} or end of input; returns the exit status. */
    public static int serve(Oracle model, BufferedReader in, PrintStream out, int dieAfter) throws IOException {
        int served = 0;
        String line;
        while ((line = in.readLine()) != null) {
            if (line.equals("@@quit@@")) {
                return 0;
            }
            if (dieAfter >= 0 && served++ >= dieAfter) {
                System.err.println("oracle-stub: dying on purpose before '" + line + "'");
                return 70;
            }
            try {
                List<String> answer = switch (line) {
                    case "@@reset@@" -> {
                        model.reset();
                        yield List.of();
                    }
                    case "@@resets@@" -> model.resets();
                    default -> model.execute(line);
                };
                for (String l : answer) {
                    out.println(l);
                }
            } catch (OracleException e) {
                System.err.println("oracle-stub: " + e.getMessage());
                return 1;
            }
            out.println(ProcessOracle.END);
            out.flush();
        }
        return 0;
    }
}
