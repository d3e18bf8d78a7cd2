package aplab;

import static org.assertj.core.api.Assertions.assertThat;

import aplab.ap.ApConfigInfo;
import aplab.ap.ApMask;
import aplab.ap.CardType;
import aplab.host.Host;
import aplab.host.HostState;
import aplab.kernel.Errno;
import aplab.kernel.Kernel;
import aplab.kvm.Kvm;
import aplab.sysfs.Sysfs;
import aplab.sysfs.SysfsException;
import aplab.vfioap.MatrixMdev;
import java.util.List;

/** A modelled host driven through sysfs, with the helpers the tests share. */
public final class Fixture {
    public static final String U1 = "11111111-1111-1111-1111-111111111111";
    public static final String U2 = "22222222-2222-2222-2222-222222222222";
    public static final String U3 = "33333333-3333-3333-3333-333333333333";
    public static final String U4 = "44444444-4444-4444-4444-444444444444";
    public static final String MATRIX = "/sys/devices/vfio_ap/matrix";
    public static final String CREATE = MATRIX + "/mdev_supported_types/vfio_ap-passthrough/create";
    public static final String APMASK = "/sys/bus/ap/apmask";
    public static final String AQMASK = "/sys/bus/ap/aqmask";
    public static final String VFIO_BIND = "/sys/bus/ap/drivers/vfio_ap/bind";
    public static final String VFIO_UNBIND = "/sys/bus/ap/drivers/vfio_ap/unbind";
    public static final String CEX4_BIND = "/sys/bus/ap/drivers/cex4queue/bind";
    public static final String CEX4_UNBIND = "/sys/bus/ap/drivers/cex4queue/unbind";
    /** An all-ones 256-bit mask as apmask_show prints it (without the newline). */
    public static final String ALL_ONES = "0x" + "f".repeat(64);

    public final Host host;
    public final Sysfs sysfs;

    public Fixture() {
        this(Kernel.MAINLINE);
    }

    public Fixture(Kernel v) {
        host = new Host(v);
        sysfs = new Sysfs(host);
    }

    /** A host with the given defects planted. */
    public Fixture(Kernel v, java.util.Set<aplab.kernel.PlantedBug> planted) {
        host = new Host(v, planted);
        sysfs = new Sysfs(host);
    }

    public static String mdev(String uuid, String attr) {
        return MATRIX + "/" + uuid + "/" + attr;
    }

    /** Host with the adapters and domains (control domains = domains), APXA, Na = Nd = 255. */
    public Fixture host(ApMask apm, ApMask aqm) {
        return host(apm, aqm, aqm);
    }

    public Fixture host(ApMask apm, ApMask aqm, ApMask adm) {
        host.configure(new ApConfigInfo(apm, aqm, adm, true, 255, 255), CardType.DEFAULT);
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

    /** The errno of reading path, or null if it reads. */
    public Errno readErrno(String path) {
        try {
            sysfs.read(path);
            return null;
        } catch (SysfsException e) {
            return e.errno();
        }
    }

    public List<String> lines(String path) {
        String s = cat(path);
        return s.isEmpty() ? List.of() : List.of(s.split("\n"));
    }

    public List<String> matrix(String uuid) {
        return lines(mdev(uuid, "matrix"));
    }

    public List<String> guestMatrix(String uuid) {
        return lines(mdev(uuid, "guest_matrix"));
    }

    public MatrixMdev m(String uuid) {
        return host.vfioAp().mdev(uuid);
    }

    /** The driver a queue device is bound to, by its sysfs driver directory (null: none). */
    public String driverOf(String queue) {
        for (String d : sysfs.list("/sys/bus/ap/drivers")) {
            if (sysfs.list("/sys/bus/ap/drivers/" + d).contains(queue)) {
                return d;
            }
        }
        return null;
    }

    public Kvm start(String guest, String... uuids) {
        return host.startGuest(guest, List.of(uuids)).kvm();
    }

    /** The state with event counters: what must not change when a write is refused. */
    public String state() {
        return HostState.withCounters(host);
    }

    /** The state alone (no counters). */
    public String canonical() {
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
        return standard(Kernel.MAINLINE);
    }

    public static Fixture standard(Kernel v) {
        Fixture f = new Fixture(v).host(ApMask.of(5, 6), ApMask.of(4, 0x47));
        f.ok(APMASK, "-5,-6");
        f.ok(CREATE, U1);
        return f;
    }

    /** {@link #standard()} with U1 = 05,06 x 0004,0047: all four queues bound to vfio_ap and linked. */
    public static Fixture withMatrix() {
        return withMatrix(Kernel.MAINLINE);
    }

    public static Fixture withMatrix(Kernel v) {
        Fixture f = standard(v);
        f.ok(mdev(U1, "assign_adapter"), "5", "6");
        f.ok(mdev(U1, "assign_domain"), "4", "0x47");
        return f;
    }

    /** The guest's CRYCB equals the mdev's guest_matrix (apm, aqm) and shadow control domains. */
    public void assertCrycbIsShadow(Kvm kvm, String uuid, String when) {
        MatrixMdev m = m(uuid);
        assertThat(kvm.apm()).as("CRYCB apm %s", when).isEqualTo(m.shadowApcb().apm());
        assertThat(kvm.aqm()).as("CRYCB aqm %s", when).isEqualTo(m.shadowApcb().aqm());
        assertThat(kvm.adm()).as("CRYCB adm %s", when).isEqualTo(m.shadowApcb().adm());
        assertThat(apqnLines(kvm.apm(), kvm.aqm())).as("CRYCB as guest_matrix lines %s", when)
                .isEqualTo(guestMatrix(uuid));
    }

    /** The matrix_show format of apm x aqm, computed here from the kernel's three cases. */
    public static List<String> apqnLines(ApMask apm, ApMask aqm) {
        List<String> out = new java.util.ArrayList<>();
        if (!apm.isEmpty() && !aqm.isEmpty()) {
            for (int a : apm.ids()) {
                for (int q : aqm.ids()) {
                    out.add(String.format("%02x.%04x", a, q));
                }
            }
        } else if (!apm.isEmpty()) {
            apm.ids().forEach(a -> out.add(String.format("%02x.", a)));
        } else {
            aqm.ids().forEach(q -> out.add(String.format(".%04x", q)));
        }
        return out;
    }
}
