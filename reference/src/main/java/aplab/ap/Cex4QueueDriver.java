package aplab.ap;

/**
 * The default driver for CEX4+ queues ({@code cex4queue}, drivers/s390/crypto/zcrypt_cex4.c): it
 * takes every queue that apmask and aqmask reserve for the host. The model needs only its
 * ownership; it keeps no state.
 */
public final class Cex4QueueDriver implements ApDriver {
    @Override
    public String name() {
        return "cex4queue";
    }

    @Override
    public boolean isDefault() {
        return true;
    }

    @Override
    public boolean matches(ApQueue queue) {
        return queue.card().type().hwtype() >= 10;
    }

    /** struct zcrypt_queue: the driver's private data for a queue, with its online flag. */
    public static final class ZcryptQueue {
        private volatile boolean online = true; // zcrypt_cex4_queue_probe: zq->online = 1

        public boolean online() {
            return online;
        }

        public void setOnline(boolean online) {
            this.online = online;
        }
    }

    @Override
    public void probe(ApQueue queue) {
        // zcrypt_cex4_queue_probe: a new zcrypt_queue, online; ap_queue_init_state
        queue.setDrvdata(new ZcryptQueue());
        queue.initState();
    }

    @Override
    public void remove(ApQueue queue) {
        // zcrypt_cex4_queue_remove
    }
}
