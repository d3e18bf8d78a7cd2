package aplab;

import static org.assertj.core.api.Assertions.assertThat;

import aplab.ap.ApConfigInfo;
import aplab.ap.ApMask;
import aplab.ap.CardType;
import aplab.host.Host;
import aplab.host.HostState;
import aplab.kernel.Errno;
import aplab.kernel.KernelVersion;
import aplab.sysfs.Sysfs;
import aplab.sysfs.SysfsException;
import java.util.List;

/** A modelled host driven through sysfs, with the helpers the tests share. */
public final class Fixture {
    public static final String U1 = "11111111-1111-1111-1111-111111111111";
    public static final String U2 = "22222222-2222-2222-2222-222222222222";
    public static final String CREATE = "/sys/devices/vfio_ap/matrix/mdev_supported_types/vfio_ap-passthrough/create";

    public final Host host;
    public final Sysfs sysfs;

    public Fixture() {
        this(KernelVersion.MAINLINE);
    }

    public Fixture(KernelVersion v) {
        host = new Host(v);
        sysfs = new Sysfs(host);
    }

    public static String mdev(String uuid, String attr) {
        return "/sys/devices/vfio_ap/matrix/" + uuid + "/" + attr;
    }

    /** Host with the adapters and domains (control domains = domains), APXA, Na = Nd = 255. */
    public Fixture host(ApMask apm, ApMask aqm) {
        host.configure(new ApConfigInfo(apm, aqm, aqm, true, 255, 255), CardType.DEFAULT);
        return this;
    }

    /** Writes value + newline like echo; returns the errno of a refusal or null. */
    public Errno echo(String path, String value) {
        return write(path, value + "\n");
    }

    public Errno write(String path, String data) {
        try {
            sysfs.write(path, data);
            return null;
        } catch (SysfsException e) {
            return e.errno();
        }
    }

    /** Writes that must succeed. */
    public Fixture ok(String path, String... values) {
        for (String v : values) {
            assertThat(echo(path, v)).as("echo %s > %s", v, path).isNull();
        }
        return this;
    }

    public String cat(String path) {
        return sysfs.read(path);
    }

    public List<String> lines(String path) {
        String s = cat(path);
        return s.isEmpty() ? List.of() : List.of(s.split("\n"));
    }

    public String state() {
        return HostState.of(host);
    }

    /** The write is refused with errno and the whole model is exactly as before. */
    public void refused(String path, String data, Errno errno) {
        String before = state();
        assertThat(write(path, data)).as("write %s > %s", data.strip(), path).isEqualTo(errno);
        assertThat(state()).as("state after the refused write %s > %s", data.strip(), path).isEqualTo(before);
    }

    /** Adapters 5, 6 and domains 4, 0x47 in the host, given to vfio_ap, one mdev U1. */
    public static Fixture standard() {
        Fixture f = new Fixture().host(ApMask.of(5, 6), ApMask.of(4, 0x47));
        f.ok("/sys/bus/ap/apmask", "-5,-6");
        f.ok(CREATE, U1);
        return f;
    }
}
