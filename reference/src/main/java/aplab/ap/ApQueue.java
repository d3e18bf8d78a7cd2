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
    /**
     * aq->sm_state is still AP_SM_STATE_RESET_START: the state machine has not run since the
     * queue was made (kzalloc: state 0) or since a {@code reset} store, because ap_sm_event runs
     * it only on a configured, initiated queue. Cleared whenever it runs (to IDLE at a quiet
     * moment: no requests).
     */
    private volatile boolean resetPending;

    ApQueue(Apqn apqn, ApCard card, TrackedLock deviceLock) {
        this.apqn = apqn;
        this.card = card;
        this.deviceLock = deviceLock;
        // ap_scan_domains: ap_queue_create (sm_state 0), then ap_queue_init_state on a configured card
        this.resetPending = !card.config();
        this.initiated = card.config();
    }

    public boolean initiated() {
        return initiated;
    }

    /** ap_queue_init_state (true) or ap_queue_remove (false). */
    public void setInitiated(boolean initiated) {
        if (initiated) {
            resetPending = !runsStateMachine(); // _ap_queue_init_state: RESET_START, then ap_sm_event
        } else if (runsStateMachine()) {
            resetPending = false; // the machine had run to IDLE; ap_queue_remove leaves sm_state so
        }
        this.initiated = initiated;
    }

    /** ap_sm_event's condition: aq->config, no check-stop, dev_state above UNINITIATED. */
    private boolean runsStateMachine() {
        return initiated && config() && !card.chkstop();
    }

    /**
     * ap_queue.c reset_store: any bytes, accepted whole; the pending requests are flushed,
     * sm_state goes to RESET_START and the state machine is polled, which (on a configured,
     * initiated queue) resets it with RAPQ and enables its interrupts again.
     */
    public void resetStore() {
        resetPending = !runsStateMachine();
    }

    /**
     * reset_show at a quiet moment: "Reset in progress." while sm_state is RESET_START (the
     * machine does not run for this queue: it is not initiated, or it is deconfigured), else
     * "No Reset Timer set." (IDLE; "Reset Timer armed." needs requests, which the model has none of).
     */
    public String resetShow() {
        return resetPending && !runsStateMachine() ? "Reset in progress.\n" : "No Reset Timer set.\n";
    }

    /**
     * interrupt_show as 6.12's ap_queue.c has it: TAPQ's IR bit. The state machine enables
     * interrupts after every reset it runs (ap_sm_reset_wait, ap_interrupts being 1), and
     * ap_queue_remove's ZAPQ clears them, so they are on exactly when the machine runs for the
     * queue. (6.1 prints its software flag aq->interrupt instead, which stays set on a queue that is
     * deconfigured or check-stopped later; the model prints the TAPQ answer on every kernel.)
     */
    public String interruptShow() {
        return runsStateMachine() ? "Interrupts enabled.\n" : "Interrupts disabled.\n";
    }

    /** For a copied bus: the state as it is, without running anything. */
    void copyStateFrom(ApQueue q) {
        this.initiated = q.initiated;
        this.resetPending = q.resetPending;
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
