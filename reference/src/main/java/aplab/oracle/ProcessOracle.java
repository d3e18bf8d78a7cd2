package aplab.oracle;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * The client side of coord/ORACLE-PROTOCOL.md: one oracle process (the C harness around the real
 * vfio_ap driver, or a stand-in), fed one command a line on stdin, answering with its output and
 * {@code @@end@@}. Every way the process can fail (does not start, exits, hangs, floods, answers
 * out of protocol) becomes an {@link OracleException} with one line naming the command it was
 * answering and the last thing it wrote on stderr (where AddressSanitizer reports go).
 */
public final class ProcessOracle implements Oracle {
    static final String END = "@@end@@";
    /** A command's answer longer than this is a broken oracle (the biggest sysfs read is one page). */
    static final int MAX_LINES = 200_000;
    private static final Object EOF = new Object();
    private static final int STDERR_KEPT = 20;

    private final String name;
    private final Process process;
    private final Writer stdin;
    private final BlockingQueue<Object> stdout = new LinkedBlockingQueue<>();
    private final Deque<String> stderrTail = new ArrayDeque<>();
    private long stderrLines;
    private final long timeoutMillis;
    private boolean dead;

    private ProcessOracle(String name, Process process, long timeoutMillis) {
        this.name = name;
        this.process = process;
        this.timeoutMillis = timeoutMillis;
        this.stdin = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
        Thread out = new Thread(() -> pump(), "oracle-stdout");
        out.setDaemon(true);
        out.start();
        Thread err = new Thread(() -> drainStderr(), "oracle-stderr");
        err.setDaemon(true);
        err.start();
    }

    /**
     * Starts {@code command} (the executable and its arguments). {@code env} is added to the
     * environment (e.g. {@code APLAB_ORACLE_LOCKGRAPH}); {@code timeoutSeconds} bounds each answer.
     */
    public static ProcessOracle start(List<String> command, Map<String, String> env, int timeoutSeconds)
            throws OracleException {
        if (command.isEmpty()) {
            throw new OracleException("no oracle command given");
        }
        String exe = command.get(0);
        if (exe.contains("/") && !Files.isExecutable(Path.of(exe))) {
            throw new OracleException("oracle " + exe + ": " + (Files.exists(Path.of(exe)) ? "not executable" : "no such file")
                    + " (build it with tools/kernel-oracle build)");
        }
        ProcessBuilder pb = new ProcessBuilder(command);
        pb.environment().putAll(env);
        try {
            return new ProcessOracle(exe, pb.start(), timeoutSeconds * 1000L);
        } catch (IOException e) {
            throw new OracleException("cannot start the oracle " + exe + ": " + e.getMessage());
        }
    }

    private void pump() {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = r.readLine()) != null) {
                stdout.add(line);
            }
        } catch (IOException e) {
            // the process is gone; EOF below says so
        }
        stdout.add(EOF);
    }

    private void drainStderr() {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getErrorStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = r.readLine()) != null) {
                synchronized (stderrTail) {
                    stderrLines++;
                    stderrTail.addLast(line);
                    if (stderrTail.size() > STDERR_KEPT) {
                        stderrTail.removeFirst();
                    }
                }
            }
        } catch (IOException e) {
            // nothing more to keep
        }
    }

    /** The last lines the oracle wrote on stderr (sanitizer reports, harness warnings). */
    public List<String> stderrTail() {
        synchronized (stderrTail) {
            return List.copyOf(stderrTail);
        }
    }

    /** How many lines the oracle has written on stderr so far. */
    public long stderrLines() {
        synchronized (stderrTail) {
            return stderrLines;
        }
    }

    @Override
    public List<String> execute(String command) throws OracleException {
        if (command.indexOf('\n') >= 0 || command.indexOf('\r') >= 0 || command.startsWith("@@")) {
            throw new IllegalArgumentException("not a transcript command line: " + command);
        }
        return ask(command);
    }

    @Override
    public void reset() throws OracleException {
        List<String> answer = ask("@@reset@@");
        if (!answer.isEmpty()) {
            throw new OracleException("oracle " + name + " answered @@reset@@ with output: " + answer.get(0));
        }
    }

    @Override
    public List<String> resets() throws OracleException {
        List<String> answer = ask("@@resets@@");
        for (String l : answer) {
            if (!l.matches("[0-9a-f]{2}\\.[0-9a-f]{4}")) {
                throw new OracleException("oracle " + name + " answered @@resets@@ with '" + l + "', not XX.YYYY");
            }
        }
        return answer;
    }

    private List<String> ask(String line) throws OracleException {
        if (dead) {
            throw new OracleException("oracle " + name + " is not running (it failed earlier)");
        }
        try {
            stdin.write(line);
            stdin.write('\n');
            stdin.flush();
        } catch (IOException e) {
            throw died(line);
        }
        List<String> out = new ArrayList<>();
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
        while (true) {
            Object o;
            try {
                long left = deadline - System.nanoTime();
                o = left <= 0 ? null : stdout.poll(left, TimeUnit.NANOSECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                kill();
                throw new OracleException("interrupted while the oracle " + name + " was answering '" + line + "'");
            }
            if (o == null) {
                kill();
                throw new OracleException("oracle " + name + " did not answer '" + line + "' within "
                        + timeoutMillis / 1000 + " s (killed; a deadlock in the real code?)" + stderrNote());
            }
            if (o == EOF) {
                throw died(line);
            }
            String s = (String) o;
            if (s.equals(END)) {
                return out;
            }
            if (out.size() >= MAX_LINES) {
                kill();
                throw new OracleException("oracle " + name + " printed more than " + MAX_LINES + " lines for '" + line
                        + "' without " + END + " (killed)");
            }
            out.add(Oracle.stripTrailing(s));
        }
    }

    private OracleException died(String line) {
        dead = true;
        String status;
        try {
            status = process.waitFor(5, TimeUnit.SECONDS) ? "exited with status " + process.exitValue() : "closed its output";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            status = "closed its output";
        }
        if (process.isAlive()) {
            process.destroyForcibly();
        }
        return new OracleException("oracle " + name + " " + status + " while answering '" + line + "'" + stderrNote());
    }

    private String stderrNote() {
        // give the stderr reader a moment to catch the last words of a dying process
        try {
            Thread.sleep(50);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        List<String> tail = stderrTail();
        for (int i = tail.size() - 1; i >= 0; i--) {
            String t = tail.get(i).strip();
            if (t.startsWith("SUMMARY:") || t.contains("runtime error:") || t.startsWith("ERROR:")) {
                return "; stderr: " + t;
            }
        }
        return tail.isEmpty() ? "" : "; stderr: " + tail.get(tail.size() - 1).strip();
    }

    private void kill() {
        dead = true;
        process.destroyForcibly();
    }

    @Override
    public String name() {
        return name;
    }

    /** Sends {@code @@quit@@} and waits for the exit (so the lock graph gets written); kills it if it hangs. */
    @Override
    public void close() {
        if (!dead) {
            try {
                stdin.write("@@quit@@\n");
                stdin.flush();
                stdin.close();
            } catch (IOException e) {
                // already gone
            }
        }
        dead = true;
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
    }

    /** The exit status after {@link #close()} (or -1 if it is still running). */
    public int exitStatus() {
        return process.isAlive() ? -1 : process.exitValue();
    }
}
