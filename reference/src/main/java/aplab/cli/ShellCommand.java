package aplab.cli;

import aplab.kernel.Kernel;
import aplab.shell.KernelNames;
import aplab.shell.Session;
import aplab.shell.ShellCompleter;
import aplab.shell.ShellHistory;
import aplab.shell.Versions;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.jline.reader.EndOfFileException;
import org.jline.reader.LineReader;
import org.jline.reader.LineReaderBuilder;
import org.jline.reader.UserInterruptException;
import org.jline.terminal.Terminal;
import org.jline.terminal.TerminalBuilder;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine;

/** {@code aplab shell}: the transcript commands, typed at a {@code # } prompt. */
@Command(name = "shell", mixinStandardHelpOptions = true, versionProvider = Versions.class,
        description = {"Give an interactive root shell on a modelled host, with the commands of transcripts.",
            "Type 'help' at the '# ' prompt for the commands (echo, cat, ls, cd, lszcrypt, the aplab host and guest"
                + " commands) and where the sysfs paths are. On a terminal, Tab completes commands, options and"
                + " sysfs paths, and the history is kept across sessions in $XDG_CACHE_HOME/aplab/history"
                + " (~/.cache/aplab/history without XDG_CACHE_HOME). 'exit' or Ctrl-D leaves."})
public final class ShellCommand implements Callable<Integer> {
    @Option(names = "--kernel", paramLabel = "KERNEL", completionCandidates = KernelNames.Candidates.class,
            description = "The kernel the host runs: ${COMPLETION-CANDIDATES} (default: the newest).")
    String kernel;

    @Option(names = "--from", paramLabel = "FILE", description = "Start on the host of a snapshot (tools/capture-host) or of a transcript (as at its end).")
    Path from;

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
                if (line.strip().equals("history")) {
                    out.println("aplab: history: kept only when aplab shell runs on a terminal");
                    continue;
                }
                runLine(session, line, out);
            }
            return 0;
        }
        try (Terminal terminal = TerminalBuilder.builder().system(true).build()) {
            LineReader reader = lineReader(terminal, session);
            PrintWriter tout = terminal.writer();
            tout.println("aplab shell: a modelled s390 host running Linux " + session.host().version().release()
                    + "; 'help' lists the commands, Tab completes, 'exit' leaves.");
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
                if (!history(reader, line, tout)) {
                    runLine(session, line, tout);
                }
            }
        }
        return 0;
    }

    /** bash's {@code history}: the lines kept (this session's and earlier ones'), numbered; true if it was that. */
    private static boolean history(LineReader reader, String line, PrintWriter out) {
        if (!line.strip().equals("history")) {
            return false;
        }
        for (org.jline.reader.History.Entry e : reader.getHistory()) {
            out.printf("%5d  %s%n", e.index() + 1, e.line());
        }
        out.flush();
        return true;
    }

    /** The line editor: completion from {@link ShellCompleter}, history in the user's cache directory. */
    private LineReader lineReader(Terminal terminal, Session session) {
        LineReaderBuilder b = LineReaderBuilder.builder().terminal(terminal).appName("aplab")
                .completer(new ShellCompleter(session))
                .variable(LineReader.HISTORY_FILE_SIZE, 10_000)
                .variable(LineReader.HISTORY_SIZE, 1_000);
        Path history = ShellHistory.file(System.getenv("XDG_CACHE_HOME"), System.getProperty("user.home"));
        String problem = ShellHistory.prepare(history);
        if (problem == null) {
            b.variable(LineReader.HISTORY_FILE, history);
        } else {
            spec.commandLine().getErr().println("aplab: shell: history not kept: " + problem);
        }
        return b.build();
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
