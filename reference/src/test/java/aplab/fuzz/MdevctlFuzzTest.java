package aplab.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import aplab.host.HostState;
import aplab.mdevctl.MdevctlDefinition;
import aplab.mdevctl.MdevctlStart;
import aplab.shell.Session;
import aplab.snapshot.LoadException;
import com.code_intelligence.jazzer.junit.DictionaryEntries;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;

/**
 * Any bytes as an mdevctl JSON definition (a bare one, a --jsonfile, or 'mdevctl list --dumpjson'
 * output): the reader gives devices or one line naming the file; starting each device on a host
 * with queues for vfio_ap either succeeds, or fails and leaves the host's state as it was (mdevctl
 * removes the half-configured mdev: {@link HostState#of}, since the create and remove it did count
 * as events); every write mdevctl makes stays inside that mdev's directory (or is the type's
 * {@code create}; {@code ../} in an attribute name must not lead out). Committed inputs: {@code src/test/resources/aplab/fuzz/MdevctlFuzzTestInputs/anyDefinition}.
 */
class MdevctlFuzzTest {
    static final Fuzz.Tally TALLY = new Fuzz.Tally("mdevctl");
    private static final String U3 = "33333333-3333-3333-3333-333333333333";
    private static final List<String> BASE = List.of("aplab host --adapters 5,6 --domains 4,0x47",
            "echo -5,-6 > /sys/bus/ap/apmask",
            "echo " + Fuzz.U1 + " > /sys/devices/vfio_ap/matrix/mdev_supported_types/vfio_ap-passthrough/create",
            "echo 5 > /sys/devices/vfio_ap/matrix/" + Fuzz.U1 + "/assign_adapter",
            "echo 4 > /sys/devices/vfio_ap/matrix/" + Fuzz.U1 + "/assign_domain");

    @FuzzTest(maxDuration = "10m")
    @DictionaryEntries({"{", "}", "[", "]", "\\\"", "mdev_type", "vfio_ap-passthrough", "start", "auto", "manual",
        "attrs", "assign_adapter", "assign_domain", "assign_control_domain", "matrix", U3, ":", ",", "0x5", "5", "4", "../",
        "\\\\u0000"})
    void anyDefinition(byte[] input) {
        Path f = Fuzz.file(".json", input);
        try {
            run(f, Fuzz.printable(Fuzz.latin1(input)));
        } finally {
            Fuzz.delete(f);
        }
    }

    private static void run(Path f, String what) {
        List<MdevctlDefinition.Device> devs;
        try {
            devs = MdevctlDefinition.read(f, U3, null);
        } catch (LoadException e) {
            TALLY.add("unreadable");
            assertThat(e.oneLine()).as("error for %s", what).doesNotContain("\n").startsWith(f.toString());
            return;
        }
        TALLY.add("read");
        Session s = new Session();
        BASE.forEach(s::execute);
        for (MdevctlDefinition.Device d : devs) {
            String before = HostState.of(s.host());
            MdevctlStart.Result r = MdevctlStart.start(s, BASE, d);
            TALLY.add("devices");
            // the mdev's directory, by its device path or the mdev bus's link to it
            List<String> dirs = List.of("/sys/devices/vfio_ap/matrix/" + d.uuid() + "/", "/sys/bus/mdev/devices/" + d.uuid() + "/");
            for (MdevctlStart.Write w : r.writes()) {
                String target = aplab.sysfs.Sysfs.normalize("/", w.command().substring(w.command().lastIndexOf(" > ") + 3));
                assertThat(dirs.stream().anyMatch(target::startsWith)
                        || target.endsWith("/mdev_supported_types/" + d.mdevType() + "/create"))
                        .as("mdevctl wrote to %s for device %s of %s", target, d.uuid(), what).isTrue();
            }
            if (r.status() == 0) {
                TALLY.add("started");
            } else {
                TALLY.add("refused");
                assertThat(HostState.of(s.host())).as("state after mdevctl start refused %s", what).isEqualTo(before);
            }
        }
    }

    @AfterAll
    static void report() {
        System.out.println(TALLY.summary());
    }
}
