package aplab.host;

import aplab.ap.ApCard;
import aplab.ap.ApConfigInfo;
import aplab.ap.ApQueue;
import aplab.vfioap.ApMatrix;
import aplab.vfioap.MatrixMdev;
import aplab.vfioap.VfioApQueue;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The whole state of a modelled host as sorted text lines: QCI, masks, cards, queues and their
 * drivers and reset codes, every mdev's matrix, shadow, links and guest, every guest's CRYCB.
 * Two hosts in the same state give the same text, so "a failed write changed nothing" is a string
 * comparison, and an explorer can use it to deduplicate states. It reads through the model's
 * accessors (which take the locks the kernel's show functions take); call it when the host is
 * quiescent.
 */
public final class HostState {
    private HostState() {
    }

    public static String of(Host host) {
        List<String> out = new ArrayList<>();
        ApConfigInfo qci = host.bus().qci();
        out.add("qci apm=" + qci.apm().toHex() + " aqm=" + qci.aqm().toHex() + " adm=" + qci.adm().toHex()
                + " apxa=" + qci.apxa() + " na=" + qci.na() + " nd=" + qci.nd());
        ApConfigInfo info = host.vfioAp().matrixDev().info();
        out.add("vfio_ap info apm=" + info.apm().toHex() + " aqm=" + info.aqm().toHex() + " adm=" + info.adm().toHex());
        out.add("apmask=" + host.bus().apmask().toHex());
        out.add("aqmask=" + host.bus().aqmask().toHex());
        for (ApCard c : host.bus().cards().values()) {
            out.add("card " + c.name() + " type=" + c.type() + " config=" + c.config());
        }
        for (ApQueue q : host.bus().queues().values()) {
            StringBuilder b = new StringBuilder("queue " + q.name() + " driver=" + (q.driver() == null ? "none" : q.driver().name()));
            if (q.drvdata() instanceof VfioApQueue vq) {
                b.append(String.format(" reset_rc=0x%02x resets=%d link=%s", vq.resetRc(), vq.resets(),
                        vq.matrixMdev() == null ? "none" : vq.matrixMdev().uuid()));
            }
            out.add(b.toString());
        }
        List<MatrixMdev> mdevs = new ArrayList<>(host.vfioAp().mdevs());
        mdevs.sort(Comparator.comparing(MatrixMdev::uuid));
        for (MatrixMdev m : mdevs) {
            ApMatrix mx = m.matrix();
            ApMatrix sh = m.shadowApcb();
            out.add("mdev " + m.uuid() + " matrix apm=" + mx.apm().toIdList(2) + " aqm=" + mx.aqm().toIdList(4)
                    + " adm=" + mx.adm().toIdList(4) + " max=" + mx.apmMax() + "/" + mx.aqmMax() + "/" + mx.admMax());
            out.add("mdev " + m.uuid() + " shadow apm=" + sh.apm().toIdList(2) + " aqm=" + sh.aqm().toIdList(4)
                    + " adm=" + sh.adm().toIdList(4));
            out.add("mdev " + m.uuid() + " kvm=" + (m.kvm() == null ? "none" : m.kvm().name())
                    + " links=" + m.qtable().keySet().stream().sorted().map(Object::toString).toList());
        }
        out.add("available_instances=" + host.vfioAp().availableInstancesShow().strip());
        for (Guest g : host.guests()) {
            out.add("guest " + g.name() + " running=" + host.running(g.name()) + " " + String.join(" ", g.kvm().show()));
        }
        return String.join("\n", out) + "\n";
    }
}
