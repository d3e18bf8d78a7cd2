package aplab.snapshot;

import aplab.ap.ApMask;
import aplab.ap.ApQueue;
import aplab.ap.Apqn;
import aplab.ap.CardType;
import aplab.host.Host;
import aplab.kernel.Kernel;
import aplab.shell.Session;
import aplab.sysfs.Sysfs;
import aplab.sysfs.SysfsException;
import aplab.vfioap.MatrixMdev;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Rebuilds a host snapshot on the model as the transcript commands an admin (and firmware) would
 * have run, then compares the model's state with the snapshot. The commands, in order:
 *
 * <ol>
 *   <li>{@code aplab kernel} if the host's kernel is best modelled by 5.17 or 6.0;</li>
 *   <li>{@code aplab host} with the QCI masks and limits, once per card type (each later run adds
 *       the adapters of the next type, a configuration change before any mdev exists);</li>
 *   <li>{@code apmask} and {@code aqmask} as absolute masks;</li>
 *   <li>{@code config} 0 for every card the host has configured off, and for every card whose
 *       queues show {@code config} 0, before one forced scan ({@code scans}): a queue's config
 *       follows its card's at the bus's next scan, so a card configured on or off since the last
 *       scan is configured after it;</li>
 *   <li>{@code unbind} for every queue the host has bound to no driver;</li>
 *   <li>each mdev: {@code create}, then {@code assign_adapter}, {@code assign_domain},
 *       {@code assign_control_domain} in ascending order;</li>
 *   <li>{@code aplab guest start} for every mdev a guest uses.</li>
 * </ol>
 *
 * <p>The model computes {@code guest_matrix} itself; where it differs from the host's, that is a
 * conformance finding (or a state that depends on history the snapshot cannot show).
 */
public final class Rebuild {
    private Rebuild() {
    }

    /** The commands that rebuild a snapshot, the kernel chosen and why, and notes on what was adapted. */
    public record Plan(Kernel kernel, String kernelReason, List<String> commands, List<String> notes,
            Map<String, String> guestNames) {
    }

    /** The matrix device directory, where the mdev commands run. */
    static final String MATRIX = "/sys/devices/vfio_ap/matrix";

    // ================================================================ kernel

    /** The model kernel for a host kernel release, and why ({@link aplab.kernel.KernelRelease#choose}). */
    static String[] chooseKernel(Snapshot s) {
        boolean guestMatrix = s.mdevs().stream().anyMatch(m -> m.guestMatrix() != null);
        aplab.kernel.KernelRelease.Choice c = aplab.kernel.KernelRelease.choose(s.kernel(), s.features() != null, guestMatrix);
        return new String[] {c.kernel().name(), c.reason()};
    }

    // ================================================================ plan

    /** The plan for a snapshot; {@code override} forces the model kernel (null: choose). */
    public static Plan plan(Snapshot s, Kernel override) {
        List<String> cmds = new ArrayList<>();
        List<String> notes = new ArrayList<>();
        String[] k = chooseKernel(s);
        Kernel kernel = override != null ? override : Kernel.parse(k[0]);
        String reason = override != null ? "chosen with --kernel" : k[1];
        if (kernel != Kernel.MAINLINE) {
            cmds.add("aplab kernel " + kernel.release());
        }
        hostCommands(s, cmds, notes);
        if (!s.apmask().equals(ApMask.allOnes())) {
            cmds.add("echo " + s.apmask().toHex() + " > /sys/bus/ap/apmask");
        }
        if (!s.aqmask().equals(ApMask.allOnes())) {
            cmds.add("echo " + s.aqmask().toHex() + " > /sys/bus/ap/aqmask");
        }
        cardConfig(s, cmds);
        for (Snapshot.Card c : s.cards()) {
            if (!"0".equals(c.config()) && "0".equals(c.online())) {
                cmds.add("echo 0 > /sys/devices/ap/" + c.name() + "/online"); // chzcrypt -d
            }
        }
        for (Snapshot.Queue q : s.queues()) {
            Snapshot.Card c = s.cards().stream().filter(x -> x.apid() == q.apqn().apid()).findFirst().orElse(null);
            if ("0".equals(q.online()) && "cex4queue".equals(q.driver()) && c != null && "1".equals(c.config())
                    && !"0".equals(q.config())
                    && !"0".equals(c.online())) {
                cmds.add("echo 0 > /sys/bus/ap/devices/" + q.apqn() + "/online");
            }
        }
        Snapshot.Bus bus = s.bus();
        if (bus != null && bus.configTime() != null && !bus.configTime().equals(String.valueOf(aplab.ap.ApBusAttributes.CONFIG_TIME))) {
            cmds.add("echo " + bus.configTime() + " > /sys/bus/ap/config_time");
        }
        if (bus != null && bus.apDomain() != null && bus.apDomain().matches("[0-9]{1,3}")) {
            cmds.add("echo " + bus.apDomain() + " > /sys/bus/ap/ap_domain");
        }
        // which queues the model binds so far: the host's unbound ones are unbound explicitly
        Session scratch = new Session();
        for (String c : cmds) {
            scratch.execute(c);
        }
        for (Snapshot.Queue q : s.queues()) {
            ApQueue mq = scratch.host().bus().queue(q.apqn());
            if (q.driver() == null && mq != null && mq.driver() != null) {
                cmds.add("echo " + q.apqn() + " > /sys/bus/ap/drivers/" + mq.driver().name() + "/unbind");
            }
        }
        if (!s.mdevs().isEmpty()) {
            cmds.add("cd " + MATRIX);
        }
        for (Snapshot.Mdev m : s.mdevs()) {
            cmds.add("echo " + m.uuid() + " > mdev_supported_types/vfio_ap-passthrough/create");
            MatrixLines ml = MatrixLines.of(m.matrix());
            ml.apm().forEach(a -> cmds.add(String.format("echo 0x%x > %s/assign_adapter", a, m.uuid())));
            ml.aqm().forEach(q -> cmds.add(String.format("echo 0x%x > %s/assign_domain", q, m.uuid())));
            for (String cd : m.controlDomains()) {
                cmds.add(String.format("echo 0x%x > %s/assign_control_domain", Integer.parseInt(cd, 16), m.uuid()));
            }
        }
        Map<String, String> names = guestNames(s);
        for (Snapshot.Mdev m : s.mdevs()) {
            if (m.inUse()) {
                cmds.add("aplab guest start " + names.get(m.uuid()) + " --mdev " + m.uuid());
            }
        }
        if (!s.mdevs().isEmpty()) {
            cmds.add("cd /");
        }
        return new Plan(kernel, reason, List.copyOf(cmds), List.copyOf(notes), names);
    }

    /** A guest name per mdev in use: the host's QEMU -name if it is usable and unique, else guest-UUID8. */
    static Map<String, String> guestNames(Snapshot s) {
        Map<String, String> names = new LinkedHashMap<>();
        Set<String> used = new HashSet<>();
        for (Snapshot.Mdev m : s.mdevs()) {
            if (!m.inUse()) {
                continue;
            }
            String n = m.guest();
            if (n == null || n.startsWith("-") || !used.add(n)) {
                n = "guest-" + m.uuid().substring(0, 8);
                used.add(n);
            }
            names.put(m.uuid(), n);
        }
        return names;
    }

    private static void hostCommands(Snapshot s, List<String> cmds, List<String> notes) {
        int maxA = s.maxAdapter();
        int maxD = s.maxDomain();
        ApMask apm = s.adapters().copy();
        ApMask aqm = s.usageDomains().copy();
        ApMask adm = s.controlDomains().copy();
        if (apm.last() > maxA) {
            notes.add("adapters above ap_max_adapter_id " + maxA + " are left out: " + apm.andNot(ApMask.range(0, maxA)).toIdList(2));
            apm = apm.limit(maxA);
        }
        if (aqm.last() > maxD || adm.last() > maxD) {
            notes.add("domains above ap_max_domain_id " + maxD + " are left out");
            aqm = aqm.limit(maxD);
            adm = adm.limit(maxD);
        }
        boolean noApxa = maxA == 63 && maxD == 15 && !s.cards().isEmpty() && s.cards().stream()
                .allMatch(c -> c.functions() != null && c.functions().matches("0x[0-9a-fA-F]+")
                        && (Long.parseLong(c.functions().substring(2), 16) & 0x02000000L) == 0);
        String limits = noApxa ? " --no-apxa" : " --max-adapter " + maxA + " --max-domain " + maxD;
        if (s.bus() != null && s.bus().features() != null && List.of(s.bus().features().split(" ")).contains("APSB")) {
            limits += " --apsb";
        }
        // one aplab host per card type, adapters accumulating
        Map<String, ApMask> byType = new LinkedHashMap<>();
        Map<Integer, String> typeOf = new TreeMap<>();
        for (Snapshot.Card c : s.cards()) {
            String t;
            try {
                t = CardType.parse(c.type() == null ? "" : c.type()).toString();
            } catch (IllegalArgumentException e) {
                t = CardType.DEFAULT.toString();
                notes.add(c.type() == null
                        ? "card " + String.format("%02x", c.apid()) + " has no type attribute (no zcrypt card driver is bound to it,"
                                + " hwtype " + (c.hwtype() == null ? "unknown" : c.hwtype()) + "): modelled as " + t
                        : "card " + String.format("%02x", c.apid()) + " type " + c.type()
                                + " is not modelled (the model knows CEX4 to CEX8): modelled as " + t);
            }
            typeOf.put(c.apid(), t);
        }
        ApMask finalApm = apm;
        apm.forEach(a -> byType.computeIfAbsent(typeOf.getOrDefault(a, CardType.DEFAULT.toString()), x -> new ApMask()).set(a));
        for (Integer a : typeOf.keySet()) {
            if (!finalApm.test(a)) {
                notes.add(String.format("card %02x exists but adapter %02x is not in ap_adapter_mask: not modelled", a, a));
            }
        }
        if (byType.isEmpty()) {
            byType.put(CardType.DEFAULT.toString(), new ApMask());
        }
        ApMask sofar = new ApMask();
        for (Map.Entry<String, ApMask> e : byType.entrySet()) {
            sofar = sofar.or(e.getValue());
            cmds.add("aplab host --adapters " + list(sofar) + " --domains " + list(aqm) + " --control-domains " + list(adm)
                    + limits + " --type " + e.getKey());
        }
    }

    /** 0x-hex ids with ranges ({@code 0x5,0x6,0x10-0x1f}), or {@code none}. */
    static String list(ApMask m) {
        if (m.isEmpty()) {
            return "none";
        }
        StringBuilder b = new StringBuilder();
        int id = m.next(0);
        while (id >= 0) {
            int end = id;
            while (end + 1 < ApMask.BITS && m.test(end + 1)) {
                end++;
            }
            if (b.length() > 0) {
                b.append(',');
            }
            b.append(String.format("0x%x", id));
            if (end > id + 1) {
                b.append(String.format("-0x%x", end));
            } else if (end == id + 1) {
                b.append(String.format(",0x%x", end));
            }
            id = end + 1 < ApMask.BITS ? m.next(end + 1) : -1;
        }
        return b.toString();
    }

    // ================================================================ run and compare

    /** What running the plan printed, command by command (non-empty outputs only). */
    public record Refusal(String command, List<String> output) {
    }

    /** Runs the plan on a fresh session; returns the commands that printed something. */
    public static List<Refusal> run(Plan plan, Session session) {
        List<Refusal> out = new ArrayList<>();
        for (String c : plan.commands()) {
            List<String> o = session.execute(c);
            if (!o.isEmpty()) {
                out.add(new Refusal(c, o));
            }
        }
        return out;
    }

    /**
     * The cards' {@code config} and their queues': a card's config store sets only the card's
     * (ac->config), a queue's follows at the bus's next scan (ap_scan_domains). Cards whose queues
     * show config 0 are configured off before one forced scan; then the cards the host has
     * configured on again since (card 1, queues still 0) are configured on, and the cards
     * configured off since the last scan (card 0, queues still 1) off.
     */
    private static void cardConfig(Snapshot s, List<String> cmds) {
        List<Snapshot.Card> beforeScan = new ArrayList<>();
        List<String> afterScan = new ArrayList<>();
        for (Snapshot.Card c : s.cards()) {
            boolean queuesOff = s.queues().stream()
                    .anyMatch(q -> q.apqn().apid() == c.apid() && "0".equals(q.config()));
            boolean off = "0".equals(c.config());
            if (queuesOff) {
                beforeScan.add(c);
                if (!off) {
                    afterScan.add("echo 1 > /sys/bus/ap/devices/" + c.name() + "/config");
                }
            } else if (off) {
                afterScan.add("echo 0 > /sys/bus/ap/devices/" + c.name() + "/config");
            }
        }
        for (Snapshot.Card c : beforeScan) {
            cmds.add("echo 0 > /sys/bus/ap/devices/" + c.name() + "/config");
        }
        if (!beforeScan.isEmpty()) {
            cmds.add("echo 1 > /sys/bus/ap/scans");
        }
        cmds.addAll(afterScan);
    }

    /** Where the model, after the plan ran, differs from the snapshot: one plain sentence each. */
    public static List<String> findings(Snapshot s, Plan plan, List<Refusal> refusals, Host host) {
        List<String> f = new ArrayList<>();
        for (Refusal r : refusals) {
            f.add("the model refuses '" + r.command() + "', which the host's state implies: " + String.join(" / ", r.output()));
        }
        Sysfs sysfs = new Sysfs(host);
        // cards and queues
        Set<Integer> hostCards = new TreeSet<>();
        for (Snapshot.Card c : s.cards()) {
            hostCards.add(c.apid());
            var mc = host.bus().cards().get(c.apid());
            if (mc == null) {
                continue;
            }
            String cfg = mc.config() ? "1" : "0";
            if (c.config() != null && !c.config().equals(cfg)) {
                f.add(String.format("card %02x: the host has config=%s, the model config=%s", c.apid(), c.config(), cfg));
            }
        }
        for (Integer a : host.bus().cards().keySet()) {
            if (!hostCards.contains(a)) {
                f.add(String.format("card %02x: the model has the card device (its adapter is in the AP configuration), the host has none", a));
            }
        }
        Set<Apqn> hostQueues = new TreeSet<>();
        for (Snapshot.Queue q : s.queues()) {
            hostQueues.add(q.apqn());
            ApQueue mq = host.bus().queue(q.apqn());
            if (mq == null) {
                f.add("queue " + q.apqn() + ": the host has it, the model has no such queue device");
                continue;
            }
            String md = mq.driver() == null ? null : mq.driver().name();
            if (!java.util.Objects.equals(md, q.driver())) {
                f.add("queue " + q.apqn() + ": the host has it bound to " + driverWord(q.driver()) + ", the model to "
                        + driverWord(md) + " (apmask/aqmask give it to " + (owned(s, q.apqn()) ? "cex4queue" : "vfio_ap") + ")");
                continue;
            }
            String qc = mq.config() ? "1" : "0";
            if (q.config() != null && !q.config().equals(qc)) {
                f.add(String.format("queue %s: the host has config=%s, the model config=%s", q.apqn(), q.config(), qc));
            }
            String st = status(sysfs, q.apqn());
            if (q.status() != null && st != null && !q.status().equals(st)) {
                f.add("queue " + q.apqn() + ": the host's status is '" + q.status().replace('_', ' ') + "', the model's '"
                        + st.replace('_', ' ') + "'");
            }
        }
        for (Apqn a : host.bus().queues().keySet()) {
            if (!hostQueues.contains(a)) {
                f.add("queue " + a + ": the model has a queue device, the host has none (its adapter and domain are in "
                        + "the AP configuration)");
            }
        }
        // the bus's own attributes and the cards' depth (issue 10)
        Snapshot.Bus bus = s.bus();
        if (bus != null) {
            String mf = sysfs.tree().read("/sys/bus/ap/features");
            if (bus.features() != null && mf != null && !mf.strip().equals(bus.features().strip())) {
                f.add("bus features: the host prints '" + bus.features() + "', the model '" + mf.strip() + "'");
            }
            String md = sysfs.tree().read("/sys/bus/ap/ap_domain");
            if (bus.apDomain() != null && md != null && !md.strip().equals(bus.apDomain().strip())) {
                f.add("ap_domain: the host's default domain is " + bus.apDomain() + ", the model's " + md.strip());
            }
        }
        for (Snapshot.Card c : s.cards()) {
            String depth = sysfs.tree().read("/sys/devices/ap/" + c.name() + "/depth");
            if (c.depth() != null && depth != null && !depth.strip().equals(c.depth())) {
                f.add("card " + String.format("%02x", c.apid()) + ": the host's depth is " + c.depth() + ", the model's "
                        + depth.strip() + " (the model's cards have eight-deep queues)");
            }
            String online = sysfs.tree().read("/sys/devices/ap/" + c.name() + "/online");
            if (c.online() != null && online != null && !online.strip().equals(c.online())) {
                f.add("card " + String.format("%02x", c.apid()) + ": the host has online=" + c.online() + ", the model online="
                        + online.strip());
            }
        }
        // features
        if (s.features() != null && sysfs.exists(MATRIX + "/features")) {
            String mf = sysfs.read(MATRIX + "/features").strip();
            if (!mf.equals(s.features().strip())) {
                f.add("features: the host prints '" + s.features() + "', the model '" + mf + "'");
            }
        }
        // mdevs
        for (Snapshot.Mdev m : s.mdevs()) {
            MatrixMdev mm = host.vfioAp().mdev(m.uuid());
            if (mm == null) {
                f.add("mdev " + m.uuid() + ": the model could not create it");
                continue;
            }
            List<String> matrix = lines(sysfs.read(MATRIX + "/" + m.uuid() + "/matrix"));
            if (!matrix.equals(m.matrix())) {
                f.add("mdev " + m.uuid() + ": matrix differs: the host has " + words(m.matrix()) + ", the model "
                        + words(matrix) + differenceNote(m.matrix(), matrix));
            }
            String gmPath = MATRIX + "/" + m.uuid() + "/guest_matrix";
            if (m.guestMatrix() != null && sysfs.exists(gmPath)) {
                List<String> gm = lines(sysfs.read(gmPath));
                if (!gm.equals(m.guestMatrix())) {
                    f.add("mdev " + m.uuid() + ": guest_matrix differs: the host has " + words(m.guestMatrix())
                            + ", the model computes " + words(gm) + differenceNote(m.guestMatrix(), gm)
                            + ". Either the model is wrong here, or the host's state depends on history a snapshot "
                            + "cannot show (for one: unassigning a domain does not re-filter adapters dropped for it)");
                }
            } else if (m.guestMatrix() != null) {
                f.add("mdev " + m.uuid() + ": the host shows guest_matrix, the modelled kernel " + plan.kernel().release()
                        + " has none");
            }
            List<String> cd = lines(sysfs.read(MATRIX + "/" + m.uuid() + "/control_domains"));
            if (!cd.equals(m.controlDomains())) {
                f.add("mdev " + m.uuid() + ": control_domains differ: the host has " + words(m.controlDomains())
                        + ", the model " + words(cd));
            }
        }
        return f;
    }

    private static boolean owned(Snapshot s, Apqn q) {
        return s.apmask().test(q.apid()) && s.aqmask().test(q.apqi());
    }

    private static String status(Sysfs sysfs, Apqn q) {
        String p = "/sys/bus/ap/devices/" + q + "/status";
        try {
            return sysfs.exists(p) ? sysfs.read(p).strip().replace(' ', '_') : null;
        } catch (SysfsException e) {
            return null;
        }
    }

    static String driverWord(String d) {
        return d == null ? "no driver" : d;
    }

    static List<String> lines(String s) {
        List<String> out = new ArrayList<>();
        for (String l : s.split("\n")) {
            if (!l.isEmpty()) {
                out.add(l);
            }
        }
        return out;
    }

    static String words(List<String> l) {
        return l.isEmpty() ? "nothing" : String.join(" ", l);
    }

    private static String differenceNote(List<String> host, List<String> model) {
        List<String> hostOnly = new ArrayList<>(host);
        hostOnly.removeAll(model);
        List<String> modelOnly = new ArrayList<>(model);
        modelOnly.removeAll(host);
        List<String> parts = new ArrayList<>();
        if (!hostOnly.isEmpty()) {
            parts.add("only the host has " + String.join(" ", hostOnly));
        }
        if (!modelOnly.isEmpty()) {
            parts.add("only the model has " + String.join(" ", modelOnly));
        }
        return parts.isEmpty() ? "" : " (" + String.join("; ", parts) + ")";
    }

    /** A short description of the snapshot's host for reports. */
    public static String summary(Snapshot s) {
        List<String> cards = new ArrayList<>();
        for (Snapshot.Card c : s.cards()) {
            cards.add(String.format("%02x %s", c.apid(), c.type() == null ? "?" : c.type()));
        }
        long inUse = s.mdevs().stream().filter(Snapshot.Mdev::inUse).count();
        return s.cards().size() + " card" + (s.cards().size() == 1 ? "" : "s")
                + (cards.isEmpty() ? "" : " (" + String.join(", ", cards) + ")") + ", " + s.queues().size() + " queue"
                + (s.queues().size() == 1 ? "" : "s") + ", " + s.mdevs().size() + " mdev" + (s.mdevs().size() == 1 ? "" : "s")
                + " (" + inUse + " in use)";
    }

    /** Lower-case hex of a UUID (for matching user input). */
    static String norm(String uuid) {
        return uuid.toLowerCase(Locale.ROOT);
    }
}
