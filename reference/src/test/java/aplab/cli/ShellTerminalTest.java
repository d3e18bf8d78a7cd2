package aplab.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code aplab shell} in a real terminal: tmux gives it a pty, keys are sent as a person types
 * them, and the screen is read back. Checks the prompt, {@code help}, Tab completion of an mdev's
 * UUID and of a sysfs file, history kept across two sessions in $XDG_CACHE_HOME ({@code Up} and
 * {@code history}), and {@code exit}.
 * Skipped (one line) where tmux is not installed; CI installs it.
 */
class ShellTerminalTest {
    private static final String U1 = "11111111-1111-1111-1111-111111111111";
    private static final long STEP_SECONDS = 60; // a JVM starting on a loaded 2-core machine

    @TempDir
    Path dir;

    private Path socket;
    private int sessions;

    static boolean tmuxInstalled() {
        try {
            Process p = new ProcessBuilder("tmux", "-V").redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            return p.waitFor(10, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException | InterruptedException e) {
            return false;
        }
    }

    @AfterEach
    void killServer() throws Exception {
        if (socket != null && Files.exists(socket)) {
            tmux("kill-server");
        }
    }

    @Test
    void promptHelpCompletionHistoryAndExit() throws Exception {
        if (!tmuxInstalled()) {
            System.out.println("ShellTerminalTest skipped: tmux is not installed (apt-get install tmux runs it)");
        }
        Assumptions.assumeTrue(tmuxInstalled(), "tmux is not installed: the terminal test of aplab shell is skipped");
        socket = dir.resolve("tmux.sock");
        Path cache = dir.resolve("cache");
        Path history = cache.resolve("aplab").resolve("history");

        String first = startShell(cache);
        prompt(first);
        keys(first, "help", "Enter");
        waitFor(first, "help's list of commands and paths",
                s -> s.contains("aplab guest start NAME --mdev UUID") && s.contains("Where things are") && lastLine(s).equals("#"));

        type(first, "aplab host --adapters 5 --domains 4", "Enter");
        type(first, "echo " + U1 + " > /sys/devices/vfio_ap/matrix/mdev_supported_types/vfio_ap-passthrough/create", "Enter");
        type(first, "cd /sys/devices/vfio_ap/matrix/111", "Tab");
        waitFor(first, "the mdev's UUID completed", s -> lastLine(s).equals("# cd /sys/devices/vfio_ap/matrix/" + U1 + "/"));
        keys(first, "Enter");
        type(first, "cat contr", "Tab");
        waitFor(first, "a file of the mdev completed", s -> lastLine(s).equals("# cat control_domains"));
        keys(first, "Enter");
        type(first, "cat /sys/bus/ap/ap_max_dom", "Tab");
        waitFor(first, "an AP bus attribute completed", s -> lastLine(s).equals("# cat /sys/bus/ap/ap_max_domain_id"));
        keys(first, "Enter");
        waitFor(first, "the attribute's value", s -> s.endsWith("# cat /sys/bus/ap/ap_max_domain_id\n255\n#"));
        keys(first, "exit", "Enter");
        waitFor(first, "exit with status 0", s -> s.contains("aplab exited: 0"));
        String saved = Files.readString(history, StandardCharsets.UTF_8);
        assertThat(saved).contains("cd /sys/devices/vfio_ap/matrix/" + U1 + "/", "cat /sys/bus/ap/ap_max_domain_id", "help");

        String second = startShell(cache);
        prompt(second);
        keys(second, "Up");
        waitFor(second, "the last command of the first session", s -> lastLine(s).equals("# exit"));
        keys(second, "Up");
        waitFor(second, "the one before it", s -> lastLine(s).equals("# cat /sys/bus/ap/ap_max_domain_id"));
        keys(second, "C-u", "history", "Enter");
        waitFor(second, "history numbered as bash numbers it, the first session's lines first",
                s -> s.contains("    1  help\n    2  aplab host --adapters 5 --domains 4\n") && lastLine(s).equals("#"));
        keys(second, "exit", "Enter");
        waitFor(second, "exit with status 0", s -> s.contains("aplab exited: 0"));
    }

    /** Waits for the '# ' prompt (keys typed before it would be echoed by the tty, not the line editor). */
    private void prompt(String session) throws Exception {
        waitFor(session, "the prompt", s -> lastLine(s).equals("#"));
    }

    private void type(String session, String... keys) throws Exception {
        prompt(session);
        keys(session, keys);
    }

    /** A new tmux session running {@code aplab shell}; after it exits the pane says its status. */
    private String startShell(Path cache) throws Exception {
        String name = "s" + (++sessions);
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String cp = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        String command = "env XDG_CACHE_HOME=" + quote(cache.toString()) + " " + quote(java) + " -cp " + quote(cp)
                + " aplab.cli.Aplab shell; echo \"aplab exited: $?\"; sleep 600";
        tmux("new-session", "-d", "-s", name, "-x", "140", "-y", "60", command);
        return name;
    }

    private static String quote(String s) {
        return "'" + s.replace("'", "'\\''") + "'";
    }

    private void keys(String session, String... keys) throws Exception {
        for (String k : keys) {
            boolean named = k.equals("Enter") || k.equals("Tab") || k.equals("Up") || k.startsWith("C-");
            if (named) {
                tmux("send-keys", "-t", session, k);
            } else {
                tmux("send-keys", "-t", session, "-l", k);
            }
        }
    }

    private String screen(String session) throws Exception {
        return tmux("capture-pane", "-p", "-J", "-S", "-2000", "-t", session);
    }

    /** The last non-blank line of the screen, trailing blanks dropped. */
    private static String lastLine(String screen) {
        List<String> lines = new ArrayList<>(screen.lines().map(String::stripTrailing).toList());
        while (!lines.isEmpty() && lines.get(lines.size() - 1).isEmpty()) {
            lines.remove(lines.size() - 1);
        }
        return lines.isEmpty() ? "" : lines.get(lines.size() - 1);
    }

    private void waitFor(String session, String what, Predicate<String> done) throws Exception {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(STEP_SECONDS);
        String s = "";
        while (System.nanoTime() < end) {
            s = screen(session).lines().map(String::stripTrailing).reduce("", (a, b) -> a + b + "\n").stripTrailing();
            if (done.test(s)) {
                return;
            }
            Thread.sleep(100);
        }
        fail("waited " + STEP_SECONDS + " s for " + what + "; the screen:\n" + s);
    }

    private String tmux(String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("tmux", "-S", socket.toString(), "-f", "/dev/null"));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IllegalStateException("tmux " + String.join(" ", args) + " failed: " + out);
        }
        return out;
    }
}
