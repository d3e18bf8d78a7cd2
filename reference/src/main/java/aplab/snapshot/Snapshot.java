package aplab.snapshot;

import aplab.ap.ApMask;
import aplab.ap.Apqn;
import java.io.IOException;
import java.nio.charset.MalformedInputException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A host snapshot: what {@code tools/capture-host} read from a real s390 host's sysfs, in the text
 * format below (one fact a line, so that a problem can be named by its line). {@link #capture}
 * reads the same facts from a {@link SysfsTree} the same way the shell tool does; {@link #format}
 * writes them; {@link #parse} reads them back.
 *
 * <pre>
 * # comment lines and blank lines are ignored
 * aplab-snapshot 2
 * kernel 6.12.0-55.el10.s390x                  uname -r
 * features guest_matrix hotplug ap_config      /sys/devices/vfio_ap/matrix/features, or -
 * bus_features APSC APXA QACT RC8A             /sys/bus/ap/features, or -
 * ap_domain 4                                  /sys/bus/ap/ap_domain, or -
 * config_time 30                               /sys/bus/ap/config_time, or -
 * ap_adapter_mask 0x...                        the QCI masks (64 hex digits each)
 * ap_usage_domain_mask 0x...
 * ap_control_domain_mask 0x...
 * ap_max_adapter_id 255
 * ap_max_domain_id 255
 * apmask 0x...
 * aqmask 0x...
 * card 05 type=CEX8C hwtype=14 config=1 online=1 functions=0x92800000 driver=cex4card depth=8
 * queue 05.0004 driver=vfio_ap config=1 online=- status=in_use
 * mdev 11111111-1111-1111-1111-111111111111 in_use=yes guest=vm1
 *   matrix 05.0004 05.0047
 *   guest_matrix 05.0004 05.0047               (- if the kernel has no guest_matrix)
 *   control_domains 0004 0047
 * end bytes=1234 cksum=3015617425               the closing line (below)
 * </pre>
 *
 * <p>The closing line counts the bytes before it and gives their POSIX {@code cksum} (CRC-32 of
 * the bytes and their length, as {@code cksum} prints it). A snapshot without it, or whose bytes
 * do not match it, is refused before anything else is read: it was cut short or changed after
 * tools/capture-host wrote it. A UTF-8 byte order mark at the start (an editor's) is skipped, as
 * JSON and YAML readers skip it, and does not count.
 *
 * <p>A field whose attribute does not exist is {@code -}; blanks inside a field value are written
 * as {@code _} ({@code status=in_use}).
 */
public record Snapshot(String name, String kernel, String features, ApMask adapters, ApMask usageDomains,
        ApMask controlDomains, int maxAdapter, int maxDomain, ApMask apmask, ApMask aqmask, List<Card> cards,
        List<Queue> queues, List<Mdev> mdevs, Bus bus) {

    public static final String HEADER = "aplab-snapshot 2";

    /** The AP bus's own attributes: {@code features}, {@code ap_domain}, {@code config_time} (null: absent). */
    public record Bus(String features, String apDomain, String configTime) {
    }

    /** A card device: its type and states as sysfs shows them (null: attribute absent). */
    public record Card(int apid, String type, String hwtype, String config, String online, String functions,
            String driver, String depth, int line) {
        public String name() {
            return String.format("card%02x", apid);
        }
    }

    /** A queue device: the driver bound to it (null: none), its config, online and status. */
    public record Queue(Apqn apqn, String driver, String config, String online, String status, int line) {
    }

    /**
     * A vfio_ap mdev: its {@code matrix}, {@code guest_matrix} (null if the kernel has none) and
     * {@code control_domains} lines, whether a guest uses it and the guest's name (or null).
     */
    public record Mdev(String uuid, boolean inUse, String guest, List<String> matrix, List<String> guestMatrix,
            List<String> controlDomains, int line) {
    }

    static final Pattern UUID = Pattern.compile("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");
    private static final Pattern MASK = Pattern.compile("0x[0-9a-fA-F]{64}");
    private static final Pattern CARD = Pattern.compile("card[0-9a-f]{2}");
    private static final Pattern QUEUE = Pattern.compile("[0-9a-f]{2}\\.[0-9a-f]{4}");

    // ================================================================ capture (the Java twin of tools/capture-host)

    /**
     * Reads a snapshot from a sysfs tree exactly as {@code tools/capture-host} does (the tests hold
     * the two to the same output).
     */
    public static Snapshot capture(SysfsTree t) {
        String ap = "/sys/bus/ap";
        String kernel = firstLine(t.read("/proc/sys/kernel/osrelease"));
        String features = firstLine(t.read("/sys/devices/vfio_ap/matrix/features"));
        List<Card> cards = new ArrayList<>();
        List<Queue> queues = new ArrayList<>();
        for (String e : t.list(ap + "/devices")) {
            String d = ap + "/devices/" + e;
            if (CARD.matcher(e).matches()) {
                cards.add(new Card(Integer.parseInt(e.substring(4), 16), field(t, d + "/type"), field(t, d + "/hwtype"),
                        field(t, d + "/config"), field(t, d + "/online"), field(t, d + "/ap_functions"),
                        t.linkName(d + "/driver"), field(t, d + "/depth"), 0));
            } else if (QUEUE.matcher(e).matches()) {
                queues.add(new Queue(Apqn.parse(e), t.linkName(d + "/driver"), field(t, d + "/config"),
                        field(t, d + "/online"), field(t, d + "/status"), 0));
            }
        }
        Map<String, String> holders = vfioHolders(t);
        List<Mdev> mdevs = new ArrayList<>();
        String mx = "/sys/devices/vfio_ap/matrix";
        for (String e : t.list(mx)) {
            if (!UUID.matcher(e).matches()) {
                continue;
            }
            String d = mx + "/" + e;
            List<String> matrix = lines(t.read(d + "/matrix"));
            String gm = t.read(d + "/guest_matrix");
            String pid = null;
            String group = t.linkName(d + "/iommu_group");
            if (group != null) {
                pid = holders.get("/dev/vfio/" + group);
            }
            for (String v : t.list(d + "/vfio-dev")) {
                if (pid == null) {
                    pid = holders.get("/dev/vfio/devices/" + v);
                }
            }
            boolean inUse = pid != null;
            for (Queue q : queues) {
                if ("in_use".equals(q.status()) && matrix.contains(q.apqn().toString())) {
                    inUse = true;
                }
            }
            String guest = pid == null ? null : guestName(t.read("/proc/" + pid + "/cmdline"));
            mdevs.add(new Mdev(e, inUse, guest, matrix, gm == null ? null : lines(gm),
                    lines(t.read(d + "/control_domains")), 0));
        }
        return new Snapshot("(captured)", kernel == null ? "unknown" : kernel, features,
                maskOrNull(t.read(ap + "/ap_adapter_mask")), maskOrNull(t.read(ap + "/ap_usage_domain_mask")),
                maskOrNull(t.read(ap + "/ap_control_domain_mask")), intOr(t.read(ap + "/ap_max_adapter_id")),
                intOr(t.read(ap + "/ap_max_domain_id")), maskOrNull(t.read(ap + "/apmask")),
                maskOrNull(t.read(ap + "/aqmask")), cards, queues, mdevs,
                new Bus(firstLine(t.read(ap + "/features")), firstLine(t.read(ap + "/ap_domain")),
                        firstLine(t.read(ap + "/config_time"))));
    }

    /** /dev/vfio/... -> the pid of a process that has it open (the lowest pid), from /proc/PID/fd. */
    private static Map<String, String> vfioHolders(SysfsTree t) {
        Map<String, String> out = new LinkedHashMap<>();
        List<String> pids = new ArrayList<>();
        for (String p : t.list("/proc")) {
            if (p.matches("[0-9]+")) {
                pids.add(p);
            }
        }
        pids.sort((a, b) -> Long.compare(Long.parseLong(a), Long.parseLong(b)));
        for (String pid : pids) {
            for (String fd : t.list("/proc/" + pid + "/fd")) {
                String target = t.readlink("/proc/" + pid + "/fd/" + fd);
                if (target != null && target.startsWith("/dev/vfio/")) {
                    out.putIfAbsent(target, pid);
                }
            }
        }
        return out;
    }

    /** QEMU's {@code -name guest=NAME,...} (or {@code -name NAME}) from a NUL-separated cmdline. */
    static String guestName(String cmdline) {
        if (cmdline == null) {
            return null;
        }
        String[] args = cmdline.split("\0");
        for (int i = 0; i + 1 < args.length; i++) {
            if (args[i].equals("-name")) {
                String v = args[i + 1];
                if (v.startsWith("guest=")) {
                    v = v.substring(6);
                }
                int comma = v.indexOf(',');
                v = comma < 0 ? v : v.substring(0, comma);
                v = v.replaceAll("\\s", "_");
                return v.isEmpty() ? null : v;
            }
        }
        return null;
    }

    private static String firstLine(String s) {
        if (s == null) {
            return null;
        }
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }

    /** A k=v field: the first line, blanks as '_', null if absent or empty. */
    private static String field(SysfsTree t, String path) {
        String v = firstLine(t.read(path));
        if (v == null || v.isEmpty()) {
            return null;
        }
        return v.replace(' ', '_').replace('\t', '_');
    }

    private static List<String> lines(String s) {
        List<String> out = new ArrayList<>();
        if (s == null) {
            return out;
        }
        for (String l : s.split("\n")) {
            if (!l.isEmpty()) {
                out.add(l);
            }
        }
        return out;
    }

    private static ApMask maskOrNull(String s) {
        String v = firstLine(s);
        return v != null && MASK.matcher(v).matches() ? ApMask.parseHex(v) : null;
    }

    private static int intOr(String s) {
        String v = firstLine(s);
        try {
            return v == null ? -1 : Integer.parseInt(v.trim());
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    // ================================================================ format

    /** The snapshot as text (comment line, then the facts; see the class comment). */
    public String format() {
        StringBuilder b = new StringBuilder();
        b.append("# aplab host snapshot\n").append(HEADER).append('\n');
        b.append("kernel ").append(kernel).append('\n');
        b.append("features ").append(dash(features)).append('\n');
        b.append("bus_features ").append(dash(bus == null ? null : bus.features())).append('\n');
        b.append("ap_domain ").append(dash(bus == null ? null : bus.apDomain())).append('\n');
        b.append("config_time ").append(dash(bus == null ? null : bus.configTime())).append('\n');
        b.append("ap_adapter_mask ").append(hex(adapters)).append('\n');
        b.append("ap_usage_domain_mask ").append(hex(usageDomains)).append('\n');
        b.append("ap_control_domain_mask ").append(hex(controlDomains)).append('\n');
        b.append("ap_max_adapter_id ").append(maxAdapter < 0 ? "-" : maxAdapter).append('\n');
        b.append("ap_max_domain_id ").append(maxDomain < 0 ? "-" : maxDomain).append('\n');
        b.append("apmask ").append(hex(apmask)).append('\n');
        b.append("aqmask ").append(hex(aqmask)).append('\n');
        for (Card c : cards) {
            b.append(String.format("card %02x type=%s hwtype=%s config=%s online=%s functions=%s driver=%s depth=%s%n",
                    c.apid(), dash(c.type()), dash(c.hwtype()), dash(c.config()), dash(c.online()), dash(c.functions()),
                    dash(c.driver()), dash(c.depth())));
        }
        for (Queue q : queues) {
            b.append(String.format("queue %s driver=%s config=%s online=%s status=%s%n", q.apqn(), dash(q.driver()),
                    dash(q.config()), dash(q.online()), dash(q.status())));
        }
        for (Mdev m : mdevs) {
            b.append("mdev ").append(m.uuid()).append(" in_use=").append(m.inUse() ? "yes" : "no").append(" guest=")
                    .append(dash(m.guest())).append('\n');
            b.append("  matrix").append(tokens(m.matrix())).append('\n');
            b.append("  guest_matrix").append(m.guestMatrix() == null ? " -" : tokens(m.guestMatrix())).append('\n');
            b.append("  control_domains").append(tokens(m.controlDomains())).append('\n');
        }
        return withEnd(b.toString());
    }

    /** {@code text} and its closing line (see the class comment). */
    public static String withEnd(String text) {
        byte[] bytes = text.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        return text + "end bytes=" + bytes.length + " cksum=" + cksum(bytes) + "\n";
    }

    /** POSIX cksum: CRC-32 (polynomial 0x04C11DB7, MSB first) of the bytes, then of their length. */
    public static long cksum(byte[] data) {
        int crc = 0;
        for (byte x : data) {
            crc = crcByte(crc, x & 0xff);
        }
        for (long n = data.length; n != 0; n >>>= 8) {
            crc = crcByte(crc, (int) (n & 0xff));
        }
        return ~crc & 0xffffffffL;
    }

    private static int crcByte(int crc, int b) {
        crc ^= b << 24;
        for (int i = 0; i < 8; i++) {
            crc = (crc & 0x80000000) != 0 ? (crc << 1) ^ 0x04C11DB7 : crc << 1;
        }
        return crc;
    }

    private static final Pattern END = Pattern.compile("end bytes=([0-9]{1,10}) cksum=([0-9]{1,10})");

    /**
     * Checks the closing line and returns the text before it: refused if there is none (cut
     * short), if it is malformed, or if the bytes before it do not match it (changed).
     */
    static String verifyEnd(String name, String text) throws LoadException {
        String t = text.endsWith("\n") ? text.substring(0, text.length() - 1) : text;
        int nl = t.lastIndexOf('\n');
        String last = t.substring(nl + 1);
        int lineNo = (int) t.chars().filter(c -> c == '\n').count() + 1;
        if (!last.startsWith("end ") && !last.equals("end")) {
            throw new LoadException(name, lineNo, "cut short: the last line is not the closing 'end bytes=N cksum=C' line"
                    + " tools/capture-host writes (the file was truncated, or written by something else)");
        }
        java.util.regex.Matcher m = END.matcher(last.strip());
        if (!m.matches()) {
            throw new LoadException(name, lineNo, "the closing line must be 'end bytes=N cksum=C', not '" + last.strip() + "'");
        }
        String body = text.substring(0, nl + 1);
        byte[] bytes = body.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        long n = Long.parseLong(m.group(1));
        if (bytes.length != n) {
            throw new LoadException(name, lineNo, "corrupt: the closing line counts " + n + " bytes before it, the file has "
                    + bytes.length + " (lines were cut out, added or changed after tools/capture-host wrote it)");
        }
        long sum = cksum(bytes);
        if (sum != Long.parseLong(m.group(2))) {
            throw new LoadException(name, lineNo, "corrupt: the checksum of the bytes before the closing line is " + sum
                    + ", the closing line says " + m.group(2) + " (the file was changed after tools/capture-host wrote it)");
        }
        return body;
    }

    private static String tokens(List<String> l) {
        StringBuilder b = new StringBuilder();
        for (String s : l) {
            b.append(' ').append(s);
        }
        return b.toString();
    }

    private static String dash(String s) {
        return s == null ? "-" : s;
    }

    private static String undash(String s) {
        return s == null || s.equals("-") ? null : s;
    }

    private static String hex(ApMask m) {
        return m == null ? "-" : m.toHex();
    }

    // ================================================================ parse

    /** Reads a snapshot file; every problem is a one-line {@link LoadException} naming the line. */
    public static Snapshot read(Path file) throws LoadException {
        // regular files only, bounded, strict UTF-8 (aplab.transcript.TextFile)
        return parse(file.toString(), aplab.transcript.TextFile.read(file, (f, why) -> new LoadException(f, 0, why)));
    }

    /** Whether text looks like a snapshot (its first fact is the header line). */
    public static boolean isSnapshot(String text) {
        if (text.startsWith("\uFEFF")) {
            text = text.substring(1);
        }
        for (String l : text.split("\n", -1)) {
            String t = l.strip();
            if (t.isEmpty() || t.startsWith("#")) {
                continue;
            }
            return t.startsWith("aplab-snapshot");
        }
        return false;
    }

    private static final List<String> REQUIRED = List.of("kernel", "features", "ap_adapter_mask", "ap_usage_domain_mask",
            "ap_control_domain_mask", "ap_max_adapter_id", "ap_max_domain_id", "apmask", "aqmask");
    /** The bus attributes: tools/capture-host writes them; a hand-written snapshot may leave them out. */
    private static final List<String> OPTIONAL = List.of("bus_features", "ap_domain", "config_time");

    /** Parses snapshot text. */
    public static Snapshot parse(String name, String text) throws LoadException {
        if (text.startsWith("\uFEFF")) {
            text = text.substring(1); // a byte order mark an editor added: skipped, as JSON/YAML readers do
        }
        if (text.indexOf('\0') >= 0) {
            throw new LoadException(name, lineOf(text, text.indexOf('\0')), "binary data (NUL byte) in a snapshot");
        }
        if (isSnapshot(text)) {
            String first = text.lines().map(String::strip).filter(l -> !l.isEmpty() && !l.startsWith("#")).findFirst().orElse("");
            if (first.equals(HEADER)) {
                text = verifyEnd(name, text);
            }
        }
        String[] lines = text.split("\n", -1);
        boolean header = false;
        Map<String, String> single = new LinkedHashMap<>();
        Map<String, Integer> singleLine = new LinkedHashMap<>();
        List<Card> cards = new ArrayList<>();
        List<Queue> queues = new ArrayList<>();
        List<Mdev> mdevs = new ArrayList<>();
        Set<Integer> seenCards = new HashSet<>();
        Set<Apqn> seenQueues = new HashSet<>();
        MdevBuilder open = null;
        boolean captured = false; // tools/capture-host's opening comment came before the header
        for (int i = 0; i < lines.length; i++) {
            int no = i + 1;
            String raw = lines[i].endsWith("\r") ? lines[i].substring(0, lines[i].length() - 1) : lines[i];
            String line = raw.strip();
            if (line.isEmpty() || line.startsWith("#")) {
                captured |= !header && line.contains("tools/capture-host");
                continue;
            }
            String[] w = line.split("\\s+");
            String key = w[0];
            if (!header) {
                // the text ends inside the header line: a snapshot cut in its first line (found by
                // SnapshotIntegrityTest's random cuts), unless it is a bare "a" or "apl" of some other file
                if (i == lines.length - 1 && !line.equals(HEADER) && HEADER.startsWith(line) && (captured || line.length() >= 5)) {
                    throw new LoadException(name, no, "cut short: it ends inside its first line ('" + line + "', not '"
                            + HEADER + "'); capture the host again with tools/capture-host");
                }
                if (!line.equals(HEADER)) {
                    throw new LoadException(name, no, line.startsWith("aplab-snapshot")
                            ? "unsupported snapshot version '" + line + "' (this aplab reads '" + HEADER
                                    + "'; capture the host again with tools/capture-host)"
                            : "not an aplab host snapshot: the first line must be '" + HEADER + "' (made by tools/capture-host)");
                }
                header = true;
                continue;
            }
            boolean indented = Character.isWhitespace(raw.charAt(0));
            if (indented && (key.equals("matrix") || key.equals("guest_matrix") || key.equals("control_domains"))) {
                if (open == null) {
                    throw new LoadException(name, no, "'" + key + "' before any 'mdev' line");
                }
                open.set(name, no, key, List.of(w).subList(1, w.length));
                continue;
            }
            if (key.equals("matrix") || key.equals("guest_matrix") || key.equals("control_domains")) {
                throw new LoadException(name, no, "'" + key + "' must be indented under its 'mdev' line");
            }
            if (open != null) {
                mdevs.add(open.build(name));
                open = null;
            }
            switch (key) {
                case "card" -> {
                    Card c = parseCard(name, no, w);
                    if (!seenCards.add(c.apid())) {
                        throw new LoadException(name, no, "card " + w[1] + " appears twice");
                    }
                    cards.add(c);
                }
                case "queue" -> {
                    Queue q = parseQueue(name, no, w);
                    if (!seenQueues.add(q.apqn())) {
                        throw new LoadException(name, no, "queue " + w[1] + " appears twice");
                    }
                    queues.add(q);
                }
                case "mdev" -> open = parseMdev(name, no, w, mdevs);
                default -> {
                    if (!REQUIRED.contains(key) && !OPTIONAL.contains(key)) {
                        throw new LoadException(name, no, "unknown entry '" + key + "'");
                    }
                    if (single.containsKey(key)) {
                        throw new LoadException(name, no, "'" + key + "' appears twice (first on line " + singleLine.get(key) + ")");
                    }
                    String value = line.substring(key.length()).strip();
                    if (value.isEmpty()) {
                        throw new LoadException(name, no, "'" + key + "' has no value");
                    }
                    single.put(key, value);
                    singleLine.put(key, no);
                }
            }
        }
        if (open != null) {
            mdevs.add(open.build(name));
        }
        int last = lines.length;
        if (!header) {
            throw new LoadException(name, 0, "empty: not an aplab host snapshot (no '" + HEADER + "' line)");
        }
        for (String k : REQUIRED) {
            if (!single.containsKey(k)) {
                throw new LoadException(name, last, "the snapshot has no '" + k + "' line (is it cut short?)");
            }
        }
        ApMask apm = mask(name, singleLine.get("ap_adapter_mask"), "ap_adapter_mask", single.get("ap_adapter_mask"));
        ApMask aqm = mask(name, singleLine.get("ap_usage_domain_mask"), "ap_usage_domain_mask", single.get("ap_usage_domain_mask"));
        ApMask adm = mask(name, singleLine.get("ap_control_domain_mask"), "ap_control_domain_mask", single.get("ap_control_domain_mask"));
        ApMask apmask = mask(name, singleLine.get("apmask"), "apmask", single.get("apmask"));
        ApMask aqmask = mask(name, singleLine.get("aqmask"), "aqmask", single.get("aqmask"));
        int maxA = id(name, singleLine.get("ap_max_adapter_id"), "ap_max_adapter_id", single.get("ap_max_adapter_id"));
        int maxD = id(name, singleLine.get("ap_max_domain_id"), "ap_max_domain_id", single.get("ap_max_domain_id"));
        String features = single.get("features");
        return new Snapshot(name, single.get("kernel"), features.equals("-") ? null : features, apm, aqm, adm, maxA,
                maxD, apmask, aqmask, List.copyOf(cards), List.copyOf(queues), List.copyOf(mdevs),
                new Bus(undash(single.get("bus_features")), undash(single.get("ap_domain")), undash(single.get("config_time"))));
    }

    private static int lineOf(String text, int index) {
        return 1 + (int) text.substring(0, index).chars().filter(c -> c == '\n').count();
    }

    private static ApMask mask(String name, int no, String key, String v) throws LoadException {
        if (v.equals("not supported") || v.equals("not_supported")) {
            throw new LoadException(name, no, key + " is 'not supported': the host has no QCI (AP configuration "
                    + "information), which the model needs");
        }
        if (!MASK.matcher(v).matches()) {
            throw new LoadException(name, no, key + ": '" + v + "' is not a 256-bit mask (0x and 64 hex digits)");
        }
        return ApMask.parseHex(v);
    }

    private static int id(String name, int no, String key, String v) throws LoadException {
        try {
            int n = Integer.parseInt(v);
            if (n < 0 || n > 255) {
                throw new NumberFormatException();
            }
            return n;
        } catch (NumberFormatException e) {
            throw new LoadException(name, no, key + ": '" + v + "' is not a number 0-255");
        }
    }

    private static Map<String, String> fields(String name, int no, String[] w, int from, Set<String> required)
            throws LoadException {
        Map<String, String> f = new LinkedHashMap<>();
        for (int i = from; i < w.length; i++) {
            int eq = w[i].indexOf('=');
            if (eq <= 0) {
                throw new LoadException(name, no, "'" + w[i] + "' is not a key=value field");
            }
            String v = w[i].substring(eq + 1);
            f.put(w[i].substring(0, eq), v.equals("-") || v.isEmpty() ? null : v);
        }
        for (String r : required) {
            if (!f.containsKey(r)) {
                throw new LoadException(name, no, "'" + w[0] + " " + (w.length > 1 ? w[1] : "") + "' has no " + r + "= field");
            }
        }
        return f;
    }

    private static Card parseCard(String name, int no, String[] w) throws LoadException {
        if (w.length < 2 || !w[1].matches("[0-9a-fA-F]{2}")) {
            throw new LoadException(name, no, "a card line is 'card XX type=...' with XX the adapter in two hex digits");
        }
        Map<String, String> f = fields(name, no, w, 2, Set.of("type"));
        return new Card(Integer.parseInt(w[1], 16), f.get("type"), f.get("hwtype"), f.get("config"), f.get("online"),
                f.get("functions"), f.get("driver"), f.get("depth"), no);
    }

    private static Queue parseQueue(String name, int no, String[] w) throws LoadException {
        Apqn q = w.length < 2 ? null : Apqn.parse(w[1].toLowerCase(Locale.ROOT));
        if (q == null) {
            throw new LoadException(name, no, "a queue line is 'queue XX.YYYY driver=...' with the APQN in hex");
        }
        Map<String, String> f = fields(name, no, w, 2, Set.of("driver"));
        return new Queue(q, f.get("driver"), f.get("config"), f.get("online"), f.get("status"), no);
    }

    private static MdevBuilder parseMdev(String name, int no, String[] w, List<Mdev> done) throws LoadException {
        if (w.length < 2 || !UUID.matcher(w[1].toLowerCase(Locale.ROOT)).matches()) {
            throw new LoadException(name, no, "an mdev line is 'mdev UUID in_use=yes|no' with the mdev's UUID");
        }
        String uuid = w[1].toLowerCase(Locale.ROOT);
        for (Mdev m : done) {
            if (m.uuid().equals(uuid)) {
                throw new LoadException(name, no, "mdev " + uuid + " appears twice");
            }
        }
        Map<String, String> f = fields(name, no, w, 2, Set.of("in_use"));
        String use = f.get("in_use");
        if (!"yes".equals(use) && !"no".equals(use)) {
            throw new LoadException(name, no, "in_use must be yes or no, not '" + use + "'");
        }
        String guest = f.get("guest");
        if (guest != null && !guest.matches("[A-Za-z0-9._+-]+")) {
            throw new LoadException(name, no, "guest name '" + guest + "' has characters a guest name cannot have here");
        }
        return new MdevBuilder(uuid, "yes".equals(use), guest, no);
    }

    /** An mdev whose indented lines are still being read. */
    private static final class MdevBuilder {
        final String uuid;
        final boolean inUse;
        final String guest;
        final int line;
        List<String> matrix;
        List<String> guestMatrix;
        boolean guestMatrixSeen;
        List<String> cdoms;

        MdevBuilder(String uuid, boolean inUse, String guest, int line) {
            this.uuid = uuid;
            this.inUse = inUse;
            this.guest = guest;
            this.line = line;
        }

        void set(String name, int no, String key, List<String> values) throws LoadException {
            switch (key) {
                case "matrix" -> {
                    if (matrix != null) {
                        throw new LoadException(name, no, "mdev " + uuid + " has two 'matrix' lines");
                    }
                    matrix = MatrixLines.check(name, no, key, values);
                }
                case "guest_matrix" -> {
                    if (guestMatrixSeen) {
                        throw new LoadException(name, no, "mdev " + uuid + " has two 'guest_matrix' lines");
                    }
                    guestMatrixSeen = true;
                    guestMatrix = values.equals(List.of("-")) ? null : MatrixLines.check(name, no, key, values);
                }
                default -> {
                    if (cdoms != null) {
                        throw new LoadException(name, no, "mdev " + uuid + " has two 'control_domains' lines");
                    }
                    for (String v : values) {
                        if (!v.matches("[0-9a-f]{4}") || Integer.parseInt(v, 16) > 255) {
                            throw new LoadException(name, no, "control domain '" + v + "' is not a domain in 4 hex digits");
                        }
                    }
                    cdoms = List.copyOf(values);
                }
            }
        }

        Mdev build(String name) throws LoadException {
            if (matrix == null) {
                throw new LoadException(name, line, "mdev " + uuid + " has no indented 'matrix' line under it");
            }
            if (!guestMatrixSeen) {
                throw new LoadException(name, line, "mdev " + uuid + " has no indented 'guest_matrix' line (- if the kernel has none)");
            }
            return new Mdev(uuid, inUse, guest, matrix, guestMatrix, cdoms == null ? List.of() : cdoms, line);
        }
    }
}
