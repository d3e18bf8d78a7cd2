package aplab.vfioap;

import aplab.ap.ApConfigInfo;
import aplab.ap.ApMask;

/**
 * {@code struct ap_matrix} (vfio_ap_private.h): adapters, usage domains and control domains, with
 * the highest ids the host allows. Used for the mdev's {@code matrix} (what the admin assigned) and
 * its {@code shadow_apcb} (what the guest may have). Guarded by {@code mdevs_lock}.
 */
public final class ApMatrix {
    final ApMask apm = new ApMask();
    final ApMask aqm = new ApMask();
    final ApMask adm = new ApMask();
    int apmMax;
    int aqmMax;
    int admMax;

    /** vfio_ap_matrix_init: the limits from the host's QCI. */
    void init(ApConfigInfo info) {
        apmMax = info.apmMax();
        aqmMax = info.aqmMax();
        admMax = info.admMax();
    }

    /** vfio_ap_matrix_copy (masks only). */
    void copyMasksFrom(ApMatrix o) {
        apm.assign(o.apm);
        aqm.assign(o.aqm);
        adm.assign(o.adm);
    }

    /** Masks and limits from {@code o}. */
    void copyFrom(ApMatrix o) {
        copyMasksFrom(o);
        apmMax = o.apmMax;
        aqmMax = o.aqmMax;
        admMax = o.admMax;
    }

    ApMatrix snapshot() {
        ApMatrix m = new ApMatrix();
        m.copyMasksFrom(this);
        m.apmMax = apmMax;
        m.aqmMax = aqmMax;
        m.admMax = admMax;
        return m;
    }

    public ApMask apm() {
        return apm.copy();
    }

    public ApMask aqm() {
        return aqm.copy();
    }

    public ApMask adm() {
        return adm.copy();
    }

    public int apmMax() {
        return apmMax;
    }

    public int aqmMax() {
        return aqmMax;
    }

    public int admMax() {
        return admMax;
    }

    /**
     * vfio_ap_mdev_matrix_show's format: with adapters and domains one {@code %02x.%04x} line per
     * APQN (adapters outer, ascending); adapters only {@code %02x.}; domains only {@code .%04x};
     * nothing: empty. Ids above the limits are not shown.
     */
    String show() {
        StringBuilder b = new StringBuilder();
        ApMask a = apm.limit(apmMax);
        ApMask q = aqm.limit(aqmMax);
        if (!a.isEmpty() && !q.isEmpty()) {
            a.forEach(apid -> q.forEach(apqi -> b.append(String.format("%02x.%04x%n", apid, apqi))));
        } else if (!a.isEmpty()) {
            a.forEach(apid -> b.append(String.format("%02x.%n", apid)));
        } else if (!q.isEmpty()) {
            q.forEach(apqi -> b.append(String.format(".%04x%n", apqi)));
        }
        return b.toString();
    }

    /** control_domains_show: one {@code %04x} line per control domain. */
    String showControlDomains() {
        StringBuilder b = new StringBuilder();
        adm.limit(admMax).forEach(id -> b.append(String.format("%04x%n", id)));
        return b.toString();
    }

    /** ap_config_show: {@code 0x<apm>,0x<aqm>,0x<adm>}. */
    String showApConfig() {
        return apm.toHex() + "," + aqm.toHex() + "," + adm.toHex() + "\n";
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ApMatrix m && apm.equals(m.apm) && aqm.equals(m.aqm) && adm.equals(m.adm);
    }

    @Override
    public int hashCode() {
        return apm.hashCode() * 31 * 31 + aqm.hashCode() * 31 + adm.hashCode();
    }
}
