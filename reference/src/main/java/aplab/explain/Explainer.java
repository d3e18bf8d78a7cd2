package aplab.explain;

import aplab.ap.ApCard;
import aplab.ap.ApConfigInfo;
import aplab.ap.ApMask;
import aplab.ap.ApQueue;
import aplab.ap.Apqn;
import aplab.host.Guest;
import aplab.host.Host;
import aplab.kernel.Commit;
import aplab.kernel.Kernel;
import aplab.shell.Session;
import aplab.vfioap.ApMatrix;
import aplab.vfioap.MatrixMdev;
import aplab.vfioap.VfioApQueue;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * "Why is this APQN missing from the guest?": for each mdev and each APQN of its {@code matrix},
 * whether the guest gets it and, if not, the first reason, in an admin's words. The reasons follow
 * the kernel's own order: the host's AP configuration (QCI), the queue device, its driver (and the
 * {@code apmask}/{@code aqmask} bits that chose it), its link to the mdev, its last reset, and
 * finally the rule that an APCB holds whole adapters. Where a fix is a mask write, what else that
 * write would move is found by running it on a copy of the host.
 */
public final class Explainer {
    private final Host host;
    private final Supplier<Session> copies;
    private Map<String, List<String>> hostMatrices = Map.of();

    /**
     * @param session the host to explain
     * @param copies  fresh copies of the same host (for "what would this write do"); may be null
     */
    public Explainer(Session session, Supplier<Session> copies) {
        this.host = session.host();
        this.copies = copies;
    }

    /**
     * The {@code matrix} lines a real host showed per mdev (from a snapshot): APQNs the host has
     * but the model could not assign when it rebuilt the host are explained too.
     */
    public Explainer withHostMatrices(Map<String, List<String>> matrices) {
        this.hostMatrices = Map.copyOf(matrices);
        return this;
    }

    /** One line for the host, then per mdev a header and one line per APQN and control domain. */
    public List<String> explain(String mdevFilter) {
        List<String> out = new ArrayList<>();
        List<MatrixMdev> mdevs = new ArrayList<>(host.vfioAp().mdevs());
        mdevs.sort((a, b) -> a.uuid().compareTo(b.uuid()));
        if (mdevs.isEmpty()) {
            out.add("no vfio_ap mdev exists: nothing is passed to a guest");
            return out;
        }
        boolean any = false;
        for (MatrixMdev m : mdevs) {
            if (mdevFilter != null && !m.uuid().equalsIgnoreCase(mdevFilter)) {
                continue;
            }
            any = true;
            out.addAll(explainMdev(m));
        }
        if (!any) {
            out.add("no mdev " + mdevFilter + " (the mdevs: "
                    + String.join(", ", mdevs.stream().map(MatrixMdev::uuid).toList()) + ")");
        }
        return out;
    }

    private List<String> explainMdev(MatrixMdev m) {
        List<String> out = new ArrayList<>();
        Guest g = HostView.guestOf(host, m);
        boolean running = g != null;
        out.add("mdev " + m.uuid() + (running ? " (guest " + g.name() + " is running with it)"
                : " (no guest uses it: a guest started with it would get what guest_matrix shows)"));
        ApMatrix mx = m.matrix();
        ApMask apm = mx.apm().limit(mx.apmMax());
        ApMask aqm = mx.aqm().limit(mx.aqmMax());
        if (apm.isEmpty() && aqm.isEmpty()) {
            out.add("  nothing is assigned (assign_adapter and assign_domain)");
        } else if (aqm.isEmpty()) {
            out.add("  adapters " + apm.toIdList(2) + " are assigned but no domain: there is no queue to pass (assign a domain)");
        } else if (apm.isEmpty()) {
            out.add("  domains " + aqm.toIdList(4) + " are assigned but no adapter: there is no queue to pass (assign an adapter)");
        } else {
            apm.forEach(a -> aqm.forEach(q -> out.add("  " + new Apqn(a, q) + "  " + apqnLine(m, g, new Apqn(a, q)))));
        }
        for (String l : hostMatrices.getOrDefault(m.uuid(), List.of())) {
            Apqn q = Apqn.parse(l);
            if (q != null && !(apm.test(q.apid()) && aqm.test(q.apqi()))) {
                out.add("  " + q + "  the host has it assigned, but the model could not assign it when it rebuilt the host; "
                        + apqnLine(m, g, q));
            }
        }
        mx.adm().limit(mx.admMax()).forEach(d -> out.add(String.format("  control domain %04x  %s", d, cdomLine(m, g, d))));
        return out;
    }

    // ---------------------------------------------------------------- APQNs

    private String apqnLine(MatrixMdev m, Guest g, Apqn apqn) {
        boolean running = g != null;
        if (!host.version().has(Commit.SHADOW_APCB)) {
            return preDynamicLine(m, g, apqn);
        }
        ApMatrix sh = m.shadowApcb();
        if (sh.apm().test(apqn.apid()) && sh.aqm().test(apqn.apqi())) {
            String base;
            if (running) {
                boolean inCrycb = g.kvm().apm().test(apqn.apid()) && g.kvm().aqm().test(apqn.apqi());
                base = inCrycb ? "guest has it" : "in guest_matrix, but not in the guest's CRYCB (a model inconsistency: report it)";
            } else {
                base = "a guest would get it (it is in guest_matrix)";
            }
            ApQueue q = host.bus().queue(apqn);
            if (q != null && !q.card().config()) {
                base += String.format("; but card %02x is configured off: the guest sees the queue deconfigured until the "
                        + "card is configured on (echo 1 > /sys/bus/ap/devices/card%02x/config)", apqn.apid(), apqn.apid());
            }
            return base;
        }
        String no = running ? "guest does not have it: " : "a guest would not get it: ";
        String own = ownReason(m, apqn, true);
        if (own != null) {
            return no + own;
        }
        // the APQN itself is fine: another queue of its adapter keeps the adapter out
        ApConfigInfo info = host.vfioAp().matrixDev().info();
        ApMask domains = m.matrix().aqm().and(info.aqm());
        for (int q2 : domains.ids()) {
            Apqn other = new Apqn(apqn.apid(), q2);
            String r = ownReason(m, other, false);
            if (r != null) {
                boolean missing = r.startsWith("there is no queue") || r.contains("bound to no driver")
                        || r.contains("bound to cex4queue");
                return no + String.format("adapter %02x is dropped whole because queue %s %s: the APCB cannot hold a "
                        + "partial adapter (%s)", apqn.apid(), other, missing ? "is missing" : "cannot be passed", r);
            }
        }
        return no + String.format("every queue of adapter %02x is usable now, but vfio_ap has not filtered the matrix "
                + "again since one was not (it does on the next assignment, queue probe or host configuration change; "
                + "an unassign does not)", apqn.apid());
    }

    /** The first reason that concerns this APQN alone, or null. */
    private String ownReason(MatrixMdev m, Apqn apqn, boolean withFix) {
        ApConfigInfo info = host.vfioAp().matrixDev().info();
        if (!info.hasAdapter(apqn.apid())) {
            return String.format("adapter %02x is not in the host's AP configuration (ap_adapter_mask): the LPAR does not "
                    + "have it; vfio_ap plugs it in when it arrives", apqn.apid());
        }
        if (!info.hasUsageDomain(apqn.apqi())) {
            return String.format("domain %04x is not in the host's AP configuration (ap_usage_domain_mask): the LPAR does "
                    + "not have it; vfio_ap plugs it in when it arrives", apqn.apqi());
        }
        ApQueue q = host.bus().queue(apqn);
        if (q == null) {
            return "there is no queue device " + apqn + " (its adapter and domain are in the configuration, but the AP "
                    + "bus has no queue for them)";
        }
        String drv = q.driver() == null ? null : q.driver().name();
        boolean hostOwns = host.bus().apmask().test(apqn.apid()) && host.bus().aqmask().test(apqn.apqi());
        if (drv == null) {
            String fix = hostOwns
                    ? "; apmask and aqmask give it to cex4queue, so it must first be freed for vfio_ap" + maskFix(apqn, withFix)
                    : "; echo " + apqn + " > /sys/bus/ap/drivers/vfio_ap/bind binds it";
            return "queue " + apqn + " is bound to no driver: it was unbound, or the AP bus has not probed it yet" + fix;
        }
        if (!drv.equals("vfio_ap")) {
            String why = hostOwns
                    ? String.format(" because adapter %02x is set in apmask and domain %04x is set in aqmask", apqn.apid(),
                            apqn.apqi())
                    : " although apmask/aqmask give it to vfio_ap (it was not re-probed)";
            return "queue " + apqn + " is bound to " + drv + " (the host's crypto driver)" + why + maskFix(apqn, withFix && hostOwns);
        }
        VfioApQueue vq = host.vfioAp().vfioQueue(apqn);
        Map<Apqn, VfioApQueue> links = m.qtable();
        if (vq == null || links.get(apqn) != vq) {
            return "queue " + apqn + " is bound to vfio_ap but not linked to this mdev (a host configuration change is "
                    + "still being processed)";
        }
        int rc = vq.resetRc();
        if (!passable(rc)) {
            return String.format("the last reset of queue %s ended with response code 0x%02x (%s): vfio_ap gives no guest a "
                    + "queue whose reset did not complete%s", apqn, rc, responseName(rc),
                    host.version().has(Commit.PASS_DECONFIGURED) ? ""
                            : " (this kernel passes only queues whose reset ended normally; 6.6 and later also pass "
                            + "deconfigured and checkstopped ones)");
        }
        return null;
    }

    /** _queue_passable: 6.6+ 0x00, 0x03, 0x04; earlier only 0x00. */
    private boolean passable(int rc) {
        if (host.version().has(Commit.PASS_DECONFIGURED)) {
            return rc == VfioApQueue.RC_NORMAL || rc == VfioApQueue.RC_DECONFIGURED || rc == VfioApQueue.RC_CHECKSTOPPED;
        }
        return rc == VfioApQueue.RC_NORMAL;
    }

    static String responseName(int rc) {
        return switch (rc) {
            case 0x00 -> "normal";
            case 0x01 -> "queue not available";
            case 0x02 -> "reset in progress";
            case 0x03 -> "deconfigured";
            case 0x04 -> "checkstopped";
            case 0x05 -> "busy";
            case 0x06 -> "invalid address";
            case 0x07 -> "out of range";
            case 0x0a -> "state change in progress";
            case 0x35 -> "asynchronous error";
            default -> "unexpected";
        };
    }

    /** The two mask writes that free an APQN, and what else each would move (run on copies). */
    private String maskFix(Apqn apqn, boolean withFix) {
        if (!withFix) {
            return "";
        }
        String a = String.format("echo -0x%x > /sys/bus/ap/apmask", apqn.apid());
        String d = String.format("echo -0x%x > /sys/bus/ap/aqmask", apqn.apqi());
        return "; either write frees it: '" + a + "'" + alsoMoves(a, apqn) + " or '" + d + "'" + alsoMoves(d, apqn);
    }

    private String alsoMoves(String command, Apqn apqn) {
        if (copies == null) {
            return "";
        }
        Session copy = copies.get();
        HostView before = HostView.of(copy.host());
        List<String> printed = copy.execute(command);
        if (!printed.isEmpty()) {
            return " (it would fail: " + String.join(" / ", printed) + ")";
        }
        HostView after = HostView.of(copy.host());
        List<String> moved = new ArrayList<>();
        for (Map.Entry<Apqn, String> e : after.drivers().entrySet()) {
            if (!e.getKey().equals(apqn) && !e.getValue().equals(before.drivers().get(e.getKey()))) {
                moved.add(e.getKey().toString());
            }
        }
        return moved.isEmpty() ? " (it moves no other queue)" : " (it also gives " + String.join(" ", moved) + " to vfio_ap)";
    }

    private String preDynamicLine(MatrixMdev m, Guest g, Apqn apqn) {
        ApQueue q = host.bus().queue(apqn);
        String drv = q == null ? null : q.driver() == null ? "no driver" : q.driver().name();
        String base = g != null ? "guest has it: Linux " + host.version().release()
                + " gives the guest the matrix as assigned, unfiltered"
                : "a guest would get it: Linux " + host.version().release() + " gives the guest the matrix as assigned, unfiltered";
        if (q == null) {
            return base + "; but there is no queue device " + apqn + ": the guest's requests to it fail";
        }
        if (!"vfio_ap".equals(drv)) {
            return base + "; but queue " + apqn + " is bound to " + drv + ", so the host may use it at the same time";
        }
        return base;
    }

    // ---------------------------------------------------------------- control domains

    private String cdomLine(MatrixMdev m, Guest g, int d) {
        if (!host.version().has(Commit.SHADOW_APCB)) {
            return g != null ? "guest has it (assigned; Linux " + host.version().release() + " does not filter)"
                    : "a guest would get it (assigned; not filtered)";
        }
        boolean inShadow = m.shadowApcb().adm().test(d);
        if (inShadow) {
            if (g != null) {
                return g.kvm().adm().test(d) ? "guest has it" : "in the shadow APCB but not in the guest's CRYCB (a model inconsistency)";
            }
            return "a guest would get it";
        }
        String no = g != null ? "guest does not have it: " : "a guest would not get it: ";
        if (!host.vfioAp().matrixDev().info().adm().test(d)) {
            return no + String.format("control domain %04x is not in the host's AP configuration (ap_control_domain_mask)", d);
        }
        return no + "vfio_ap has not filtered the control domains since it arrived";
    }

    // ---------------------------------------------------------------- one APQN

    /** Which mdev holds an APQN, what the guest makes of it, and the host side. */
    public List<String> apqn(Apqn apqn) {
        List<String> out = new ArrayList<>();
        List<MatrixMdev> holders = new ArrayList<>();
        for (MatrixMdev m : host.vfioAp().mdevs()) {
            if (m.matrix().apm().test(apqn.apid()) && m.matrix().aqm().test(apqn.apqi())) {
                holders.add(m);
            }
        }
        if (holders.isEmpty()) {
            out.add(apqn + ": no mdev has it assigned");
        }
        for (MatrixMdev m : holders) {
            Guest g = HostView.guestOf(host, m);
            out.add(apqn + ": assigned to mdev " + m.uuid() + (g == null ? " (no guest uses it)" : " (guest " + g.name() + ")")
                    + ": " + apqnLine(m, g, apqn));
        }
        ApQueue q = host.bus().queue(apqn);
        boolean hostOwns = host.bus().apmask().test(apqn.apid()) && host.bus().aqmask().test(apqn.apqi());
        String owner = hostOwns ? String.format("apmask and aqmask reserve it for the host drivers (adapter %02x and domain "
                + "%04x are set in both)", apqn.apid(), apqn.apqi())
                : String.format("apmask and aqmask leave it to vfio_ap (%s)",
                        !host.bus().apmask().test(apqn.apid()) ? String.format("adapter %02x is clear in apmask", apqn.apid())
                                : String.format("domain %04x is clear in aqmask", apqn.apqi()));
        if (q == null) {
            out.add("host: there is no queue device " + apqn + "; " + owner);
        } else {
            ApCard c = q.card();
            out.add("host: queue " + apqn + " is bound to " + (q.driver() == null ? "no driver" : q.driver().name()) + "; "
                    + owner + (c.config() ? "" : String.format("; card %02x is configured off", c.apid())));
        }
        return out;
    }
}
