package aplab.ap;

/**
 * The host's AP configuration as the QCI instruction reports it ({@code struct ap_config_info}):
 * adapters (apm), usage domains (aqm), control domains (adm), the APXA flag and the highest
 * adapter and domain numbers Na and Nd. Immutable: a configuration change is a new instance.
 */
public record ApConfigInfo(ApMask apm, ApMask aqm, ApMask adm, boolean apxa, int na, int nd, boolean apsb) {
    public ApConfigInfo {
        apm = apm.copy();
        aqm = aqm.copy();
        adm = adm.copy();
    }

    /** A configuration without the AP Secure Bind facility (APSB, the QCI flag for SE guests). */
    public ApConfigInfo(ApMask apm, ApMask aqm, ApMask adm, boolean apxa, int na, int nd) {
        this(apm, aqm, adm, apxa, na, nd, false);
    }

    /**
     * The bus's {@code features} line (features_show): the QCI facility flags the model's hosts
     * have, APSC, APXA (when set), QACT, RC8A, APSB (when set), in that order.
     */
    public String features() {
        return "APSC " + (apxa ? "APXA " : "") + "QACT RC8A" + (apsb ? " APSB" : "");
    }

    /** The configuration before {@code aplab host}: nothing configured, APXA on, Na = Nd = 255. */
    public static ApConfigInfo empty() {
        return new ApConfigInfo(new ApMask(), new ApMask(), new ApMask(), true, 255, 255);
    }

    @Override
    public ApMask apm() {
        return apm.copy();
    }

    @Override
    public ApMask aqm() {
        return aqm.copy();
    }

    @Override
    public ApMask adm() {
        return adm.copy();
    }

    /** Word {@code i} of apm, without a copy (for word-at-a-time filtering). */
    public long apmWord(int i) {
        return apm.word(i);
    }

    /** Word {@code i} of aqm, without a copy. */
    public long aqmWord(int i) {
        return aqm.word(i);
    }

    /** vfio_ap_matrix_init: apm_max = apxa ? Na : 63. */
    public int apmMax() {
        return apxa ? na : 63;
    }

    /** vfio_ap_matrix_init: aqm_max = apxa ? Nd : 15. */
    public int aqmMax() {
        return apxa ? nd : 15;
    }

    /** vfio_ap_matrix_init: adm_max = apxa ? Nd : 15. */
    public int admMax() {
        return apxa ? nd : 15;
    }

    /** ap_bus.c ap_max_adapter_id: Na only with APXA and a non-zero Na, else 63. */
    public int busMaxAdapterId() {
        return apxa && na != 0 ? na : 63;
    }

    /** ap_bus.c ap_max_domain_id: Nd only with APXA and a non-zero Nd, else 15. */
    public int busMaxDomainId() {
        return apxa && nd != 0 ? nd : 15;
    }

    public boolean hasAdapter(int apid) {
        return apm.test(apid);
    }

    public boolean hasUsageDomain(int apqi) {
        return aqm.test(apqi);
    }
}
