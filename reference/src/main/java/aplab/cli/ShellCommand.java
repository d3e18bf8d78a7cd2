package aplab.cli;

import aplab.kernel.Kernel;
import aplab.shell.Session;
import aplab.shell.Versions;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Callable;
import org.jline.reader.EndOfFileException;
import org.jline.reader.LineReader;
import org.jline.reader.LineReaderBuilder;
import org.jline.reader.UserInterruptException;
import org.jline.terminal.Terminal;
import org.jline.terminal.TerminalBuilder;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code aplab shell}: the transcript commands, typed at a {@code # } prompt. */
@Command(name = "shell", mixinStandardHelpOptions = true, versionProvider = Versions.class,
        description = {"An interactive root shell on a fresh modelled host: echo, cat, ls, cd and the aplab",
            "host commands, as in transcripts. Line editing where the terminal allows; 'exit' leaves."})
public final class ShellCommand implements Callable<Integer> {
    @Option(names = "--kernel", paramLabel = "KERNEL", description = "the kernel: a name from aplab kernel --list (default mainline)")
    String kernel;

    @Option(names = "--from", paramLabel = "FILE", description = "start on the host of a snapshot (tools/capture-host) or a transcript (at its end)")
    java.nio.file.Path from;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        Kernel v;
        try {
            v = kernel == null ? Kernel.DEFAULT : Kernel.parse(kernel);
        } catch (IllegalArgumentException e) {
            spec.commandLine().getErr().println("aplab: shell: " + e.getMessage());
            return 2;
        }
        Session session;
        if (from != null) {
            aplab.snapshot.HostLoader.Loaded loaded;
            try {
                loaded = aplab.snapshot.HostLoader.load(from, kernel == null ? null : v);
            } catch (aplab.snapshot.LoadException e) {
                spec.commandLine().getErr().println("aplab: " + e.oneLine());
                return 2;
            }
            session = loaded.session();
            if (!loaded.findings().isEmpty()) {
                spec.commandLine().getErr().println("aplab: " + loaded.findings().size()
                        + " conformance finding(s) between the snapshot and the model: aplab load " + from);
            }
        } else {
            session = new Session(v);
        }
        PrintWriter out = spec.commandLine().getOut();
        if (System.console() == null) {
            // not a terminal: read commands line by line, no prompt
            BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
            String line;
            while ((line = in.readLine()) != null) {
                if (line.strip().equals("exit")) {
                    break;
                }
                runLine(session, line, out);
            }
            return 0;
        }
        try (Terminal terminal = TerminalBuilder.builder().system(true).build()) {
            LineReader reader = LineReaderBuilder.builder().terminal(terminal).appName("aplab").build();
            PrintWriter tout = terminal.writer();
            while (true) {
                String line;
                try {
                    line = reader.readLine("# ");
                } catch (UserInterruptException e) {
                    continue;
                } catch (EndOfFileException e) {
                    break;
                }
                if (line.strip().equals("exit")) {
                    break;
                }
                runLine(session, line, tout);
            }
        }
        return 0;
    }

    private static void runLine(Session session, String line, PrintWriter out) {
        if (line.isBlank() || line.stripLeading().startsWith("#")) {
            return;
        }
        for (String l : session.execute(line)) {
            out.println(l);
        }
        out.flush();
    }
}
