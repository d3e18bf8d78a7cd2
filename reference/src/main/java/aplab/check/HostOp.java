package aplab.check;

import aplab.ap.ApConfigInfo;
import aplab.ap.ApMask;
import aplab.ap.CardType;
import aplab.host.Host;
import aplab.sysfs.Sysfs;
import aplab.sysfs.SysfsException;
import java.util.List;

/**
 * One thing an admin, the firmware or the hypervisor does to a modelled host, applied straight to
 * {@link Host} and {@link Sysfs} (fast, no shell parsing) and rendered as the transcript command
 * line that does the same in {@code aplab check}. Expected refusals (an errno, a guest that cannot
 * start) are outcomes; anything else thrown is a model crash and propagates.
 */
public sealed interface HostOp {
    /** The transcript command ({@code $ } line without the {@code $ }). */
    String command();

    /** Applies it; returns "ok" or the refusal (e.g. "EBUSY", "guest: already running"). */
    String apply(Host host, Sysfs sysfs);

    /** Whether this operation only reads. */
    default boolean readOnly() {
        return false;
    }

    /** {@code echo VALUE > PATH} (a newline follows the value, as echo writes it). */
    record Write(String path, String value) implements HostOp {
        @Override
        public String command() {
            return "echo " + value + " > " + path;
        }

        @Override
        public String apply(Host host, Sysfs sysfs) {
            try {
                sysfs.write(path, value + "\n");
                return "ok";
            } catch (SysfsException e) {
                return e.errno().name();
            } catch (aplab.vfioap.BlockedWrite e) {
                return "blocked"; // a remove waiting for the guest (no vfio request callback)
            }
        }
    }

    /** {@code cat PATH}. */
    record Read(String path) implements HostOp {
        @Override
        public String command() {
            return "cat " + path;
        }

        @Override
        public String apply(Host host, Sysfs sysfs) {
            try {
                sysfs.read(path);
                return "ok";
            } catch (SysfsException e) {
                return e.errno().name();
            }
        }

        @Override
        public boolean readOnly() {
            return true;
        }
    }

    /** {@code aplab host --adapters A --domains D --control-domains C}: a new QCI and a bus scan. */
    record Configure(ApMask apm, ApMask aqm, ApMask adm) implements HostOp {
        @Override
        public String command() {
            return "aplab host --adapters " + list(apm) + " --domains " + list(aqm) + " --control-domains " + list(adm);
        }

        private static String list(ApMask m) {
            if (m.isEmpty()) {
                return "none";
            }
            StringBuilder b = new StringBuilder();
            m.forEach(id -> b.append(b.length() == 0 ? "" : ",").append(String.format("0x%x", id)));
            return b.toString();
        }

        @Override
        public String apply(Host host, Sysfs sysfs) {
            host.configure(new ApConfigInfo(apm, aqm, adm, true, 255, 255), CardType.DEFAULT);
            return "ok";
        }
    }

    /** {@code aplab guest start NAME --mdev UUID}. */
    record StartGuest(String name, String uuid) implements HostOp {
        @Override
        public String command() {
            return "aplab guest start " + name + " --mdev " + uuid;
        }

        @Override
        public String apply(Host host, Sysfs sysfs) {
            try {
                host.startGuest(name, List.of(uuid));
                return "ok";
            } catch (Host.GuestStartException e) {
                return e.kernelException().errno().name();
            } catch (IllegalStateException e) {
                if (e.getMessage() != null && e.getMessage().startsWith("guest ")) {
                    return "guest: already running";
                }
                throw e;
            } catch (IllegalArgumentException e) {
                if (e.getMessage() != null && e.getMessage().startsWith("no mdev ")) {
                    return "guest: no such mdev";
                }
                throw e;
            }
        }
    }

    /** {@code aplab guest stop NAME}. */
    record StopGuest(String name) implements HostOp {
        @Override
        public String command() {
            return "aplab guest stop " + name;
        }

        @Override
        public String apply(Host host, Sysfs sysfs) {
            try {
                host.stopGuest(name);
                return "ok";
            } catch (IllegalStateException e) {
                if (e.getMessage() != null && e.getMessage().startsWith("guest ")) {
                    return "guest: not running";
                }
                throw e;
            }
        }
    }

    /**
     * Anything else (tests and benchmarks: e.g. a deliberately mis-ordered locking to show that the
     * watchdog and the scheduler catch deadlocks). {@code command} is only a label.
     */
    record Custom(String command, java.util.function.BiFunction<Host, Sysfs, String> body) implements HostOp {
        @Override
        public String apply(Host host, Sysfs sysfs) {
            return body.apply(host, sysfs);
        }
    }

    // ------------------------------------------------------------------ path helpers

    String CREATE = "/sys/devices/vfio_ap/matrix/mdev_supported_types/vfio_ap-passthrough/create";
    String APMASK = "/sys/bus/ap/apmask";
    String AQMASK = "/sys/bus/ap/aqmask";

    static String mdev(String uuid, String attr) {
        return "/sys/devices/vfio_ap/matrix/" + uuid + "/" + attr;
    }

    static String card(int apid) {
        return String.format("/sys/bus/ap/devices/card%02x/config", apid);
    }

    static String driver(String driver, String attr) {
        return "/sys/bus/ap/drivers/" + driver + "/" + attr;
    }
}
