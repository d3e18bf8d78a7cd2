package aplab.shell;

import static aplab.Fixture.U1;
import static aplab.Fixture.U2;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Tab completion offers what the session has at that moment, as ls would list it. */
class ShellCompleterTest {
    Session session;
    ShellCompleter completer;

    @BeforeEach
    void host() {
        session = new Session();
        completer = new ShellCompleter(session);
        run("aplab host --adapters 5,6 --domains 4,0x47");
        run("echo -5,-6 > /sys/bus/ap/apmask");
        run("echo " + U1 + " > /sys/devices/vfio_ap/matrix/mdev_supported_types/vfio_ap-passthrough/create");
    }

    private void run(String line) {
        assertThat(session.execute(line)).as(line).isEmpty();
    }

    /** The values the reader would keep for the line typed so far (the last word is the prefix). */
    private List<String> complete(String typed) {
        List<String> words = Arrays.asList(typed.split(" ", -1));
        String prefix = words.get(words.size() - 1);
        return completer.choices(words, words.size() - 1, prefix).stream()
                .map(ShellCompleter.Choice::value).filter(v -> v.startsWith(prefix)).toList();
    }

    private ShellCompleter.Choice choice(String typed, String value) {
        List<String> words = Arrays.asList(typed.split(" ", -1));
        return completer.choices(words, words.size() - 1, words.get(words.size() - 1)).stream()
                .filter(c -> c.value().equals(value)).findFirst().orElseThrow();
    }

    @Test
    void theFirstWordIsACommandThatHelpDocuments() {
        assertThat(complete("")).contains("echo", "cat", "ls", "cd", "lszcrypt", "aplab", "help", "history", "exit");
        assertThat(complete("l")).containsExactly("ls", "lszcrypt");
        for (String name : Help.commandNames()) {
            if (!name.equals("exit") && !name.equals("history")) { // aplab shell's own
                assertThat(Session.knownCommand(name)).as(name).isTrue();
            }
            assertThat(session.execute("help " + name)).as(name).first().asString().startsWith("Usage: ");
        }
    }

    @Test
    void pathsAreWhatLsListsNow() {
        assertThat(complete("cat /sys/bus/ap/apm")).containsExactly("/sys/bus/ap/apmask");
        assertThat(choice("cat /sys/bus/ap/apm", "/sys/bus/ap/apmask").complete()).isTrue();
        List<String> matrix = complete("cd /sys/devices/vfio_ap/matrix/");
        assertThat(matrix).contains("/sys/devices/vfio_ap/matrix/" + U1 + "/", "/sys/devices/vfio_ap/matrix/mdev_supported_types/")
                .doesNotContain("/sys/devices/vfio_ap/matrix/" + U2 + "/", "/sys/devices/vfio_ap/matrix/uevent");
        assertThat(choice("cd /sys/devices/vfio_ap/matrix/", "/sys/devices/vfio_ap/matrix/" + U1 + "/").complete())
                .as("a directory takes no space after it").isFalse();
        List<String> listed = session.sysfs().list("/sys/devices/vfio_ap/matrix");
        assertThat(complete("ls /sys/devices/vfio_ap/matrix/")).hasSameSizeAs(listed);
        run("echo " + U2 + " > /sys/devices/vfio_ap/matrix/mdev_supported_types/vfio_ap-passthrough/create");
        run("echo 1 > /sys/devices/vfio_ap/matrix/" + U1 + "/remove");
        assertThat(complete("cd /sys/devices/vfio_ap/matrix/"))
                .contains("/sys/devices/vfio_ap/matrix/" + U2 + "/")
                .doesNotContain("/sys/devices/vfio_ap/matrix/" + U1 + "/");
        assertThat(complete("ls /sys/bus/ap/devices/05.")).containsExactly("/sys/bus/ap/devices/05.0004/", "/sys/bus/ap/devices/05.0047/");
        assertThat(complete("ls /sys/bus/ap/drivers/vfio_ap/0")).contains("/sys/bus/ap/drivers/vfio_ap/05.0004/");
        assertThat(complete("cat /nosuch/")).isEmpty();
    }

    @Test
    void relativePathsAndRedirectTargets() {
        run("cd /sys/devices/vfio_ap/matrix/" + U1);
        assertThat(complete("echo 5 > assign_a")).containsExactly("assign_adapter");
        assertThat(complete("echo 5 >assign_a")).containsExactly(">assign_adapter");
        assertThat(complete("cat ../mdev_supported_types/vfio_ap-passthrough/av"))
                .containsExactly("../mdev_supported_types/vfio_ap-passthrough/available_instances");
        assertThat(complete("cd gu")).as("cd offers directories only").isEmpty();
        assertThat(complete("cat gu")).containsExactly("guest_matrix");
        assertThat(complete("echo 5 > assign_adapter 2>/dev/n")).containsExactly("2>/dev/null");
        assertThat(complete("cat nosuch 2> /dev/")).containsExactly("/dev/null");
        assertThat(complete("cat /dev/")).as("only a redirection writes to /dev/null").isEmpty();
    }

    @Test
    void aplabSubcommandsOptionsAndValues() {
        assertThat(complete("aplab ")).contains("host", "guest", "lockdep", "kernel")
                .containsExactlyElementsOf(Help.aplabCommands(session).subcommands().keySet());
        assertThat(complete("aplab guest ")).containsExactly("start", "stop", "show");
        assertThat(complete("aplab host --")).contains("--adapters", "--domains", "--control-domains", "--no-apxa", "--type");
        assertThat(complete("aplab host --adapters 5 --")).doesNotContain("--adapters").contains("--domains");
        assertThat(complete("aplab host --type CEX7")).containsExactly("CEX7C", "CEX7A", "CEX7P");
        assertThat(complete("aplab guest start g1 --mdev ")).containsExactly(U1);
        assertThat(complete("aplab kernel ")).containsAll(KernelNames.all()).contains("--with", "--without", "--list");
        assertThat(complete("aplab kernel 6.12 --without always")).containsExactly("always-filter-entire-matrix");
        assertThat(complete("aplab s390-tools 2.4")).contains("2.40", "2.43");
        assertThat(complete("aplab guest stop ")).isEmpty();
        run("aplab guest start g1 --mdev " + U1);
        assertThat(complete("aplab guest stop ")).containsExactly("g1");
        assertThat(complete("help aplab gu")).containsExactly("guest");
        assertThat(complete("help l")).containsExactly("ls", "lszcrypt");
    }

    @Test
    void lszcryptOptionsCardsAndQueues() {
        assertThat(complete("lszcrypt -c ")).containsExactly("05", "06");
        assertThat(complete("lszcrypt 06")).containsExactly("06", "06.0004", "06.0047");
        assertThat(complete("lszcrypt --v")).containsExactly("--verbose");
        assertThat(complete("ap-check -e pre -a start -u ")).containsExactly(U1);
        assertThat(complete("ap-check --u")).containsExactly("--udev-masks");
    }
}
