package aplab.ap;

import aplab.lockdep.TrackedLock;

/**
 * An AP queue device {@code XX.YYYY} (drivers/s390/crypto/ap_queue.c): which driver it is bound to
 * (none, the default {@code cex4queue} or {@code vfio_ap}), the driver's private data, and its
 * device lock ({@code device_lock(dev)}, held by the driver core around probe and remove).
 */
public final class ApQueue {
    private final Apqn apqn;
    private final ApCard card;
    private final TrackedLock deviceLock;
    private volatile ApDriver driver;
    private volatile Object drvdata;
    /** Its place in the bus's device list (registration order, for bus_for_each_dev). */
    volatile long registration;
    /**
     * aq->dev_state above AP_DEV_STATE_UNINITIATED: set when ap_scan_domains creates the queue on a
     * configured card and by ap_queue_init_state (zcrypt's probe); cleared by ap_queue_remove when a
     * driver lets the queue go. The counters show {@code -} (request_count) while it is clear.
     */
    private volatile boolean initiated;

    ApQueue(Apqn apqn, ApCard card, TrackedLock deviceLock) {
        this.apqn = apqn;
        this.card = card;
        this.deviceLock = deviceLock;
        this.initiated = card.config();
    }

    public boolean initiated() {
        return initiated;
    }

    /** ap_queue_init_state (true) or ap_queue_remove (false). */
    public void setInitiated(boolean initiated) {
        this.initiated = initiated;
    }

    public Apqn apqn() {
        return apqn;
    }

    public ApCard card() {
        return card;
    }

    /** The queue is usable only while its card is configured. */
    public boolean config() {
        return card.config();
    }

    public ApDriver driver() {
        return driver;
    }

    void setDriver(ApDriver driver) {
        this.driver = driver;
    }

    /** dev_get_drvdata */
    public Object drvdata() {
        return drvdata;
    }

    /** dev_set_drvdata */
    public void setDrvdata(Object drvdata) {
        this.drvdata = drvdata;
    }

    public TrackedLock deviceLock() {
        return deviceLock;
    }

    public String name() {
        return apqn.toString();
    }
}
