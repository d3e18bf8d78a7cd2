package aplab.ap;

/**
 * An AP card device {@code cardXX} (drivers/s390/crypto/ap_card.c): its hardware type and whether
 * it is configured (the {@code config} attribute, SCLP configure/deconfigure).
 */
public final class ApCard {
    private final int apid;
    private final CardType type;
    private volatile boolean config = true;
    /** zcrypt_card's online flag (cex4card sets it at probe; {@code chzcrypt -e/-d} writes it). */
    private volatile boolean online = true;

    ApCard(int apid, CardType type) {
        this.apid = apid;
        this.type = type;
    }

    public int apid() {
        return apid;
    }

    public CardType type() {
        return type;
    }

    public boolean config() {
        return config;
    }

    void setConfig(boolean config) {
        this.config = config;
    }

    /** zc->online: what {@code online} shows while the card is configured and not check-stopped. */
    public boolean zcryptOnline() {
        return online;
    }

    /** Sets zc->online (zcrypt_card.c online_store). */
    public void setZcryptOnline(boolean online) {
        this.online = online;
    }

    /** ac->chkstop: the model's cards never check-stop. */
    public boolean chkstop() {
        return false;
    }

    public String name() {
        return String.format("card%02x", apid);
    }
}
