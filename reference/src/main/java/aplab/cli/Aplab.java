//DEPS info.picocli:picocli:4.7.7
//DEPS org.jline:jline:3.30.0
//DEPS io.github.java-diff-utils:java-diff-utils:4.15
//DEPS com.fasterxml.jackson.core:jackson-databind:2.20.0
// JBang reads these //DEPS from every script that includes the model's sources (the aplab
// launcher, the notebooks): keep the versions equal to the pom's. No //SOURCES here: JBang
// would include this file again through its own glob.
package aplab.cli;

import aplab.shell.Versions;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code aplab}: runs and checks transcripts of root shell sessions on a modelled s390 host, and
 * gives an interactive shell on one.
 */
@Command(name = "aplab", mixinStandardHelpOptions = true, versionProvider = Versions.class,
        description = {"Model s390 AP crypto pass-through (vfio_ap) to KVM guests, and run transcripts on the model.",
            "A transcript is Markdown whose console blocks are root shell sessions on a modelled host; 'aplab shell'"
                + " gives such a session at a prompt, where 'help' lists the commands."},
        subcommands = {CheckCommand.class, RunCommand.class, ShellCommand.class, ExploreCommand.class,
            LoadCommand.class, ExplainCommand.class, MdevctlCommand.class, KernelCommand.class, aplab.oracle.OracleCommand.class,
            CommandLine.HelpCommand.class})
public final class Aplab implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** The command line with one-line errors for bad usage. */
    public static CommandLine commandLine() {
        CommandLine cl = new CommandLine(new Aplab());
        cl.setParameterExceptionHandler((ex, args) -> {
            ex.getCommandLine().getErr().println("aplab: " + ex.getMessage());
            ex.getCommandLine().getErr().println("Try 'aplab " + (ex.getCommandLine().getCommandName().equals("aplab") ? ""
                    : ex.getCommandLine().getCommandName() + " ") + "--help' for more information.");
            return 2;
        });
        cl.setExecutionExceptionHandler((ex, c, parse) -> {
            c.getErr().println("aplab: " + c.getCommandName() + ": " + ex);
            return 3;
        });
        return cl;
    }

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }
}
