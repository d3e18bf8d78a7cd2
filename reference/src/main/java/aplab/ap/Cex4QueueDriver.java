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

    @Override
    public void probe(ApQueue queue) {
        // zcrypt_cex4_queue_probe: the queue joins zcrypt; nothing the model needs to see
    }

    @Override
    public void remove(ApQueue queue) {
        // zcrypt_cex4_queue_remove
    }
}
