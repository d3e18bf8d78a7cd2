package aplab.explain;

import aplab.ap.ApQueue;
import aplab.ap.Apqn;
import aplab.host.Guest;
import aplab.host.Host;
import aplab.kvm.Kvm;
import aplab.sysfs.Sysfs;
import aplab.sysfs.SysfsException;
import aplab.vfioap.MatrixMdev;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What an admin can see of a host, as plain values: each queue's driver, each card's
 * {@code config}, each mdev's sysfs lines, each running guest's CRYCB and the APQNs it gives the
 * guest. Two views compared say what a command changed.
 */
record HostView(Map<Apqn, String> drivers, Map<String, List<String>> matrix, Map<String, List<String>> guestMatrix,
        Map<String, List<String>> controlDomains, Map<String, List<String>> crycb, String apmask, String aqmask,
        Map<Integer, Boolean> cardConfig, Map<String, List<Apqn>> guestApqns) {

    static HostView of(Host host) {
        Sysfs sysfs = new Sysfs(host);
        Map<Apqn, String> drivers = new TreeMap<>();
        for (ApQueue q : host.bus().queues().values()) {
            drivers.put(q.apqn(), q.driver() == null ? "no driver" : q.driver().name());
        }
        Map<String, List<String>> matrix = new TreeMap<>();
        Map<String, List<String>> gm = new TreeMap<>();
        Map<String, List<String>> cd = new TreeMap<>();
        for (MatrixMdev m : host.vfioAp().mdevs()) {
            String d = "/sys/devices/vfio_ap/matrix/" + m.uuid();
            matrix.put(m.uuid(), lines(sysfs, d + "/matrix"));
            cd.put(m.uuid(), lines(sysfs, d + "/control_domains"));
            if (sysfs.exists(d + "/guest_matrix")) {
                gm.put(m.uuid(), lines(sysfs, d + "/guest_matrix"));
            }
        }
        Map<String, List<String>> crycb = new LinkedHashMap<>();
        Map<String, List<Apqn>> apqns = new LinkedHashMap<>();
        for (Guest g : host.guests()) {
            if (host.running(g.name())) {
                crycb.put(g.name(), g.kvm().show());
                List<Apqn> qs = new ArrayList<>();
                aplab.ap.ApMask aqm = g.kvm().aqm();
                g.kvm().apm().forEach(a -> aqm.forEach(q -> qs.add(new Apqn(a, q))));
                apqns.put(g.name(), qs);
            }
        }
        Map<Integer, Boolean> cards = new TreeMap<>();
        host.bus().cards().forEach((id, c) -> cards.put(id, c.config()));
        return new HostView(drivers, matrix, gm, cd, crycb, host.bus().apmask().toHex(), host.bus().aqmask().toHex(),
                cards, apqns);
    }

    static List<String> lines(Sysfs sysfs, String path) {
        List<String> out = new ArrayList<>();
        try {
            for (String l : sysfs.read(path).split("\n")) {
                if (!l.isEmpty()) {
                    out.add(l);
                }
            }
        } catch (SysfsException e) {
            // absent: nothing
        }
        return out;
    }

    /** The running guest that has this mdev open, or null. */
    static Guest guestOf(Host host, MatrixMdev m) {
        Kvm kvm = m.kvm();
        if (kvm == null) {
            return null;
        }
        for (Guest g : host.guests()) {
            if (g.kvm() == kvm && host.running(g.name())) {
                return g;
            }
        }
        return null;
    }
}
