package aplab.mdevctl;

import aplab.snapshot.LoadException;
import aplab.snapshot.SysfsTree;
import aplab.sysfs.Sysfs;
import aplab.sysfs.SysfsException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * s390-tools' mdevctl callout for vfio_ap-passthrough devices ({@code ap-check}, ap_tools/ap-check.c
 * with libap), written here from its behaviour: the checks, messages and exit statuses mdevctl
 * sees when it runs {@code ap-check -e EVENT -a ACTION -s STATE -u UUID -p PARENT -t TYPE} with the
 * device's JSON configuration on standard input.
 *
 * <ul>
 *   <li>Arguments: a missing or repeated operand is {@code Duplicate or missing operand}, an unknown
 *       one {@code Unknown operand}, a bad UUID {@code Invalid UUID specified} (all exit 1); a type
 *       other than vfio_ap-passthrough exits 2 silently (mdevctl then tries the next script); a
 *       parent other than {@code matrix} is {@code Invalid parent specified} (exit 1).</li>
 *   <li>pre-define ({@code Config already exists} if /etc/mdevctl.d/matrix/UUID is there) and
 *       pre-modify ({@code Config doesn't exist} if not): for an {@code auto} definition, every APQN
 *       another auto definition has ({@code APQN A.D is defined for autostart by UUID}) and every
 *       APQN the persistent masks (the udev rule /etc/udev/rules.d/41-ap.rules, else the active
 *       masks) keep for the host ({@code APQN A.D is not defined for vfio_ap-passthrough use by
 *       the persistent ap bus mask settings}). A manual definition is not checked.</li>
 *   <li>pre-start: {@code vfio_ap module is not loaded} (exit 1) without /sys/devices/vfio_ap;
 *       control domains without usage domains ({@code At least one usage domain must be
 *       specified}); every APQN an active mdev has ({@code APQN A.D already in use by UUID}) and
 *       every APQN apmask/aqmask keep for the host ({@code APQN A.D is not allowed for
 *       vfio_ap-passthrough use by the active ap bus mask settings}).</li>
 *   <li>live-modify: the mdev must have a readable {@code ap_config} (the message
 *       {@code vfio-ap module does not support ap_config for live modification} has no newline);
 *       then the start checks, then one write of {@code APM,AQM,ADM\n} to {@code ap_config}. The
 *       write goes through a stdio stream whose close is not checked, so a store the kernel
 *       refuses still ends with exit 0.</li>
 *   <li>get-attributes: the active mdev's {@code matrix} and {@code control_domains} as
 *       {@code [{"assign_adapter": "5"},{"assign_domain": "4"},...]} (decimal; {@code [{}]} for
 *       none), nothing if the mdev is gone.</li>
 *   <li>A failed check exits with status 255 (the callout returns -1). APQNs print in decimal,
 *       {@code APQN 5.4}. Attribute values are parsed as libap does: comma-separated
 *       {@code strtol(..., 0)} numbers (so {@code 0x05}, {@code 010} octal, and junk as 0).</li>
 * </ul>
 *
 * <p>The files ap-check reads besides sysfs are given explicitly: the other persistent definitions
 * ({@code /etc/mdevctl.d/matrix/*}, by UUID) and the udev rule's masks (null when the file is
 * absent). The configuration lock (/run/lock/s390apconfig.lock) is always granted.
 */
public final class ApCheck {
    /** Where mdevctl finds the script: it names it so in its messages. */
    public static final String SCRIPT = "/usr/lib/mdevctl/scripts.d/callouts/ap-check";
    private static final String MATRIX = "/sys/devices/vfio_ap/matrix";
    private static final Pattern UUID = Pattern.compile("[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");

    /** What the script printed on stdout and stderr (lines; the last may lack its newline), and its exit status. */
    public record Result(int status, List<String> stdout, List<String> stderr, boolean stderrEndsWithNewline) {
    }

    /** The host side ap-check reads: sysfs, the persistent definitions, the udev rule's masks. */
    public record Env(Sysfs sysfs, Map<String, String> definitions, String udevApmask, String udevAqmask) {
    }

    private final Env env;
    private final List<String> out = new ArrayList<>();
    private final List<String> err = new ArrayList<>();
    private boolean errNewline = true;

    private ApCheck(Env env) {
        this.env = env;
    }

    /** A vfio_ap device: its APQN lists (sorted, no duplicates) and whether it starts manually. */
    private static final class Dev {
        final TreeSet<Integer> adapters = new TreeSet<>();
        final TreeSet<Integer> domains = new TreeSet<>();
        final TreeSet<Integer> controls = new TreeSet<>();
        String type;
        boolean manual;
    }

    private static final class Exit extends RuntimeException {
        final int status;

        Exit(int status) {
            super(null, null, false, false);
            this.status = status;
        }
    }

    /** Runs {@code ap-check ARGS} with {@code stdin} (the device's JSON, or null for none). */
    public static Result run(Env env, List<String> args, String stdin) {
        ApCheck c = new ApCheck(env);
        int status;
        try {
            status = c.main(args, stdin);
        } catch (Exit e) {
            status = e.status;
        }
        return new Result(status, c.out, c.err, c.errNewline);
    }

    private void fail(String msg) {
        err.add(msg);
    }

    private int main(List<String> args, String stdin) {
        String event = null;
        String action = null;
        String state = null;
        String uuid = null;
        String parent = null;
        String type = null;
        boolean bad = false;
        for (int i = 0; i < args.size(); i++) {
            String a = args.get(i);
            String opt;
            String val;
            if (a.startsWith("--") && a.length() > 2) {
                int eq = a.indexOf('=');
                String name = eq < 0 ? a.substring(2) : a.substring(2, eq);
                opt = switch (name) {
                    case "event" -> "e";
                    case "action" -> "a";
                    case "state" -> "s";
                    case "uuid" -> "u";
                    case "parent" -> "p";
                    case "type" -> "t";
                    default -> null;
                };
                val = eq < 0 ? null : a.substring(eq + 1);
            } else if (a.length() >= 2 && a.charAt(0) == '-' && "eaupst".indexOf(a.charAt(1)) >= 0) {
                opt = a.substring(1, 2);
                val = a.length() > 2 ? a.substring(2) : null;
            } else {
                opt = null;
                val = null;
            }
            if (opt == null) {
                fail("Unknown operand");
                throw new Exit(1);
            }
            if (val == null) {
                if (i + 1 >= args.size()) {
                    fail("Unknown operand");
                    throw new Exit(1);
                }
                val = args.get(++i);
            }
            switch (opt) {
                case "e" -> {
                    bad |= event != null;
                    event = event == null ? val : event;
                }
                case "a" -> {
                    bad |= action != null;
                    action = action == null ? val : action;
                }
                case "s" -> {
                    bad |= state != null;
                    state = state == null ? val : state;
                }
                case "u" -> {
                    bad |= uuid != null;
                    uuid = uuid == null ? val : uuid;
                }
                case "p" -> {
                    bad |= parent != null;
                    parent = parent == null ? val : parent;
                }
                default -> {
                    bad |= type != null;
                    type = type == null ? val : type;
                }
            }
        }
        if (event == null || action == null || state == null || uuid == null || parent == null || type == null || bad) {
            fail("Duplicate or missing operand");
            throw new Exit(1);
        }
        if (!UUID.matcher(uuid).matches()) {
            fail("Invalid UUID specified");
            throw new Exit(1);
        }
        if (!type.equals("vfio_ap-passthrough")) {
            throw new Exit(2);
        }
        if (!parent.equals("matrix")) {
            fail("Invalid parent specified");
            throw new Exit(1);
        }
        int rc = switch (event) {
            case "pre" -> switch (action) {
                case "define" -> define(uuid, type, stdin);
                case "modify" -> modify(uuid, type, stdin);
                case "start" -> start(uuid, type, stdin);
                default -> 0; // stop, undefine: the lock only; others ignored
            };
            case "get" -> action.equals("attributes") ? getAttributes(uuid) : 0;
            case "live" -> action.equals("modify") ? liveModify(uuid, type, stdin) : 0;
            default -> 0;
        };
        return rc == 0 ? 0 : 255;
    }

    // ---------------------------------------------------------------- reading configurations

    /** vfio_ap_read_device_config: null if unreadable or not a vfio_ap-passthrough configuration. */
    static Dev readConfig(String json) {
        if (json == null) {
            return null;
        }
        MdevctlDefinition.Device d;
        try {
            List<MdevctlDefinition.Device> ds = MdevctlDefinition.parse("stdin", json, "00000000-0000-0000-0000-000000000000", "matrix");
            if (ds.size() != 1) {
                return null;
            }
            d = ds.get(0);
        } catch (LoadException e) {
            return null;
        }
        Dev dev = new Dev();
        dev.type = d.mdevType();
        if (dev.type != null && !dev.type.equals("vfio_ap-passthrough")) {
            return null;
        }
        dev.manual = "manual".equals(d.start());
        for (MdevctlDefinition.Attr a : d.attrs()) {
            switch (a.name()) {
                case "assign_adapter" -> addIds(dev.adapters, a.value());
                case "assign_domain" -> addIds(dev.domains, a.value());
                case "assign_control_domain" -> addIds(dev.controls, a.value());
                case "ap_config" -> {
                    String[] m = a.value().split(",", -1);
                    dev.adapters.clear();
                    dev.domains.clear();
                    dev.controls.clear();
                    if (m.length == 3) {
                        maskToList(m[0], dev.adapters);
                        maskToList(m[1], dev.domains);
                        maskToList(m[2], dev.controls);
                    }
                }
                default -> {
                }
            }
        }
        return dev;
    }

    /** modify_device_attr: strtok on ',' and strtol(curr, NULL, 0) of each piece. */
    private static void addIds(TreeSet<Integer> list, String value) {
        for (String piece : value.split(",")) {
            if (!piece.isEmpty()) {
                list.add((int) strtol0(piece));
            }
        }
    }

    /** strtol(s, NULL, 0): blanks, a sign, 0x hex / 0 octal / decimal digits; 0 when none. */
    static long strtol0(String s) {
        int i = 0;
        while (i < s.length() && Character.isWhitespace(s.charAt(i))) {
            i++;
        }
        boolean neg = false;
        if (i < s.length() && (s.charAt(i) == '+' || s.charAt(i) == '-')) {
            neg = s.charAt(i) == '-';
            i++;
        }
        int base = 10;
        if (i + 1 < s.length() && s.charAt(i) == '0' && (s.charAt(i + 1) == 'x' || s.charAt(i + 1) == 'X')
                && i + 2 < s.length() && Character.digit(s.charAt(i + 2), 16) >= 0) {
            base = 16;
            i += 2;
        } else if (i < s.length() && s.charAt(i) == '0') {
            base = 8;
        }
        long v = 0;
        while (i < s.length() && Character.digit(s.charAt(i), base) >= 0) {
            v = v * base + Character.digit(s.charAt(i), base);
            if (v > Integer.MAX_VALUE) {
                v = Integer.MAX_VALUE;
            }
            i++;
        }
        return neg ? -v : v;
    }

    /** ap_mask_to_list: the set bits of a hex mask string (with or without 0x), MSB first. */
    private static void maskToList(String mask, TreeSet<Integer> list) {
        String m = mask.strip();
        if (m.startsWith("0x") || m.startsWith("0X")) {
            m = m.substring(2);
        }
        for (int id = 0; id <= 255; id++) {
            int digit = id / 4;
            if (digit >= m.length()) {
                break;
            }
            int v = Character.digit(m.charAt(digit), 16);
            if (v > 0 && (v & (8 >> (id % 4))) != 0) {
                list.add(id);
            }
        }
    }

    private static String mask(TreeSet<Integer> ids) {
        char[] hex = new char[64];
        for (int i = 0; i < 64; i++) {
            int v = 0;
            for (int b = 0; b < 4; b++) {
                if (ids.contains(i * 4 + b)) {
                    v |= 8 >> b;
                }
            }
            hex[i] = Character.forDigit(v, 16);
        }
        return "0x" + new String(hex);
    }

    // ---------------------------------------------------------------- conflicts

    /** find_apqn_conflicts: every common adapter, then every common domain, in ascending order. */
    private boolean conflicts(String uuid, Dev dev, TreeSet<Integer> adapters2, TreeSet<Integer> domains2, boolean persistent) {
        boolean found = false;
        for (int a : dev.adapters) {
            if (!adapters2.contains(a)) {
                continue;
            }
            for (int d : dev.domains) {
                if (!domains2.contains(d)) {
                    continue;
                }
                found = true;
                if (uuid != null) {
                    fail(persistent ? "APQN " + a + "." + d + " is defined for autostart by " + uuid
                            : "APQN " + a + "." + d + " already in use by " + uuid);
                } else {
                    fail(persistent ? "APQN " + a + "." + d + " is not defined for vfio_ap-passthrough use by the persistent ap bus mask settings"
                            : "APQN " + a + "." + d + " is not allowed for vfio_ap-passthrough use by the active ap bus mask settings");
                }
            }
        }
        return found;
    }

    private String read(String path) {
        SysfsTree t = env.sysfs().tree();
        return t.read(path);
    }

    /** ap_check_changes: the checks of define and modify. */
    private int changes(String type, String stdin) {
        Dev dev = readConfig(stdin);
        if (dev == null) {
            fail("Failed to read device config");
            return -1;
        }
        if (!type.equals(dev.type)) {
            fail("Invalid mdev_type: " + (dev.type == null ? "(null)" : dev.type));
            return -1;
        }
        if (dev.manual) {
            return 0;
        }
        boolean bad = false;
        // check_other_mdevs_cfg: every other auto definition (the model reads them in UUID order)
        for (Map.Entry<String, String> e : new TreeMap<>(env.definitions()).entrySet()) {
            if (!UUID.matcher(e.getKey()).matches() || e.getKey().equalsIgnoreCase(currentUuid)) {
                continue;
            }
            Dev other = readConfig(e.getValue());
            if (other == null || !"vfio_ap-passthrough".equals(other.type) || other.manual) {
                continue;
            }
            bad |= conflicts(e.getKey(), dev, other.adapters, other.domains, true);
        }
        // check_cfg_mask_conflicts: the udev rule's masks, the active ones where it has none
        String ap = env.udevApmask() != null ? env.udevApmask() : read("/sys/bus/ap/apmask");
        String aq = env.udevAqmask() != null ? env.udevAqmask() : read("/sys/bus/ap/aqmask");
        if (ap == null || aq == null) {
            fail("Error reading system AP settings");
            return -1;
        }
        TreeSet<Integer> apl = new TreeSet<>();
        TreeSet<Integer> aql = new TreeSet<>();
        maskToList(ap, apl);
        maskToList(aq, aql);
        bad |= conflicts(null, dev, apl, aql, true);
        return bad ? -1 : 0;
    }

    private String currentUuid;

    private int define(String uuid, String type, String stdin) {
        currentUuid = uuid;
        if (env.definitions().containsKey(uuid)) {
            fail("Config already exists");
            return -1;
        }
        return changes(type, stdin);
    }

    private int modify(String uuid, String type, String stdin) {
        currentUuid = uuid;
        if (!env.definitions().containsKey(uuid)) {
            fail("Config doesn't exist");
            return -1;
        }
        return changes(type, stdin);
    }

    /** ap_check_active: the checks of start and live modify. */
    private int active(String uuid, Dev dev) {
        if (dev.domains.isEmpty() && !dev.controls.isEmpty()) {
            fail("At least one usage domain must be specified");
            return -1;
        }
        boolean bad = false;
        SysfsTree t = env.sysfs().tree();
        for (String name : t.list(MATRIX)) {
            if (!UUID.matcher(name).matches() || name.equalsIgnoreCase(uuid)) {
                continue;
            }
            String matrix = t.read(MATRIX + "/" + name + "/matrix");
            if (matrix == null) {
                continue;
            }
            TreeSet<Integer> a2 = new TreeSet<>();
            TreeSet<Integer> d2 = new TreeSet<>();
            // vfio_ap_parse_matrix: "AA.DDDD", "AA." or ".DDDD" per line, hex
            for (String line : matrix.split("\n")) {
                if (line.isEmpty()) {
                    continue;
                }
                int dot = line.indexOf('.');
                if (!line.startsWith(".")) {
                    a2.add((int) strtol16(dot < 0 ? line : line.substring(0, dot)));
                }
                if (dot >= 0 && dot + 1 < line.length()) {
                    d2.add((int) strtol16(line.substring(dot + 1)));
                }
            }
            bad |= conflicts(name, dev, a2, d2, false);
        }
        String ap = read("/sys/bus/ap/apmask");
        String aq = read("/sys/bus/ap/aqmask");
        if (ap == null || aq == null) {
            fail("Error reading system AP settings");
            return -1;
        }
        TreeSet<Integer> apl = new TreeSet<>();
        TreeSet<Integer> aql = new TreeSet<>();
        maskToList(ap, apl);
        maskToList(aq, aql);
        bad |= conflicts(null, dev, apl, aql, false);
        return bad ? -1 : 0;
    }

    private static long strtol16(String s) {
        long v = 0;
        for (int i = 0; i < s.length() && Character.digit(s.charAt(i), 16) >= 0; i++) {
            v = Math.min(v * 16 + Character.digit(s.charAt(i), 16), Integer.MAX_VALUE);
        }
        return v;
    }

    private int start(String uuid, String type, String stdin) {
        if (!env.sysfs().isDirectory("/sys/devices/vfio_ap")) {
            fail("vfio_ap module is not loaded");
            throw new Exit(1);
        }
        Dev dev = readConfig(stdin);
        if (dev == null) {
            fail("Failed to read device config");
            return -1;
        }
        if (!type.equals(dev.type)) {
            fail("Invalid mdev_type: " + (dev.type == null ? "(null)" : dev.type));
            return -1;
        }
        return active(uuid, dev);
    }

    private int liveModify(String uuid, String type, String stdin) {
        Dev dev = readConfig(stdin);
        if (dev == null) {
            fail("Failed to read device config");
            return -1;
        }
        if (!type.equals(dev.type)) {
            fail("Invalid mdev_type: " + (dev.type == null ? "(null)" : dev.type));
            return -1;
        }
        String apConfig = MATRIX + "/" + uuid + "/ap_config";
        if (read(apConfig) == null) {
            fail("vfio-ap module does not support ap_config for live modification");
            errNewline = false;
            return -1;
        }
        int rc = active(uuid, dev);
        if (rc != 0) {
            return rc;
        }
        // ap_do_dynamic_config: fopen, fputs, fclose; the write's result is lost at fclose
        try {
            env.sysfs().write(apConfig, mask(dev.adapters) + "," + mask(dev.domains) + "," + mask(dev.controls) + "\n");
        } catch (SysfsException e) {
            if (e.phase() == SysfsException.Phase.OPEN) {
                fail("Error opening ap_config");
                return -1;
            }
            // the store's errno reaches fclose, whose result ap-check does not look at
        }
        return 0;
    }

    private int getAttributes(String uuid) {
        SysfsTree t = env.sysfs().tree();
        String matrix = t.read(MATRIX + "/" + uuid + "/matrix");
        if (matrix == null) {
            return 0;
        }
        String controls = t.read(MATRIX + "/" + uuid + "/control_domains");
        if (controls == null) {
            return 0;
        }
        TreeSet<Integer> a = new TreeSet<>();
        TreeSet<Integer> d = new TreeSet<>();
        for (String line : matrix.split("\n")) {
            if (line.isEmpty()) {
                continue;
            }
            int dot = line.indexOf('.');
            if (!line.startsWith(".")) {
                a.add((int) strtol16(dot < 0 ? line : line.substring(0, dot)));
            }
            if (dot >= 0 && dot + 1 < line.length()) {
                d.add((int) strtol16(line.substring(dot + 1)));
            }
        }
        List<Integer> c = new ArrayList<>();
        for (String line : controls.split("\n")) {
            if (!line.isEmpty()) {
                c.add((int) strtol16(line));
            }
        }
        List<String> items = new ArrayList<>();
        a.forEach(x -> items.add("\"assign_adapter\": \"" + x + "\""));
        d.forEach(x -> items.add("\"assign_domain\": \"" + x + "\""));
        c.forEach(x -> items.add("\"assign_control_domain\": \"" + x + "\""));
        out.add("[{" + String.join("},{", items) + "}]");
        return 0;
    }
}
