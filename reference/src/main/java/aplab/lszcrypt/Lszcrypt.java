package aplab.lszcrypt;

import aplab.host.Host;
import aplab.snapshot.DirTree;
import aplab.snapshot.SysfsTree;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * {@code lszcrypt} of s390-tools (zconf/zcrypt/lszcrypt.c) as each release in {@link S390Tools}
 * prints it, written here from its behaviour, over a sysfs tree: the model's own
 * ({@link aplab.sysfs.Sysfs#tree()}, read by name, so a listing is linear in the number of queues)
 * or a directory ({@link #main}, which honours {@code SYSFS_ROOT} as s390-tools does, and
 * {@code APLAB_S390_TOOLS} for the release).
 *
 * <p>What it shows, from the sysfs attributes it reads:
 * <ul>
 *   <li>Columns (left or right aligned, one blank between): CARD.DOM (8, left), TYPE (5), MODE (11),
 *       STATUS (10), REQUESTS (8, right); with {@code -V} also PENDING (8, right), HWTYPE (6, right),
 *       QDEPTH (6, right), FUNCTIONS (10), DRIVER (11), and SESTAT (11) when the bus's
 *       {@code features} has APSB (the queue's bind state from its {@code ap_functions}, {@code -}
 *       for a card). The header is underlined with dashes as
 *       wide as the row. (s390-tools before 2.2x printed CARD.DOMAIN 11 wide and STATUS 8 wide.)</li>
 *   <li>A card line, then its queues ({@code XX.YYYY} entries of {@code /sys/devices/ap/cardXX}).
 *       Without {@code -V} a device without an {@code online} attribute (a queue not bound to the
 *       zcrypt driver: vfio_ap, or none) is not listed.</li>
 *   <li>STATUS: {@code deconfig} if {@code config} is 0, else {@code chkstop}, {@code online},
 *       {@code offline} from {@code chkstop} and {@code online}; a queue without {@code online}
 *       shows its {@code status} attribute (vfio_ap's {@code in use}, {@code assigned},
 *       {@code unassigned}) or {@code -}. REQUESTS is {@code request_count}, {@code -} when
 *       deconfigured.</li>
 *   <li>MODE from the card's {@code ap_functions} (CCA-Coproc, Accelerator, EP11-Coproc), TYPE the
 *       card's {@code type}; PENDING is {@code pendingq_count + requestq_count}, {@code -} for a
 *       deconfigured card or a queue not bound to a cexN driver; QDEPTH is {@code depth} in two digits
 *       ({@code depth + 1} before 2.41); FUNCTIONS one letter per {@code ap_functions} bit (S M C D A X N H F R); DRIVER the
 *       name the {@code driver} link points to, or {@code -no-driver-}.</li>
 *   <li>Arguments: {@code XX} (a card and its queues), {@code XX.YYYY} (one queue), {@code .YYYY}
 *       (that domain on every card); {@code -d} the domain table; {@code -c ID} capabilities;
 *       {@code -s} serial numbers; {@code --cardonly}, {@code --queueonly}, {@code --accelonly},
 *       {@code --ccaonly}, {@code --ep11only}.</li>
 * </ul>
 *
 * <p>Lines are byte for byte what lszcrypt prints, trailing blanks included (util_rec pads the last
 * column); the transcript runner drops trailing blanks, as the transcript format says. {@code -b}
 * prints the bus attributes, {@code -d} the domain table, each as its release does (see
 * {@link S390Tools}). Errors are lszcrypt's ({@code lszcrypt: Error - ...}), in the output where they occur.
 */
public final class Lszcrypt {
    private static final long MASK_RSA4K = 0x60000000L;
    private static final long MASK_COPRO = 0x10000000L;
    private static final long MASK_ACCEL = 0x08000000L;
    private static final long MASK_EP11 = 0x04000000L;
    private static final long MASK_HSL = 0x01000000L;
    private static final long MASK_CLASS_FULL = 0x00800000L;
    private static final long MASK_CLASS_STATELESS = 0x00400000L;
    private static final long[] FAC_MASK = {0x80000000L, 0x40000000L, 0x20000000L, 0x10000000L, 0x08000000L,
        0x04000000L, 0x02000000L, 0x01000000L, 0x00800000L, 0x00400000L};
    private static final String FAC_CHARS = "SMCDAXNHFR";
    private static final String DEV = "/sys/devices/ap";

    private final SysfsTree t;
    private final List<String> out;
    private final S390Tools release;
    private int verbose;
    private boolean showAccel;
    private boolean showCca;
    private boolean showEp11;
    private boolean showCard;
    private boolean showQueue;

    /** Thrown by errx: the message is already in the output; lszcrypt exits 1. */
    private static final class Exit extends RuntimeException {
        final int status;

        Exit(int status) {
            super(null, null, false, false);
            this.status = status;
        }
    }

    private Lszcrypt(SysfsTree t, List<String> out, S390Tools release) {
        this.t = t;
        this.out = out;
        this.release = release;
    }

    /** What {@code lszcrypt ARGS} of the newest release prints on the modelled host. */
    public static List<String> run(Host host, List<String> args) {
        return run(host, args, S390Tools.NEWEST);
    }

    /** What {@code lszcrypt ARGS} of that release prints on the modelled host, byte for byte. */
    public static List<String> run(Host host, List<String> args, S390Tools release) {
        List<String> out = new ArrayList<>();
        runWithStatus(new aplab.sysfs.Sysfs(host).tree(), args, out, release);
        return out;
    }

    /** What {@code lszcrypt ARGS} prints on a sysfs tree (stdout and stderr in order). */
    public static List<String> run(SysfsTree tree, List<String> args) {
        List<String> out = new ArrayList<>();
        runWithStatus(tree, args, out, S390Tools.NEWEST);
        return out;
    }

    /** Runs lszcrypt of the newest release into {@code out}; returns its exit status. */
    public static int runWithStatus(SysfsTree tree, List<String> args, List<String> out) {
        return runWithStatus(tree, args, out, S390Tools.NEWEST);
    }

    /**
     * Runs lszcrypt of that release into {@code out} (one element a line, trailing blanks kept as
     * util_rec pads them); returns its exit status.
     */
    public static int runWithStatus(SysfsTree tree, List<String> args, List<String> out, S390Tools release) {
        Lszcrypt l = new Lszcrypt(tree, out, release);
        try {
            return l.main(args);
        } catch (Exit e) {
            return e.status;
        }
    }

    /**
     * lszcrypt on a directory: {@code SYSFS_ROOT} (default {@code /sys}) is the sysfs mount point.
     * Used by the replay tests as a stand-in for s390-tools' lszcrypt.
     */
    public static void main(String[] args) {
        String root = System.getenv("SYSFS_ROOT");
        Path sys = Path.of(root == null || root.isEmpty() ? "/sys" : root).toAbsolutePath().normalize();
        SysfsTree tree = DirTree.sysfsMount(sys);
        List<String> out = new ArrayList<>();
        String rel = System.getenv("APLAB_S390_TOOLS");
        S390Tools r = rel == null ? null : S390Tools.parse(rel);
        int status = runWithStatus(tree, List.of(args), out, r == null ? S390Tools.NEWEST : r);
        for (String l : out) {
            (l.startsWith("lszcrypt: ") ? System.err : System.out).println(l);
        }
        System.exit(status);
    }

    // ---------------------------------------------------------------- errors, files

    private void errx(String msg) {
        out.add("lszcrypt: " + msg);
        throw new Exit(1);
    }

    private String readLine(String path) {
        String s = t.read(path);
        if (s == null) {
            return null;
        }
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }

    private boolean readable(String path) {
        return t.read(path) != null;
    }

    /** util_file_read_l: the number, or null if the file is missing or not a number. */
    private Long readLong(String path, int base) {
        String s = readLine(path);
        if (s == null) {
            return null;
        }
        s = s.strip();
        if (base == 16 && (s.startsWith("0x") || s.startsWith("0X"))) {
            s = s.substring(2);
        }
        try {
            return Long.parseLong(s, base);
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private long readLongOr(String path, int base, long dflt) {
        Long v = readLong(path, base);
        return v == null ? dflt : v;
    }

    // ---------------------------------------------------------------- records (util_rec "wide")

    private record Col(String key, boolean left, int width, String header) {
    }

    private final List<Col> cols = new ArrayList<>();
    private final java.util.Map<String, String> vals = new java.util.HashMap<>();

    private void def(String key, boolean left, int width, String header) {
        cols.add(new Col(key, left, width, header));
    }

    private void set(String key, String value) {
        vals.put(key, value);
    }

    private static String pad(String s, boolean left, int width) {
        if (s.length() >= width) {
            return s;
        }
        String blanks = " ".repeat(width - s.length());
        return left ? s + blanks : blanks + s;
    }

    private void printHeader() {
        StringBuilder b = new StringBuilder();
        int size = 0;
        for (Col c : cols) {
            if (b.length() > 0) {
                b.append(' ');
            }
            b.append(pad(c.header(), c.left(), c.width()));
            size += c.width();
        }
        out.add(b.toString());
        out.add("-".repeat(size + cols.size() - 1));
    }

    private void printRow() {
        StringBuilder b = new StringBuilder();
        boolean first = true;
        for (Col c : cols) {
            if (!first) {
                b.append(' ');
            }
            first = false;
            String v = vals.get(c.key());
            b.append(pad(v == null ? "(null)" : v, c.left(), c.width()));
        }
        out.add(b.toString());
    }

    // ---------------------------------------------------------------- main

    private int main(List<String> args) {
        List<String> ids = new ArrayList<>();
        boolean noMoreOptions = false;
        for (int i = 0; i < args.size(); i++) {
            String a = args.get(i);
            if (noMoreOptions || !a.startsWith("-") || a.equals("-")) {
                ids.add(a);
                continue;
            }
            if (a.equals("--")) {
                noMoreOptions = true;
                continue;
            }
            if (a.startsWith("--")) {
                String name = a.substring(2);
                String arg = null;
                int eq = name.indexOf('=');
                if (eq >= 0) {
                    arg = name.substring(eq + 1);
                    name = name.substring(0, eq);
                }
                switch (name) {
                    case "verbose" -> verbose++;
                    case "accelonly" -> showAccel = true;
                    case "ccaonly" -> showCca = true;
                    case "ep11only" -> showEp11 = true;
                    case "cardonly" -> showCard = true;
                    case "queueonly" -> showQueue = true;
                    case "bus" -> {
                        showBus();
                        return 0;
                    }
                    case "domains" -> {
                        showDomains();
                        return 0;
                    }
                    case "serial" -> {
                        showSerialNumbers();
                        return 0;
                    }
                    case "capability" -> {
                        if (arg == null) {
                            if (i + 1 >= args.size()) {
                                return requiredArg(a);
                            }
                            arg = args.get(++i);
                        }
                        showCapability(arg);
                        return 0;
                    }
                    case "help", "version" -> {
                        return notModelled(a);
                    }
                    default -> {
                        return invalidOption(a);
                    }
                }
                continue;
            }
            for (int k = 1; k < a.length(); k++) {
                char c = a.charAt(k);
                switch (c) {
                    case 'V' -> verbose++;
                    case 'b' -> {
                        showBus();
                        return 0;
                    }
                    case 'd' -> {
                        showDomains();
                        return 0;
                    }
                    case 's' -> {
                        showSerialNumbers();
                        return 0;
                    }
                    case 'c' -> {
                        String arg = a.substring(k + 1);
                        if (arg.isEmpty()) {
                            if (i + 1 >= args.size()) {
                                return requiredArg("-c");
                            }
                            arg = args.get(++i);
                        }
                        showCapability(arg);
                        return 0;
                    }
                    case 'h', 'v' -> {
                        return notModelled("-" + c);
                    }
                    default -> {
                        return invalidOption("-" + c);
                    }
                }
            }
        }
        int modes = (showAccel ? 1 : 0) + (showCca ? 1 : 0) + (showEp11 ? 1 : 0);
        if (modes == 0) {
            showAccel = showCca = showEp11 = true;
        } else if (modes > 1) {
            out.add("lszcrypt: Only one of --accelonly or --ccaonly or --ep11only can be specified");
            return 1;
        }
        int kinds = (showCard ? 1 : 0) + (showQueue ? 1 : 0);
        if (kinds == 0) {
            showCard = showQueue = true;
        } else if (kinds > 1) {
            out.add("lszcrypt: Only one of --cardonly or --queueonly can be specified");
            return 1;
        }
        if (ids.isEmpty()) {
            showDevicesAll();
        } else {
            showDevicesArgv(ids);
        }
        return 0;
    }

    private int invalidOption(String opt) {
        out.add("lszcrypt: Invalid option '" + opt + "'");
        out.add("Try 'lszcrypt --help' for more information.");
        return 1;
    }

    private int requiredArg(String opt) {
        out.add("lszcrypt: Option '" + opt + "' requires an argument");
        out.add("Try 'lszcrypt --help' for more information.");
        return 1;
    }

    private int notModelled(String what) {
        out.add("aplab: lszcrypt " + what + " is not modelled; the model shows the device listing, -V, -b, -d, -c and -s");
        return 1;
    }

    private void checkBus() {
        if (!t.isDirectory("/sys/bus/ap")) {
            errx("Crypto device driver not available.");
        }
    }

    // ---------------------------------------------------------------- device listing

    private void defineDefault() {
        def("card", true, 8, "CARD.DOM");
        def("type", true, 5, "TYPE");
        def("mode", true, 11, "MODE");
        def("status", true, 10, "STATUS");
        def("requests", false, 8, "REQUESTS");
        if (verbose > 0) {
            def("pending", false, 8, "PENDING");
            def("hwtype", false, 6, "HWTYPE");
            def("depth", false, 6, "QDEPTH");
            def("facility", true, 10, "FUNCTIONS");
            def("driver", true, 11, "DRIVER");
            if (sbSupport()) {
                def("sestat", true, 11, "SESTAT");
            }
        }
    }

    /** ap_bus_has_SB_support (misc.c): the bus's {@code features} line names APSB. */
    private boolean sbSupport() {
        String f = readLine("/sys/bus/ap/features");
        return t.isDirectory("/sys/bus/ap") && f != null && f.contains("APSB");
    }

    /** util_file_read_line of ap_usage_domain_mask and util_file_read_l of ap_domain; the warning. */
    private void defaultDomainWarning() {
        if (!release.warnsDefaultDomain()) {
            return;
        }
        String mask = readLine("/sys/bus/ap/ap_usage_domain_mask");
        Long dom = readLong("/sys/bus/ap/ap_domain", 10);
        long d = dom == null ? -1 : dom;
        if (d < 0 || checkMaskBit(mask, (int) Math.min(d, Integer.MAX_VALUE)) < 1) {
            out.add(String.format("Warning: Default domain 0x%02x is not available.", d));
        }
    }

    /** check_mask_bit (misc.c): the bit of a hex mask string, counted from the left; -1 past its end. */
    static int checkMaskBit(String mask, int bit) {
        if (mask == null) {
            return -1;
        }
        int i = mask.startsWith("0x") ? 2 : 0;
        while (i < mask.length() && bit >= 4) {
            i++;
            bit -= 4;
        }
        if (i >= mask.length()) {
            return -1;
        }
        int b = Character.digit(mask.charAt(i), 16);
        if (b < 0) {
            return -1;
        }
        return (b & (0x08 >> bit)) != 0 ? 1 : 0;
    }

    /** show_bus: the AP bus attributes, as the release prints them. */
    private void showBus() {
        checkBus();
        String ap = "/sys/bus/ap";
        String mask = readLine(ap + "/ap_usage_domain_mask");
        String features = readLine(ap + "/features");
        long domain = readLongOr(ap + "/ap_domain", 10, 0);
        long maxDomain = readLongOr(ap + "/ap_max_domain_id", 10, 0);
        long configTime = readLongOr(ap + "/config_time", 10, 0);
        Long pollTimeout = readLong(ap + "/poll_timeout", 10);
        String pollThread = readLongOr(ap + "/poll_thread", 10, 0) == 1 ? "enabled" : "disabled";
        String irq = readLongOr(ap + "/ap_interrupts", 10, 0) == 1 ? "enabled" : "disabled";
        if (features != null && !features.isEmpty()) {
            out.add("features: " + features);
        }
        if (!release.warnsDefaultDomain()) {
            out.add(String.format("ap_domain=0x%x", domain));
            out.add(String.format("ap_max_domain_id=0x%x", maxDomain));
        } else {
            if (domain < 0) {
                out.add("ap_domain=-1 (not set)");
            } else if (checkMaskBit(mask, (int) Math.min(domain, Integer.MAX_VALUE)) > 0) {
                out.add(String.format("ap_domain=0x%02x", domain));
            } else {
                out.add(String.format("ap_domain=0x%02x (unavailable)", domain));
            }
            out.add(String.format("ap_max_domain_id=0x%02x", maxDomain));
        }
        if (readable(ap + "/ap_interrupts")) {
            out.add("ap_interrupts are " + irq);
        }
        out.add("config_time=" + configTime + " (seconds)");
        out.add("poll_thread is " + pollThread);
        if (readable(ap + "/poll_timeout")) {
            out.add("poll_timeout=" + (pollTimeout == null ? 0 : Long.toUnsignedString(pollTimeout)) + " (nanoseconds)");
        }
    }

    private List<String> cardDirs() {
        List<String> cards = new ArrayList<>();
        for (String e : t.list(DEV)) {
            if (e.matches("card[0-9a-fA-F]+")) {
                cards.add(e);
            }
        }
        return cards;
    }

    private void showDevicesAll() {
        checkBus();
        defineDefault();
        List<String> cards = cardDirs();
        if (cards.isEmpty() && !release.emptyListIsFine()) {
            errx("No crypto card devices found.");
        }
        printHeader();
        for (String c : cards) {
            showDevice(c);
        }
        defaultDomainWarning();
    }

    private void showDevicesArgv(List<String> ids) {
        checkBus();
        defineDefault();
        printHeader();
        for (String a : ids) {
            int[] idDom = scanHexDotHex(a);
            if (idDom[2] >= 1) {
                if (idDom[0] >= 0 && idDom[1] >= 0) {
                    showSubdevice(String.format("%s/card%02x", DEV, idDom[0]), String.format("%02x.%04x", idDom[0], idDom[1]));
                } else {
                    showDevice(String.format("card%02x", idDom[0]));
                }
                continue;
            }
            Integer dom = a.length() > 1 ? scanHex(a.substring(1)) : null;
            if (dom != null) {
                List<String> cards = cardDirs();
                if (cards.isEmpty()) {
                    errx("No crypto card devices found.");
                }
                Pattern p = Pattern.compile("[0-9a-fA-F]+." + String.format("%04x", dom));
                for (String c : cards) {
                    List<String> subs = new ArrayList<>();
                    for (String e : t.list(DEV + "/" + c)) {
                        if (p.matcher(e).matches()) {
                            subs.add(e);
                        }
                    }
                    if (subs.isEmpty()) {
                        errx("No queue devices with given domain value found.");
                    }
                    for (String s : subs) {
                        showSubdevice(DEV + "/" + c, s);
                    }
                }
                continue;
            }
            out.add("Invalid adpater id!");
        }
    }

    /** sscanf(s, "%x.%x"): {id, dom, conversions}. */
    private static int[] scanHexDotHex(String s) {
        int[] r = {-1, -1, 0};
        int[] pos = {0};
        Long id = hexAt(s, pos);
        if (id == null) {
            return r;
        }
        r[0] = (int) (long) id;
        r[2] = 1;
        if (pos[0] < s.length() && s.charAt(pos[0]) == '.') {
            pos[0]++;
            Long dom = hexAt(s, pos);
            if (dom != null) {
                r[1] = (int) (long) dom;
                r[2] = 2;
            }
        }
        return r;
    }

    private static Integer scanHex(String s) {
        Long v = hexAt(s, new int[] {0});
        return v == null ? null : (int) (long) v;
    }

    /** A %x conversion at pos: blanks, optional sign, optional 0x, hex digits; null if none. */
    private static Long hexAt(String s, int[] pos) {
        int i = pos[0];
        while (i < s.length() && Character.isWhitespace(s.charAt(i))) {
            i++;
        }
        boolean neg = false;
        if (i < s.length() && (s.charAt(i) == '+' || s.charAt(i) == '-')) {
            neg = s.charAt(i) == '-';
            i++;
        }
        if (i + 1 < s.length() && s.charAt(i) == '0' && (s.charAt(i + 1) == 'x' || s.charAt(i + 1) == 'X')
                && i + 2 < s.length() && Character.digit(s.charAt(i + 2), 16) >= 0) {
            i += 2;
        }
        int start = i;
        long v = 0;
        while (i < s.length() && Character.digit(s.charAt(i), 16) >= 0) {
            v = (v * 16 + Character.digit(s.charAt(i), 16)) & 0xffffffffL;
            i++;
        }
        if (i == start) {
            return null;
        }
        pos[0] = i;
        int asInt = (int) (neg ? -v : v);
        return (long) asInt;
    }

    private char typeMode(String grp) {
        String type = readLine(grp + "/type");
        return type == null || type.isEmpty() ? '\0' : type.charAt(type.length() - 1);
    }

    private boolean modeShown(char m) {
        return !((m == 'A' && !showAccel) || (m == 'C' && !showCca) || (m == 'P' && !showEp11));
    }

    private void showDevice(String device) {
        String grp = DEV + "/" + device;
        if (!t.isDirectory(grp)) {
            errx("Error - cryptographic device " + device + " does not exist.");
        }
        if (verbose == 0 && (!readable(grp + "/type") || !readable(grp + "/online"))) {
            return;
        }
        set("card", device.substring(4));
        if (!modeShown(typeMode(grp))) {
            return;
        }
        readCardDefault(grp);
        readCardVerbose(grp);
        if (showCard) {
            printRow();
        }
        if (showQueue) {
            List<String> subs = new ArrayList<>();
            for (String e : t.list(grp)) {
                if (e.matches("..\\.....")) {
                    subs.add(e);
                }
            }
            if (subs.isEmpty()) {
                errx("Error - no subdevices found for " + grp + ".\n");
            }
            for (String s : subs) {
                showSubdevice(grp, s);
            }
        }
    }

    private void showSubdevice(String grp, String sub) {
        if (!t.isDirectory(grp + "/" + sub)) {
            errx("Error - cryptographic device " + grp + "/" + sub + " does not exist.");
        }
        if (verbose == 0 && (!readable(grp + "/type") || !readable(grp + "/" + sub + "/online"))) {
            return;
        }
        if (!showQueue) {
            return;
        }
        set("card", sub);
        if (!modeShown(typeMode(grp))) {
            return;
        }
        readQueueDefault(grp, sub);
        readQueueVerbose(grp, sub);
        printRow();
    }

    private String mode(long facility) {
        if ((facility & MASK_COPRO) != 0) {
            return "CCA-Coproc";
        }
        if ((facility & MASK_ACCEL) != 0) {
            return "Accelerator";
        }
        if ((facility & MASK_EP11) != 0) {
            return "EP11-Coproc";
        }
        return "Unknown";
    }

    private String status(Long config, Long chkstop, Long online, String statusFile) {
        if (config != null && config == 0) {
            return "deconfig";
        }
        if (chkstop != null && chkstop > 0) {
            return "chkstop";
        }
        if (online != null && online > 0) {
            return "online";
        }
        if (online != null && online == 0) {
            return "offline";
        }
        if (statusFile != null) {
            String s = readLine(statusFile);
            if (s != null) {
                return s;
            }
        }
        return "-";
    }

    private void readCardDefault(String grp) {
        String type = readLine(grp + "/type");
        set("type", type == null ? "-" : type);
        set("mode", mode(readLongOr(grp + "/ap_functions", 16, 0)));
        Long config = readLong(grp + "/config", 10);
        set("status", status(config, readLong(grp + "/chkstop", 10), readLong(grp + "/online", 10), null));
        set("requests", config != null && config == 0 ? "-" : String.valueOf(readLine(grp + "/request_count")));
    }

    private void readQueueDefault(String grp, String sub) {
        String type = readLine(grp + "/type");
        set("type", type == null ? "-" : type);
        String q = grp + "/" + sub;
        Long config = readLong(q + "/config", 10);
        set("status", status(config, readLong(q + "/chkstop", 10), readLong(q + "/online", 10), q + "/status"));
        set("mode", mode(readLongOr(grp + "/ap_functions", 16, 0)));
        set("requests", config != null && config == 0 ? "-" : String.valueOf(readLine(q + "/request_count")));
    }

    private String functions(long facility) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < FAC_MASK.length; i++) {
            b.append((facility & FAC_MASK[i]) != 0 ? FAC_CHARS.charAt(i) : '-');
        }
        return b.toString();
    }

    /** read_driver's two regcomp patterns, compiled once. */
    private static final Pattern CEX_DRIVER = Pattern.compile("cex[0-9](card|queue)");
    private static final Pattern VFIO_DRIVER = Pattern.compile("vfio.ap");

    /** read_driver: 1 for a cexN card/queue driver, 2 for vfio_ap, 0 for none; the name in name[0]. */
    private int readDriver(String devDir, String[] name) {
        String link = t.readlink(devDir + "/driver");
        if (link == null || link.lastIndexOf('/') < 0) {
            return 0;
        }
        name[0] = link.substring(link.lastIndexOf('/') + 1);
        if (CEX_DRIVER.matcher(name[0]).find()) {
            return 1;
        }
        if (VFIO_DRIVER.matcher(name[0]).find()) {
            return 2;
        }
        return 0;
    }

    private void readCardVerbose(String grp) {
        if (verbose == 0) {
            return;
        }
        Long config = readLong(grp + "/config", 10);
        if (config != null && config == 0) {
            set("pending", "-");
        } else {
            set("pending", String.valueOf(readLongOr(grp + "/pendingq_count", 10, 0) + readLongOr(grp + "/requestq_count", 10, 0)));
        }
        setCommonVerbose(grp);
        String[] name = new String[1];
        set("driver", readDriver(grp, name) > 0 ? name[0] : "-no-driver-");
        if (sbSupport()) {
            set("sestat", "-");
        }
    }

    private void readQueueVerbose(String grp, String sub) {
        if (verbose == 0) {
            return;
        }
        String[] name = new String[1];
        int drv = readDriver(grp + "/" + sub, name);
        set("driver", drv > 0 ? name[0] : "-no-driver-");
        Long config = readLong(grp + "/config", 10);
        if ((config != null && config == 0) || drv != 1) {
            set("pending", "-");
        } else {
            set("pending", String.valueOf(readLongOr(grp + "/" + sub + "/pendingq_count", 10, 0)
                    + readLongOr(grp + "/" + sub + "/requestq_count", 10, 0)));
        }
        if (readLong(grp + "/ap_functions", 16) == null) {
            errx("Error - Read of sysfs attribute " + grp + "/ap_functions failed.");
        }
        setCommonVerbose(grp);
        if (sbSupport()) {
            Long f = readLong(grp + "/" + sub + "/ap_functions", 16);
            if (f == null) {
                set("sestat", "error");
            } else if (f == 0) {
                set("sestat", "invalid");
            } else {
                // EXTRACT_BS_BITS: the bind state, bits 0x0000c000 of the queue's functions
                set("sestat", switch ((int) ((f & 0x0000c000L) >> 14)) {
                    case 0 -> "usable";
                    case 1 -> "bound";
                    case 2 -> "unbound";
                    default -> "illicit";
                });
            }
        }
    }

    private void setCommonVerbose(String grp) {
        String hw = readLine(grp + "/hwtype");
        set("hwtype", hw == null ? "" : hw);
        set("depth", String.format("%02d", readLongOr(grp + "/depth", 10, 0) + (release.addsOneToDepth() ? 1 : 0)));
        set("facility", functions(readLongOr(grp + "/ap_functions", 16, 0)));
    }

    // ---------------------------------------------------------------- -d, -c, -s

    private void showDomains() {
        checkBus();
        String ctrl = readLine("/sys/bus/ap/ap_control_domain_mask");
        String usage = readLine("/sys/bus/ap/ap_usage_domain_mask");
        if (ctrl == null || ctrl.contains("not")) {
            errx("Control domain mask not available.");
        }
        if (usage == null || usage.contains("not")) {
            errx("Usage domain mask not available.");
        }
        String c = ctrl.length() > 2 ? ctrl.substring(2) : "";
        String u = usage.length() > 2 ? usage.substring(2) : "";
        cols.clear();
        def("domain", false, 6, "DOMAIN");
        for (int i = 0; i < 16; i++) {
            def(String.format("%02x", i), false, 2, String.format("%02x", i));
        }
        printHeader();
        for (int row = 0; row < 16; row++) {
            set("domain", String.format("%02x", row * 16));
            for (int x = 0; x < 16; x++) {
                int d = row * 16 + x;
                boolean isC = bit(c, d);
                boolean isU = bit(u, d);
                set(String.format("%02x", x), isC && isU ? "B" : isC ? "C" : isU ? "U" : ".");
            }
            printRow();
        }
        out.add("------------------------------------------------------");
        out.add("C: Control domain");
        out.add("U: Usage domain");
        out.add("B: Both (Control + Usage domain)");
        defaultDomainWarning();
    }

    private static boolean bit(String hex, int id) {
        int digit = id / 4;
        if (digit >= hex.length()) {
            return false;
        }
        int v = Character.digit(hex.charAt(digit), 16);
        return v >= 0 && (v & (8 >> (id % 4))) != 0;
    }

    private void showCapability(String id) {
        checkBus();
        int[] r = scanHexDotHex(id);
        if (r[2] == 2) {
            String dev = String.format("%s/card%02x/%02x.%04x", DEV, r[0], r[0], r[1]);
            if (!t.isDirectory(dev)) {
                errx(String.format("Error - cryptographic queue device %02x.%04x does not exist.", r[0], r[1]));
            }
            out.add(String.format("queue %02x.%04x capabilities:", r[0], r[1]));
            return;
        }
        Long n = null;
        try {
            n = Long.decode(id.toLowerCase(Locale.ROOT).startsWith("0x") || !id.startsWith("0") ? id : "0" + Long.parseLong(id, 8));
        } catch (NumberFormatException e) {
            n = null;
        }
        if (n == null || n < 0 || n > 255) {
            errx("Error - '" + id + "' is an invalid cryptographic device id.");
        }
        String card = String.format("card%02x", n);
        String dev = DEV + "/" + card;
        if (!t.isDirectory(dev)) {
            errx("Error - cryptographic device " + card + " does not exist.");
        }
        long hwtype = readLongOr(dev + "/hwtype", 10, 0);
        long func = readLongOr(dev + "/ap_functions", 16, 0);
        if (!readable(dev + "/type") || !readable(dev + "/online")) {
            out.add("Detailed capability information for " + card + " (hardware type " + hwtype + ") is not available.");
            return;
        }
        String cls = (func & MASK_CLASS_FULL) != 0 ? "full function set"
                : (func & MASK_CLASS_STATELESS) != 0 ? "restricted function set" : "";
        out.add(card + " provides capability for:");
        if (hwtype >= 10 && hwtype <= 14) {
            if ((func & MASK_ACCEL) != 0) {
                out.add((func & MASK_RSA4K) != 0 ? "RSA 4K Clear Key" : "RSA 2K Clear Key");
            } else if ((func & MASK_COPRO) != 0) {
                out.add("RSA 4K Clear Key");
                out.add(cls.isEmpty() ? "CCA Secure Key" : "CCA Secure Key (" + cls + ")");
                if ((func & MASK_HSL) != 0) {
                    out.add("Hardware support for stateless filtering");
                }
                out.add("Long RNG");
            } else if ((func & MASK_EP11) != 0) {
                out.add("EP11 Secure Key");
            } else {
                out.add("Detailed capability information for " + card + " (hardware type " + hwtype + ") is not available.");
            }
        } else {
            out.add("Detailed capability information for " + card + " (hardware type " + hwtype + ") is not available.");
        }
    }

    private void showSerialNumbers() {
        checkBus();
        cols.clear();
        def("card", true, 8, "CARD.DOM");
        def("type", true, 5, "TYPE");
        def("mode", true, 11, "MODE");
        def("status", true, 10, "STATUS");
        def("serialnr", true, 8, "SERIALNR");
        List<String> cards = cardDirs();
        if (cards.isEmpty()) {
            errx("No crypto card devices found.");
        }
        printHeader();
        for (String c : cards) {
            String grp = DEV + "/" + c;
            if (!readable(grp + "/type") || !readable(grp + "/online")) {
                continue;
            }
            long f = readLongOr(grp + "/ap_functions", 16, 0);
            if ((f & MASK_COPRO) == 0 && (f & MASK_EP11) == 0) {
                continue;
            }
            set("card", c.substring(4));
            set("type", readLine(grp + "/type"));
            set("mode", (f & MASK_COPRO) != 0 ? "CCA-Coproc" : "EP11-Coproc");
            set("status", status(readLong(grp + "/config", 10), readLong(grp + "/chkstop", 10), readLong(grp + "/online", 10), null));
            String sn = readLine(grp + "/serialnr");
            set("serialnr", sn == null ? "-" : sn.length() > 8 ? sn.substring(0, 8) : sn);
            printRow();
        }
    }
}
