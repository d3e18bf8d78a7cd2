package aplab.mdevctl;

import aplab.explain.Explainer;
import aplab.explain.WhatIf;
import aplab.host.Host;
import aplab.kernel.Errno;
import aplab.shell.Session;
import aplab.snapshot.LoadException;
import aplab.sysfs.Sysfs;
import aplab.sysfs.SysfsException;
import aplab.vfioap.ApMatrix;
import aplab.vfioap.MatrixMdev;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code mdevctl start} of a definition on the model, as mdevctl does it (mdevctl/src/mdev.rs,
 * {@code MDev::create} and {@code MDev::start}): refuse an existing UUID, find the parent and the
 * type, check {@code available_instances}, write the UUID to {@code create}, then write each
 * attribute's value (no newline) in order; at the first failure remove the device again
 * ({@code remove}) and fail. What mdevctl prints is mdevctl's ({@code Error: ...} and anyhow's
 * {@code Caused by:} with the OS error); aplab's own explanation follows on lines starting
 * {@code aplab:}.
 *
 * <p>The model has one mdev parent, {@code matrix} (mdevctl finds it as
 * /sys/class/mdev_bus/matrix, a link to /sys/devices/vfio_ap/matrix). s390-tools installs a
 * callout for vfio_ap ({@link ApCheck}); mdevctl runs it before the start, as here unless the
 * caller says there is none.
 */
public final class MdevctlStart {
    private static final String MATRIX = "/sys/devices/vfio_ap/matrix";
    /** mdevctl's parent_base()/PARENT and mdev_base(): the paths it writes through. */
    private static final String PARENT = "/sys/class/mdev_bus/matrix";
    private static final String MDEVS = "/sys/bus/mdev/devices";

    /** One sysfs write mdevctl made: the equivalent shell line and what it printed in a shell. */
    public record Write(String command, List<String> shellOutput) {
    }

    /** The outcome: mdevctl's exit status, what it printed, aplab's notes, and the writes made. */
    public record Result(int status, List<String> mdevctl, List<String> aplab, List<Write> writes) {
    }

    private MdevctlStart() {
    }

    /**
     * Starts a device on {@code session}. {@code baseCommands} make a fresh copy of the host as it
     * was before (for explaining a refusal; may be null).
     */
    public static Result start(Session session, List<String> baseCommands, MdevctlDefinition.Device d) {
        return start(session, baseCommands, d, true);
    }

    /**
     * Starts a device; with {@code callout} s390-tools' ap-check runs first as mdevctl runs an
     * installed callout (pre-start, the definition as JSON on its stdin): its stderr is printed
     * as mdevctl prints it ({@code ap-check: } before the first line), and a refusal ends the
     * start before anything is created.
     */
    public static Result start(Session session, List<String> baseCommands, MdevctlDefinition.Device d, boolean callout) {
        List<String> printed = new ArrayList<>();
        List<String> notes = new ArrayList<>();
        List<Write> writes = new ArrayList<>();
        Sysfs sysfs = session.sysfs();
        Host host = session.host();
        String uuid = d.uuid();
        String parent = d.parent();
        if (host.vfioAp().mdev(uuid) != null) {
            return fail(printed, notes, writes, "Device already exists", null,
                    "an mdev " + uuid + " exists already; 'mdevctl stop -u " + uuid + "' (echo 1 > " + MATRIX + "/" + uuid
                            + "/remove) removes it");
        }
        if (callout) {
            ApCheck.Result r = ApCheck.run(new ApCheck.Env(sysfs, Map.of(), null, null),
                    List.of("-e", "pre", "-a", "start", "-s", "none", "-u", uuid, "-p", parent, "-t", d.mdevType()),
                    MdevctlDefinition.toJson(d));
            printCalloutStderr(r, printed);
            if (r.status() != 0 && r.status() != 2) {
                return fail(printed, notes, writes, "Script '\"" + ApCheck.SCRIPT + "\"' failed with status '" + r.status() + "'",
                        null, "s390-tools' ap-check refused the start (exit " + r.status() + "): nothing was created;"
                                + " 'aplab mdevctl start --no-callout' starts it as mdevctl does without the callout");
            }
        }
        if (!parent.equals("matrix")) {
            String msg = parent.equalsIgnoreCase("matrix") ? "Unable to find parent device '" + parent + "'. Did you mean 'matrix'?"
                    : "Unable to find parent device '" + parent + "'";
            return fail(printed, notes, writes, msg, null, "vfio_ap's mdev parent is 'matrix' (/sys/class/mdev_bus/matrix)");
        }
        // mdevctl finds the parent under /sys/class/mdev_bus and the device under /sys/bus/mdev/devices
        String types = PARENT + "/mdev_supported_types";
        // a type is one directory name under mdev_supported_types ("", "." or "a/b" name none)
        String type = d.mdevType();
        boolean oneName = !type.isEmpty() && !type.equals(".") && !type.equals("..") && type.indexOf('/') < 0;
        if (!oneName || !sysfs.isDirectory(types + "/" + type) || sysfs.tree().read(types + "/" + type + "/available_instances") == null) {
            return fail(printed, notes, writes, "Parent matrix does not support mdev type " + d.mdevType(), null,
                    "the matrix device's only type is vfio_ap-passthrough");
        }
        String avail = sysfs.read(types + "/" + d.mdevType() + "/available_instances").strip();
        if (avail.equals("0")) {
            return fail(printed, notes, writes, "No available instances of " + d.mdevType() + " on matrix", null, null);
        }
        List<String> done = new ArrayList<>(baseCommands == null ? List.of() : baseCommands);
        Errno e = write(session, types + "/" + d.mdevType() + "/create", uuid, writes, done);
        if (e != null) {
            return fail(printed, notes, writes, "Failed to create mdev " + uuid + ", type " + d.mdevType() + " on matrix", e,
                    "writing the UUID to create failed: " + e.name());
        }
        String dev = MDEVS + "/" + uuid;
        for (int i = 0; i < d.attrs().size(); i++) {
            MdevctlDefinition.Attr a = d.attrs().get(i);
            String path = dev + "/" + a.name();
            String where = "attribute " + (i + 1) + " of " + d.attrs().size() + " (line " + a.line() + ")";
            if (!isAttributeName(sysfs, dev, a.name())) {
                stop(session, dev, writes, done);
                return fail(printed, notes, writes, "Invalid attribute '" + a.name() + "'", null,
                        where + ": '" + a.name() + "' is no attribute of the mdev (a name in " + dev + ", without '/');"
                                + " mdevctl itself only checks that the joined path exists, so on a real host it would"
                                + " write wherever the path leads");
            }
            if (!sysfs.exists(path)) {
                stop(session, dev, writes, done);
                return fail(printed, notes, writes, "Invalid attribute '" + a.name() + "'", null,
                        where + ": the mdev has no attribute '" + a.name() + "'; vfio_ap's are assign_adapter, "
                                + "assign_domain, assign_control_domain (and their unassign_ forms)");
            }
            List<String> before = List.copyOf(done);
            e = write(session, path, a.value(), writes, done);
            if (e != null) {
                stop(session, dev, writes, done);
                String cmd = writes.get(writes.size() - 2).command();
                notes.add(where + ": '" + cmd + "' failed with " + e.name() + " (" + e.strerror() + ")");
                if (baseCommands != null) {
                    List<String> why = WhatIf.run(() -> replay(before), cmd.replace(MDEVS + "/", MATRIX + "/"));
                    for (String w : why) {
                        if (w.startsWith("    ")) {
                            notes.add("  " + w.strip());
                        } else if (w.startsWith("  why:") || w.startsWith("  unassign") || w.startsWith("  free")) {
                            notes.add(w.strip());
                        }
                    }
                }
                notes.add("mdevctl removed the half-configured mdev again (echo 1 > " + dev + "/remove): the host is as before");
                return fail(printed, notes, writes, "Failed to write " + a.value() + " to attribute " + a.name(), e, null);
            }
        }
        MatrixMdev m = host.vfioAp().mdev(uuid);
        if (m == null) {
            // an attribute was 'remove': mdevctl wrote it like any other and reports success
            notes.add("mdev " + uuid + " is gone again: one of its attributes was 'remove', which mdevctl writes like any other");
            return new Result(0, printed, notes, writes);
        }
        ApMatrix mx = m.matrix();
        notes.add("mdev " + uuid + " started with adapters " + mx.apm().toIdList(2) + ", domains " + mx.aqm().toIdList(4)
                + ", control domains " + mx.adm().toIdList(4));
        for (String l : new Explainer(session, baseCommands == null ? null : () -> replay(done)).explain(uuid)) {
            notes.add(l.startsWith("mdev ") ? l : l.strip());
        }
        return new Result(0, printed, notes, writes);
    }

    /** Whether {@code name} can be an entry of the mdev's directory (not a path that leaves it). */
    static boolean isAttributeName(Sysfs sysfs, String dev, String name) {
        return !(name.isEmpty() || name.contains("/") || name.equals(".") || name.equals(".."));
    }

    /** mdevctl's print_err: the script's name and ': ' before its whole stderr (so before its first line). */
    static void printCalloutStderr(ApCheck.Result r, List<String> printed) {
        for (int i = 0; i < r.stderr().size(); i++) {
            printed.add((i == 0 ? "ap-check: " : "") + r.stderr().get(i));
        }
    }

    private static Session replay(List<String> commands) {
        Session s = new Session();
        for (String c : commands) {
            s.execute(c);
        }
        return s;
    }

    /** mdevctl's fs::write (no newline): the errno of a refusal, or null; recorded as echo -n. */
    private static Errno write(Session session, String path, String value, List<Write> writes, List<String> done) {
        String cmd = "echo -n " + quote(value) + " > " + path;
        Errno errno = null;
        List<String> shell = new ArrayList<>();
        try {
            session.sysfs().write(path, value);
        } catch (SysfsException e) {
            errno = e.errno();
            shell.add(e.phase() == SysfsException.Phase.OPEN ? "bash: " + path + ": " + e.errno().strerror()
                    : "bash: echo: write error: " + e.errno().strerror());
        }
        writes.add(new Write(cmd, shell));
        done.add(cmd);
        return errno;
    }

    private static void stop(Session session, String dev, List<Write> writes, List<String> done) {
        write(session, dev + "/remove", "1", writes, done);
    }

    /** A value as the shell must see it ('...' unless it is plain). */
    static String quote(String v) {
        if (!v.isEmpty() && v.matches("[A-Za-z0-9+,._:/=-]+")) {
            return v;
        }
        return "'" + v.replace("'", "'\\''") + "'";
    }

    private static Result fail(List<String> printed, List<String> notes, List<Write> writes, String msg, Errno cause,
            String note) {
        printed.add("Error: " + msg);
        if (cause != null) {
            printed.add("");
            printed.add("Caused by:");
            printed.add("    " + cause.strerror() + " (os error " + cause.number() + ")");
        }
        if (note != null) {
            notes.add(note);
        }
        return new Result(1, printed, notes, writes);
    }

    /** The mdevctl definition of a modelled mdev: its adapters, domains, control domains in order. */
    public static MdevctlDefinition.Device fromModel(Host host, String uuid, boolean auto) {
        MatrixMdev m = host.vfioAp().mdev(uuid.toLowerCase(Locale.ROOT));
        if (m == null) {
            return null;
        }
        ApMatrix mx = m.matrix();
        List<MdevctlDefinition.Attr> attrs = new ArrayList<>();
        mx.apm().forEach(a -> attrs.add(new MdevctlDefinition.Attr("assign_adapter", String.format("0x%02x", a), 0)));
        mx.aqm().forEach(q -> attrs.add(new MdevctlDefinition.Attr("assign_domain", String.format("0x%04x", q), 0)));
        mx.adm().forEach(c -> attrs.add(new MdevctlDefinition.Attr("assign_control_domain", String.format("0x%04x", c), 0)));
        return new MdevctlDefinition.Device(m.uuid(), "matrix", "vfio_ap-passthrough", auto ? "auto" : "manual",
                List.copyOf(attrs), 0);
    }

    /**
     * The active devices as {@code mdevctl list} finds them (environment.rs get_active_devices):
     * every mdev under /sys/bus/mdev/devices, kept if it matches {@code uuid} and {@code parent}
     * (null: any), sorted by UUID, {@code "start": "manual"} (the model keeps no persistent
     * definitions), and with the callout installed the attributes s390-tools' ap-check
     * {@code get-attributes} prints (decimal values; {@code [{}]} for an empty matrix, which
     * mdevctl's add_attributes refuses and so shows no attributes). Without the callout an active
     * device has no attributes.
     */
    public static List<MdevctlDefinition.Device> listActive(Session session, String uuid, String parent, boolean callout) {
        List<MdevctlDefinition.Device> out = new ArrayList<>();
        List<MatrixMdev> mdevs = new ArrayList<>(session.host().vfioAp().mdevs());
        mdevs.sort((a, b) -> a.uuid().compareTo(b.uuid()));
        for (MatrixMdev m : mdevs) {
            if (uuid != null && !uuid.equalsIgnoreCase(m.uuid()) || parent != null && !parent.equals("matrix")) {
                continue;
            }
            List<MdevctlDefinition.Attr> attrs = List.of();
            if (callout) {
                ApCheck.Result r = ApCheck.run(new ApCheck.Env(session.sysfs(), Map.of(), null, null),
                        List.of("-e", "get", "-a", "attributes", "-s", "none", "-u", m.uuid(), "-p", "matrix",
                                "-t", "vfio_ap-passthrough"), "");
                if (r.status() == 0 && !r.stdout().isEmpty()) {
                    String json = "{\"mdev_type\": \"vfio_ap-passthrough\", \"start\": \"manual\", \"attrs\": "
                            + String.join("\n", r.stdout()) + "}";
                    try {
                        attrs = MdevctlDefinition.parse("get-attributes", json, m.uuid(), "matrix").get(0).attrs();
                    } catch (LoadException e) {
                        attrs = List.of(); // mdevctl ignores what add_attributes refuses
                    }
                }
            }
            out.add(new MdevctlDefinition.Device(m.uuid(), "matrix", "vfio_ap-passthrough", "manual", attrs, 0));
        }
        return out;
    }
}
