package aplab.ap;

/**
 * An AP card device {@code cardXX} (drivers/s390/crypto/ap_card.c): its hardware type and whether
 * it is configured (the {@code config} attribute, SCLP configure/deconfigure).
 */
public final class ApCard {
    private final int apid;
    private final CardType type;
    private volatile boolean config = true;

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

    public String name() {
        return String.format("card%02x", apid);
    }
}
