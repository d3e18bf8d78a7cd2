package aplab.explain;

import aplab.ap.ApMask;
import aplab.ap.Apqn;
import aplab.kernel.KernelException;
import aplab.shell.Session;
import aplab.shell.ShellWords;
import aplab.sysfs.Sysfs;
import aplab.vfioap.MatrixMdev;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.function.Supplier;

/**
 * What a command would do to a host, found by running it on a copy (the model's own rules, not a
 * second implementation of them): which queues change driver, which mdevs' {@code guest_matrix}
 * and which guests' CRYCBs gain or lose what, or the error the write gets and why.
 */
public final class WhatIf {
    private WhatIf() {
    }

    /** The report for one command line run on a fresh copy from {@code copies}. */
    public static List<String> run(Supplier<Session> copies, String command) {
        List<String> out = new ArrayList<>();
        Session copy = copies.get();
        HostView before = HostView.of(copy.host());
        List<MatrixMdev> mdevsBefore = copy.host().vfioAp().mdevs();
        out.add("what '" + command + "' would do (run on a copy of this host):");
        List<String> printed = copy.execute(command);
        HostView after = HostView.of(copy.host());
        String error = null;
        for (String p : printed) {
            if (p.startsWith("bash: ") || p.startsWith("aplab: ") || p.startsWith("cat: ") || p.startsWith("ls: ")) {
                error = p;
            }
        }
        if (error != null) {
            out.add("  it fails: " + error);
            out.addAll(whyRefused(copies, command, error, mdevsBefore));
        } else {
            out.add("  it succeeds" + (printed.isEmpty() ? "" : ", printing:"));
            for (String p : printed) {
                out.add("    " + p);
            }
        }
        List<String> changes = changes(before, after);
        if (changes.isEmpty()) {
            out.add("  nothing changes");
        } else {
            out.addAll(changes);
        }
        return out;
    }

    /** The differences between two views, one line each. */
    static List<String> changes(HostView before, HostView after) {
        List<String> out = new ArrayList<>();
        if (!before.apmask().equals(after.apmask())) {
            out.add("  apmask becomes " + after.apmask());
        }
        if (!before.aqmask().equals(after.aqmask())) {
            out.add("  aqmask becomes " + after.aqmask());
        }
        Map<String, List<String>> moves = new LinkedHashMap<>();
        TreeSet<Apqn> all = new TreeSet<>(before.drivers().keySet());
        all.addAll(after.drivers().keySet());
        for (Apqn q : all) {
            String b = before.drivers().get(q);
            String a = after.drivers().get(q);
            if (b == null) {
                moves.computeIfAbsent("appear (bound to " + a + ")", k -> new ArrayList<>()).add(q.toString());
            } else if (a == null) {
                moves.computeIfAbsent("disappear (were bound to " + b + ")", k -> new ArrayList<>()).add(q.toString());
            } else if (!a.equals(b)) {
                moves.computeIfAbsent("move from " + b + " to " + a, k -> new ArrayList<>()).add(q.toString());
            }
        }
        moves.forEach((how, qs) -> out.add("  queues " + String.join(" ", qs) + " " + how));
        cardConfig(out, before, after);
        TreeSet<String> mdevs = new TreeSet<>(before.matrix().keySet());
        mdevs.addAll(after.matrix().keySet());
        for (String u : mdevs) {
            if (!after.matrix().containsKey(u)) {
                out.add("  mdev " + u + " is removed");
                continue;
            }
            if (!before.matrix().containsKey(u)) {
                out.add("  mdev " + u + " is created");
            }
            diff(out, "mdev " + u + ": matrix", before.matrix().get(u), after.matrix().get(u));
            diff(out, "mdev " + u + ": guest_matrix", before.guestMatrix().get(u), after.guestMatrix().get(u));
            diff(out, "mdev " + u + ": control_domains", before.controlDomains().get(u), after.controlDomains().get(u));
        }
        TreeSet<String> guests = new TreeSet<>(before.crycb().keySet());
        guests.addAll(after.crycb().keySet());
        for (String g : guests) {
            List<String> b = before.crycb().get(g);
            List<String> a = after.crycb().get(g);
            if (b == null) {
                out.add("  guest " + g + " starts: " + String.join("; ", a));
            } else if (a == null) {
                out.add("  guest " + g + " stops");
            } else {
                for (int i = 0; i < a.size(); i++) {
                    crycbDiff(out, g, b.get(i), a.get(i));
                }
            }
        }
        return out;
    }

    /**
     * Cards configured off or on (cardXX/config: SCLP deconfigure/configure). The adapter stays in
     * the QCI and its queue devices stay bound, so vfio_ap sees no configuration change and no
     * CRYCB changes; but a deconfigured adapter's queues answer every request as deconfigured, so a
     * running guest with those APQNs in its CRYCB loses the use of them (and gets it back).
     */
    private static void cardConfig(List<String> out, HostView before, HostView after) {
        for (Map.Entry<Integer, Boolean> e : after.cardConfig().entrySet()) {
            Boolean was = before.cardConfig().get(e.getKey());
            if (was == null || was.equals(e.getValue())) {
                continue;
            }
            int card = e.getKey();
            boolean on = e.getValue();
            List<String> qs = new ArrayList<>();
            after.drivers().keySet().stream().filter(q -> q.apid() == card).forEach(q -> qs.add(q.toString()));
            out.add(String.format("  card %02x is configured %s: its queues %s %s (they stay bound and in every CRYCB:"
                    + " vfio_ap sees no configuration change)", card, on ? "on" : "off", qs.isEmpty() ? "(none)"
                    : String.join(" ", qs), on ? "work again" : "answer as deconfigured"));
            after.guestApqns().forEach((guest, apqns) -> {
                List<String> used = new ArrayList<>();
                apqns.stream().filter(q -> q.apid() == card).forEach(q -> used.add(q.toString()));
                if (!used.isEmpty()) {
                    out.add("  guest " + guest + (on ? " can use " + String.join(" ", used) + " again"
                            : " can no longer use " + String.join(" ", used) + " (the adapter is deconfigured)"));
                }
            });
        }
    }

    private static void diff(List<String> out, String what, List<String> b, List<String> a) {
        List<String> before = b == null ? List.of() : b;
        List<String> after = a == null ? List.of() : a;
        List<String> lost = new ArrayList<>(before);
        lost.removeAll(after);
        List<String> gained = new ArrayList<>(after);
        gained.removeAll(before);
        if (!lost.isEmpty()) {
            out.add("  " + what + " loses " + String.join(" ", lost));
        }
        if (!gained.isEmpty()) {
            out.add("  " + what + " gains " + String.join(" ", gained));
        }
    }

    /** "adapters: 05,06" before and after: what the guest loses and gains. */
    private static void crycbDiff(List<String> out, String guest, String before, String after) {
        int colon = before.indexOf(':');
        String what = before.substring(0, colon);
        List<String> b = ids(before.substring(colon + 1).strip());
        List<String> a = ids(after.substring(after.indexOf(':') + 1).strip());
        List<String> lost = new ArrayList<>(b);
        lost.removeAll(a);
        List<String> gained = new ArrayList<>(a);
        gained.removeAll(b);
        if (!lost.isEmpty()) {
            out.add("  guest " + guest + " loses " + what + " " + String.join(",", lost));
        }
        if (!gained.isEmpty()) {
            out.add("  guest " + guest + " gains " + what + " " + String.join(",", gained));
        }
    }

    private static List<String> ids(String s) {
        return s.equals("none") ? List.of() : List.of(s.split(","));
    }

    // ---------------------------------------------------------------- why a write fails

    private static List<String> whyRefused(Supplier<Session> copies, String command, String error,
            List<MatrixMdev> mdevsBefore) {
        List<String> out = new ArrayList<>();
        ShellWords.Parsed p = ShellWords.parse(command);
        if (p.redirect() == null || p.words().isEmpty() || !p.words().get(0).equals("echo")) {
            return out;
        }
        Session s = copies.get();
        String target = Sysfs.normalize(s.cwd(), p.redirect());
        String value = echoValue(p.words());
        if ((target.equals("/sys/bus/ap/apmask") || target.equals("/sys/bus/ap/aqmask")) && error.endsWith("Device or resource busy")) {
            boolean adapters = target.endsWith("apmask");
            ApMask apmask = s.host().bus().apmask();
            ApMask aqmask = s.host().bus().aqmask();
            ApMask next;
            try {
                next = ApMask.parseBitmapStr(value, adapters ? apmask : aqmask);
            } catch (KernelException e) {
                return out;
            }
            ApMask newAp = adapters ? next : apmask;
            ApMask newAq = adapters ? aqmask : next;
            List<String> held = new ArrayList<>();
            for (MatrixMdev m : s.host().vfioAp().mdevs()) {
                List<String> qs = new ArrayList<>();
                m.matrix().apm().forEach(a -> m.matrix().aqm().forEach(q -> {
                    boolean nowHost = apmask.test(a) && aqmask.test(q);
                    boolean thenHost = newAp.test(a) && newAq.test(q);
                    if (thenHost && !nowHost) {
                        qs.add(new Apqn(a, q).toString());
                    }
                }));
                if (!qs.isEmpty()) {
                    held.add(String.join(" ", qs) + " (mdev " + m.uuid() + ")");
                }
            }
            out.add("  why: the AP bus asks vfio_ap before it gives queues back to the host drivers; vfio_ap answers "
                    + "EADDRINUSE (in use), which the bus turns into EBUSY, because these would go back but are assigned:");
            for (String h : held) {
                out.add("    " + h);
            }
            out.add("  unassign them from the mdev first (a running guest loses them), or write a mask that leaves them to vfio_ap");
        } else if (target.matches("/sys/devices/vfio_ap/matrix/[0-9a-f-]{36}/assign_(adapter|domain)")
                && (error.endsWith("Address already in use") || error.endsWith("Cannot assign requested address"))) {
            String uuid = target.split("/")[5];
            MatrixMdev m = s.host().vfioAp().mdev(uuid);
            long id;
            try {
                id = aplab.kernel.Kstrtox.kstrtoul(value);
            } catch (KernelException e) {
                return out;
            }
            if (m == null || id > 255) {
                return out;
            }
            ApMask apm = m.matrix().apm();
            ApMask aqm = m.matrix().aqm();
            if (target.endsWith("assign_adapter")) {
                apm.set((int) id);
            } else {
                aqm.set((int) id);
            }
            if (error.endsWith("Address already in use")) {
                out.add("  why: vfio_ap refuses an APQN another mdev has (verify_no_sharing):");
                for (MatrixMdev o : mdevsBefore) {
                    if (o.uuid().equals(uuid)) {
                        continue;
                    }
                    List<String> qs = new ArrayList<>();
                    apm.and(o.matrix().apm()).forEach(a -> aqm.and(o.matrix().aqm()).forEach(q -> qs.add(new Apqn(a, q).toString())));
                    if (!qs.isEmpty()) {
                        out.add("    " + String.join(" ", qs) + " (mdev " + o.uuid() + ")");
                    }
                }
            } else {
                ApMask apmask = s.host().bus().apmask();
                ApMask aqmask = s.host().bus().aqmask();
                List<String> qs = new ArrayList<>();
                apm.and(apmask).forEach(a -> aqm.and(aqmask).forEach(q -> qs.add(new Apqn(a, q).toString())));
                out.add("  why: vfio_ap refuses APQNs that apmask and aqmask reserve for the host drivers: " + String.join(" ", qs));
                out.add("  free them first: clear their adapter in apmask or their domain in aqmask");
            }
        }
        return out;
    }

    /** The bytes echo writes: its arguments (after -n/-e/-E) joined, plus a newline unless -n. */
    private static String echoValue(List<String> words) {
        boolean newline = true;
        int i = 1;
        while (i < words.size() && words.get(i).matches("-[neE]+")) {
            if (words.get(i).contains("n")) {
                newline = false;
            }
            i++;
        }
        return String.join(" ", words.subList(i, words.size())) + (newline ? "\n" : "");
    }
}
