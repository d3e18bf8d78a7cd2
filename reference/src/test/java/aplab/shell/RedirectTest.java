package aplab.shell;

import static org.assertj.core.api.Assertions.assertThat;

import aplab.host.HostState;
import org.junit.jupiter.api.Test;

/**
 * Redirections as bash performs them: the target is opened before the command runs, a target that
 * cannot be opened runs nothing, standard error can be redirected on its own, left to right.
 */
class RedirectTest {
    private static final String U1 = "11111111-1111-1111-1111-111111111111";
    private static final String APMASK = "/sys/bus/ap/apmask";
    private static final String AQMASK = "/sys/bus/ap/aqmask";

    private static Session host() {
        Session s = new Session();
        assertThat(s.execute("aplab host --adapters 5,6 --domains 4,0x47")).isEmpty();
        assertThat(s.execute("echo -5,-6 > " + APMASK)).isEmpty();
        assertThat(s.execute("echo " + U1 + " > /sys/devices/vfio_ap/matrix/mdev_supported_types/vfio_ap-passthrough/create"))
                .isEmpty();
        return s;
    }

    /** Runs the line and asserts it printed exactly {@code expected} and changed nothing at all. */
    private static void changesNothing(Session s, String line, String... expected) {
        String before = HostState.withCounters(s.host());
        assertThat(s.execute(line)).as(line).containsExactly(expected);
        assertThat(HostState.withCounters(s.host())).as("state after: %s", line).isEqualTo(before);
    }

    @Test
    void aGuestIsNotStartedWhenItsOutputCannotBeOpened() {
        Session s = host();
        changesNothing(s, "aplab guest start g1 --mdev " + U1 + " > /nonexistent/x",
                "bash: /nonexistent/x: No such file or directory");
        assertThat(s.host().guest("g1")).isNull();
    }

    @Test
    void theHostIsNotReconfiguredWhenItsOutputCannotBeOpened() {
        Session s = host();
        changesNothing(s, "aplab host --adapters 7 --domains 9 > /sys/bus/ap/no_such_file",
                "bash: /sys/bus/ap/no_such_file: Permission denied");
        // a read-only attribute and a directory refuse the open too
        changesNothing(s, "aplab host --adapters 7 --domains 9 > /sys/bus/ap/ap_adapter_mask",
                "bash: /sys/bus/ap/ap_adapter_mask: Permission denied");
        changesNothing(s, "aplab host --adapters 7 --domains 9 >/sys/bus/ap", "bash: /sys/bus/ap: Is a directory");
    }

    @Test
    void catOfAMissingFileIntoApmaskWritesNothing() {
        Session s = host();
        changesNothing(s, "cat /nonexistent > " + APMASK, "cat: /nonexistent: No such file or directory");
        // truncating a sysfs attribute stores nothing
        changesNothing(s, "> " + APMASK);
        changesNothing(s, ": > " + APMASK, "aplab: unknown command: :");
    }

    @Test
    void catCopiesOneAttributeIntoAnother() {
        Session s = host();
        String aq = s.execute("cat " + AQMASK).get(0);
        assertThat(s.execute("echo -4 > " + AQMASK)).isEmpty();
        assertThat(s.execute("cat " + AQMASK).get(0)).isNotEqualTo(aq);
        // aqmask's show output is a valid absolute store: cat writes it unchanged
        assertThat(s.execute("echo " + aq + " > /tmp/x")).containsExactly("bash: /tmp/x: No such file or directory");
        assertThat(s.execute("cat " + APMASK + " > " + APMASK)).isEmpty();
    }

    @Test
    void aWriteErrorIsReportedOnStandardErrorWhichCanItselfBeRedirected() {
        Session s = host();
        changesNothing(s, "echo bogus > " + APMASK, "bash: echo: write error: Invalid argument");
        changesNothing(s, "echo bogus > " + APMASK + " 2>/dev/null");
        changesNothing(s, "echo bogus 2> /dev/null > " + APMASK);
        changesNothing(s, "cat /sys/devices/vfio_ap/matrix/mdev_supported_types/vfio_ap-passthrough/device_api > " + APMASK, "cat: write error: Invalid argument");
        // lszcrypt's own output is not a valid mask: its write error, nothing else
        changesNothing(s, "lszcrypt > " + APMASK, "lszcrypt: write error: Invalid argument");
    }

    @Test
    void standardErrorGoesWhereStandardOutputPointedWhenDuplicated() {
        Session s = host();
        changesNothing(s, "ls /nonexistent > /dev/null 2>&1");
        changesNothing(s, "ls /nonexistent 2>&1 > /dev/null", "ls: cannot access '/nonexistent': No such file or directory");
        changesNothing(s, "ls /sys/bus/ap/drivers > /dev/null");
        assertThat(s.execute("ls /sys/bus/ap/drivers 2>/dev/null")).contains("vfio_ap");
        changesNothing(s, "cd /nonexistent 2>/dev/null");
    }

    @Test
    void aStandardErrorTargetThatCannotBeOpenedAlsoRunsNothing() {
        Session s = host();
        changesNothing(s, "echo +5 > " + APMASK + " 2> /nonexistent/log", "bash: /nonexistent/log: No such file or directory");
        // left to right: the first failing open is the one reported
        changesNothing(s, "echo +5 2>/no/a > /no/b", "bash: /no/a: No such file or directory");
    }

    @Test
    void appendingToAnAttributeStoresLikeTruncating() {
        Session a = host();
        Session b = host();
        assertThat(a.execute("echo +5 >> " + APMASK)).isEmpty();
        assertThat(b.execute("echo +5 > " + APMASK)).isEmpty();
        assertThat(HostState.withCounters(a.host())).isEqualTo(HostState.withCounters(b.host()));
        assertThat(a.execute("echo -6 1>>" + APMASK)).isEmpty();
        assertThat(b.execute("echo -6 1> " + APMASK)).isEmpty();
        assertThat(HostState.withCounters(a.host())).isEqualTo(HostState.withCounters(b.host()));
    }

    @Test
    void redirectionsTheShellDoesNotModelAreRefusedClearly() {
        Session s = host();
        changesNothing(s, "echo +5 3> " + APMASK, "aplab: unsupported shell syntax: 3>");
        changesNothing(s, "echo +5 > " + APMASK + " > " + AQMASK,
                "aplab: unsupported shell syntax: a second redirection of standard output");
        changesNothing(s, "echo +5 >&2", "aplab: unsupported shell syntax: >&");
        changesNothing(s, "echo +5 &> " + APMASK, "aplab: unsupported shell syntax: &");
        changesNothing(s, "echo +5 >", "aplab: unsupported shell syntax: newline");
        // a line that ends in "2>&" (found by fuzzing: it read past the end of the line)
        changesNothing(s, "echo +5 2>&", "aplab: unsupported shell syntax: 2>&");
        changesNothing(s, "echo +5 2>&1", "+5");
        // quoted digits are a word, not a descriptor: standard output goes to the attribute
        changesNothing(s, "echo '2'> /dev/null");
        changesNothing(s, "echo 2> /dev/null", "");
    }
}
