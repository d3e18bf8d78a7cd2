package aplab.shell;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** {@code help} in a session: every command, the sysfs layout, and each aplab command's own --help. */
class HelpTest {
    final Session session = new Session();

    @Test
    void helpListsEveryCommandAndEveryAplabCommand() {
        List<String> help = session.execute("help");
        String text = String.join("\n", help);
        for (Help.Builtin b : Help.BUILTINS) {
            assertThat(text).contains("  " + b.synopsis());
        }
        List<picocli.CommandLine.Model.CommandSpec> leaves = Help.leaves(Help.aplabCommands(session));
        assertThat(leaves).extracting(s -> s.qualifiedName(" "))
                .contains("aplab host", "aplab guest start", "aplab guest stop", "aplab guest show", "aplab lockdep", "aplab kernel");
        for (var leaf : leaves) {
            assertThat(text).as(leaf.qualifiedName(" ")).contains("  " + leaf.qualifiedName(" "));
        }
        assertThat(text).contains("/sys/bus/ap/apmask", "/sys/devices/vfio_ap/matrix/", "vfio_ap-passthrough/create");
        for (String k : KernelNames.all()) {
            assertThat(text).contains(k);
        }
        assertThat(help).allSatisfy(l -> assertThat(l.length()).as(l).isLessThanOrEqualTo(100));
    }

    @Test
    void theSynopsisNamesRequiredOptionsAndPositionals() {
        var spec = Help.aplabCommands(session);
        assertThat(Help.synopsis(spec.subcommands().get("host").getCommandSpec()))
                .isEqualTo("aplab host --adapters LIST --domains LIST [OPTIONS]");
        assertThat(Help.synopsis(spec.subcommands().get("guest").getSubcommands().get("start").getCommandSpec()))
                .isEqualTo("aplab guest start NAME --mdev UUID");
    }

    @Test
    void helpAplabCommandIsThatCommandsOwnHelp() {
        assertThat(session.execute("help aplab guest start")).isEqualTo(session.execute("aplab guest start --help"))
                .first().asString().startsWith("Usage: aplab guest start");
        assertThat(session.execute("help aplab host")).isEqualTo(session.execute("aplab host --help"));
        assertThat(session.execute("help aplab")).anySatisfy(l -> assertThat(l).startsWith("  aplab lockdep"));
    }

    @Test
    void unknownTopicsGetOneLine() {
        assertThat(session.execute("help frobnicate")).containsExactly("aplab: help: no such command: frobnicate ('help' lists them)");
        assertThat(session.execute("help aplab frob")).containsExactly(
                "aplab: help: no such command: aplab frob ('help aplab' lists them)");
        assertThat(session.execute("help cat ls")).hasSize(1);
        assertThat(Session.knownCommand("help")).isTrue();
    }

    @Test
    void historyLivesInTheUsersCacheDirectory() {
        assertThat(ShellHistory.file("/x/cache", "/home/u")).hasToString("/x/cache/aplab/history");
        assertThat(ShellHistory.file(null, "/home/u")).hasToString("/home/u/.cache/aplab/history");
        assertThat(ShellHistory.file("", "/home/u")).hasToString("/home/u/.cache/aplab/history");
        assertThat(ShellHistory.file("relative", "/home/u")).as("XDG: a relative path is ignored")
                .hasToString("/home/u/.cache/aplab/history");
    }

    @Test
    void aHistoryThatCannotBeKeptIsOneLine(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
        java.nio.file.Path ok = ShellHistory.file(dir.resolve("cache").toString(), "/nonexistent");
        assertThat(ShellHistory.prepare(ok)).isNull();
        assertThat(ok.getParent()).isDirectory();
        java.nio.file.Files.writeString(dir.resolve("blocked"), "a file where the cache directory would be");
        String problem = ShellHistory.prepare(ShellHistory.file(dir.resolve("blocked").toString(), "/nonexistent"));
        assertThat(problem).startsWith("cannot create ").doesNotContain("\n").doesNotContain("Exception");
    }
}
