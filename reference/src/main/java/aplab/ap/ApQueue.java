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
     * aq->config: what the bus's scan last learned from TAPQ (decfg). ap_scan_domains sets it when
     * it creates the queue and changes it only at a later scan ("config state change"); a card's
     * {@code config} store (ap_card.c config_store) sets ac->config alone, so the queue's
     * {@code config} and {@code online} keep the old value until the next scan (periodic, every
     * config_time seconds, or forced: {@code echo 1 > /sys/bus/ap/scans}; the model has no clock
     * and scans only when forced or when the AP configuration changes).
     */
    private volatile boolean config;
    /**
     * aq->dev_state: UNINITIATED (kzalloc, and again after ap_queue_remove), OPERATING (set by
     * ap_queue_init_state: the bus's scan on a configured adapter, zcrypt's probe) or ERROR (a
     * failed RAPQ, or the scan seeing the adapter deconfigured). The counters show {@code -}
     * (request_count) while it is UNINITIATED.
     */
    private volatile DevState devState = DevState.UNINITIATED;
    /**
     * aq->sm_state is still AP_SM_STATE_RESET_START (0, as kzalloc leaves it): no reset has
     * completed since the queue was made or since a {@code reset} store. The state machine
     * (ap_sm_event) runs only on an initiated queue whose aq->config is set; its RAPQ completes
     * only on a configured adapter (a deconfigured one answers 0x03 and the queue goes to ERROR,
     * still in RESET_START). A quiet queue (no requests: the model has none) is not polled again
     * until something calls ap_sm_event.
     */
    private volatile boolean resetStart = true;
    /**
     * The IR bit TAPQ reports: set when the state machine's reset completes (ap_sm_reset_wait
     * enables interrupts, ap_interrupts being 1); cleared by ap_queue_remove's ZAPQ and by the
     * SCLP deconfiguring the adapter, which resets its queues.
     */
    private volatile boolean irq;

    /** aq->dev_state (ap_bus.h enum ap_dev_state; SHUTDOWN is never seen at a quiet moment). */
    public enum DevState { UNINITIATED, OPERATING, ERROR }

    ApQueue(Apqn apqn, ApCard card, TrackedLock deviceLock) {
        this.apqn = apqn;
        this.card = card;
        this.deviceLock = deviceLock;
    }

    /**
     * ap_scan_domains on a new APQN: ap_queue_create (kzalloc: UNINITIATED, RESET_START), aq->config
     * from TAPQ, then, on a configured adapter, ap_queue_init_state ("nudge the state machine").
     */
    static ApQueue create(Apqn apqn, ApCard card, TrackedLock deviceLock) {
        ApQueue q = new ApQueue(apqn, card, deviceLock);
        q.config = card.config();
        if (q.config && !card.chkstop()) {
            q.initState();
        }
        return q;
    }

    /** aq->dev_state above AP_DEV_STATE_UNINITIATED. */
    public boolean initiated() {
        return devState != DevState.UNINITIATED;
    }

    public DevState devState() {
        return devState;
    }

    /**
     * ap_queue_init_state (6.12's _ap_queue_init_state under aq->lock): dev_state OPERATING,
     * sm_state RESET_START, then ap_sm_event(POLL). zcrypt's probe (zcrypt_cex4_queue_probe) and the
     * bus's scan call it.
     */
    public void initState() {
        devState = DevState.OPERATING;
        resetStart = true;
        smEvent();
    }

    /**
     * ap_queue_remove, when a driver lets the queue go (ap_device_remove): ZAPQ, which also
     * clears the interrupt registration, and dev_state back to UNINITIATED; sm_state is left as
     * it is.
     */
    public void remove() {
        irq = false;
        devState = DevState.UNINITIATED;
    }

    /**
     * ap_sm_event(POLL) at a quiet moment: nothing unless aq->config, no check-stop and dev_state
     * above UNINITIATED; then a pending reset is carried out (ap_sm_reset's RAPQ, ap_sm_reset_wait,
     * interrupts on), or, on a deconfigured adapter, RAPQ answers 0x03 and dev_state goes to
     * ERROR with sm_state left at RESET_START.
     */
    private void smEvent() {
        if (!config || card.chkstop() || devState == DevState.UNINITIATED || !resetStart) {
            return;
        }
        if (card.config()) {
            resetStart = false;
            irq = true;
        } else {
            devState = DevState.ERROR;
        }
    }

    /**
     * ap_queue.c reset_store: any bytes, accepted whole; the pending requests are flushed,
     * sm_state goes to RESET_START and the state machine is polled.
     */
    public void resetStore() {
        resetStart = true;
        smEvent();
    }

    /**
     * reset_show at a quiet moment: "Reset in progress." in RESET_START, else "No Reset Timer
     * set." (IDLE; "Reset Timer armed." needs requests, which the model has none of).
     */
    public String resetShow() {
        return resetStart ? "Reset in progress.\n" : "No Reset Timer set.\n";
    }

    /** sm_state is RESET_START. */
    public boolean resetInProgress() {
        return resetStart;
    }

    /** TAPQ's IR bit. */
    public boolean interruptsEnabled() {
        return irq;
    }

    /**
     * interrupt_show as 6.12's ap_queue.c has it: TAPQ's IR bit. (6.1 prints its software flag
     * aq->interrupt instead, which stays set on a queue that is deconfigured or check-stopped
     * later; the model prints the TAPQ answer on every kernel.)
     */
    public String interruptShow() {
        return irq ? "Interrupts enabled.\n" : "Interrupts disabled.\n";
    }

    /**
     * The SCLP deconfigured the adapter (its card's config store): the firmware resets the
     * adapter's queues, so TAPQ's IR bit is off; the kernel's view of the queue (aq->config,
     * dev_state, sm_state) is untouched until its next scan.
     */
    void adapterDeconfigured() {
        irq = false;
    }

    /**
     * ap_scan_domains on an existing queue, its adapter configured or not (TAPQ's decfg): the
     * "config state change" step. Off: aq->config cleared and an initiated queue goes to ERROR.
     * On: aq->config set and an initiated queue re-initialised (_ap_queue_init_state, which polls
     * the state machine: its reset completes). No change, an ERROR queue on a configured adapter:
     * ap_queue_init_state ("queue dev reinit enforced"). (6.1.192's config-on step sets OPERATING
     * and RESET_START without polling, so there the reset stays in progress until the queue is
     * next polled; the model does what 6.12.118 does on every kernel.)
     */
    void scanConfigState() {
        boolean decfg = !card.config();
        if (decfg && config) {
            config = false;
            if (initiated()) {
                devState = DevState.ERROR;
            }
        } else if (!decfg && !config) {
            config = true;
            if (initiated()) {
                initState();
            }
        } else if (!decfg && devState == DevState.ERROR) {
            initState();
        }
    }

    /** For a copied bus: the state as it is, without running anything. */
    void copyStateFrom(ApQueue q) {
        this.config = q.config;
        this.devState = q.devState;
        this.resetStart = q.resetStart;
        this.irq = q.irq;
    }

    /** A number for the whole state above (for the explorer's fingerprint). */
    public int stateBits() {
        return (config ? 1 : 0) | (resetStart ? 2 : 0) | (irq ? 4 : 0) | (devState.ordinal() << 3);
    }

    public Apqn apqn() {
        return apqn;
    }

    public ApCard card() {
        return card;
    }

    /** aq->config (the queue's {@code config} attribute): see the field. */
    public boolean config() {
        return config;
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
