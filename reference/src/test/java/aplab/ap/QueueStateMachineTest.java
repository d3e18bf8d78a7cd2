package aplab.ap;

import static org.assertj.core.api.Assertions.assertThat;

import aplab.Fixture;
import aplab.kernel.Errno;
import aplab.sysfs.Sysfs;
import org.junit.jupiter.api.Test;

/**
 * A queue's {@code reset} and {@code interrupt} (ap_queue.c reset_show/reset_store,
 * interrupt_show, config_show) and a card's {@code max_msg_size}: the state machine runs only for
 * an initiated queue whose aq->config is set (ap_sm_event), a reset it cannot run or that fails
 * stays {@code RESET_START}, ap_queue_remove's ZAPQ and the SCLP's deconfigure turn interrupts off,
 * and aq->config follows the card's config store at the bus's next scan (ap_scan_domains).
 */
class QueueStateMachineTest {
    private static final String Q = "/sys/bus/ap/devices/05.0004/";
    private static final String IDLE = "No Reset Timer set.\n";
    private static final String PENDING = "Reset in progress.\n";
    private static final String ON = "Interrupts enabled.\n";
    private static final String OFF = "Interrupts disabled.\n";

    @Test
    void aQueueZcryptHasIsResetAndTakesInterrupts() {
        Fixture f = new Fixture().host(ApMask.of(5), ApMask.of(4));
        assertThat(f.cat(Q + "reset")).isEqualTo(IDLE);
        assertThat(f.cat(Q + "interrupt")).isEqualTo(ON);
        // reset_store takes any bytes, whole
        assertThat(f.write(Q + "reset", "anything at all")).isNull();
        assertThat(f.cat(Q + "reset")).isEqualTo(IDLE);
        assertThat(f.cat(Q + "interrupt")).isEqualTo(ON);
        assertThat(f.cat("/sys/devices/ap/card05/max_msg_size")).isEqualTo("12288\n");
        // interrupt is read-only
        assertThat(f.echo(Q + "interrupt", "1")).isEqualTo(Errno.EACCES);
    }

    @Test
    void aResetOnADeconfiguredAdapterFailsAndStaysInProgressUntilAScanReinitialisesTheQueue() {
        Fixture f = new Fixture().host(ApMask.of(5), ApMask.of(4));
        f.ok("/sys/devices/ap/card05/config", "0");
        assertThat(f.cat(Q + "config")).isEqualTo("1\n"); // aq->config: the bus has not scanned
        assertThat(f.cat(Q + "interrupt")).isEqualTo(OFF); // the SCLP reset the adapter's queues
        assertThat(f.cat(Q + "reset")).isEqualTo(IDLE);
        f.ok(Q + "reset", "1"); // the machine runs (aq->config) and RAPQ answers 0x03: ERROR
        assertThat(f.cat(Q + "reset")).isEqualTo(PENDING);
        assertThat(f.host.bus().queue(new Apqn(5, 4)).devState()).isEqualTo(ApQueue.DevState.ERROR);
        f.ok("/sys/devices/ap/card05/config", "1");
        assertThat(f.cat(Q + "reset")).isEqualTo(PENDING); // nothing polls a quiet queue
        assertThat(f.cat(Q + "interrupt")).isEqualTo(OFF);
        f.ok("/sys/bus/ap/scans", "1"); // an ERROR queue on a configured adapter: reinit enforced
        assertThat(f.cat(Q + "reset")).isEqualTo(IDLE);
        assertThat(f.cat(Q + "interrupt")).isEqualTo(ON);
        assertThat(f.host.bus().queue(new Apqn(5, 4)).devState()).isEqualTo(ApQueue.DevState.OPERATING);
    }

    @Test
    void aQueuesConfigAndOnlineFollowItsCardAtTheNextScan() {
        Fixture f = new Fixture().host(ApMask.of(5), ApMask.of(4));
        f.ok("/sys/devices/ap/card05/config", "0");
        assertThat(f.cat("/sys/devices/ap/card05/online")).isEqualTo("0\n");
        assertThat(f.cat(Q + "online")).isEqualTo("1\n");
        assertThat(f.echo(Q + "online", "1")).isEqualTo(Errno.ENODEV); // aq->card->config
        f.ok("/sys/bus/ap/scans", "1");
        assertThat(f.cat(Q + "config")).isEqualTo("0\n");
        assertThat(f.cat(Q + "online")).isEqualTo("0\n");
        f.ok(Q + "reset", "1"); // aq->config is clear: the machine does not run
        assertThat(f.cat(Q + "reset")).isEqualTo(PENDING);
        f.ok("/sys/devices/ap/card05/config", "1");
        assertThat(f.cat(Q + "config")).isEqualTo("0\n");
        assertThat(f.cat(Q + "online")).isEqualTo("0\n");
        assertThat(f.echo(Q + "online", "1")).isEqualTo(Errno.ENODEV); // !aq->config
        assertThat(f.cat(Q + "reset")).isEqualTo(PENDING);
        f.ok("/sys/bus/ap/scans", "1"); // config on: _ap_queue_init_state runs the reset
        assertThat(f.cat(Q + "config")).isEqualTo("1\n");
        assertThat(f.cat(Q + "online")).isEqualTo("1\n");
        assertThat(f.cat(Q + "reset")).isEqualTo(IDLE);
        assertThat(f.cat(Q + "interrupt")).isEqualTo(ON);
    }

    @Test
    void aCardConfiguredOffAndOnBetweenTwoScansLeavesItsQueuesWithInterruptsOff() {
        Fixture f = new Fixture().host(ApMask.of(5), ApMask.of(4));
        f.ok("/sys/devices/ap/card05/config", "0");
        f.ok("/sys/devices/ap/card05/config", "1");
        f.ok("/sys/bus/ap/scans", "1"); // aq->config was never cleared: no config state change
        assertThat(f.cat(Q + "config")).isEqualTo("1\n");
        assertThat(f.cat(Q + "reset")).isEqualTo(IDLE);
        assertThat(f.cat(Q + "interrupt")).isEqualTo(OFF);
        f.ok(Q + "reset", "1");
        assertThat(f.cat(Q + "interrupt")).isEqualTo(ON);
    }

    @Test
    void aQueueVfioApTookIsNotInitiatedSoAResetIsNeverCarriedOut() {
        Fixture f = new Fixture().host(ApMask.of(5), ApMask.of(4));
        f.ok("/sys/bus/ap/apmask", "-5");
        assertThat(f.driverOf("05.0004")).isEqualTo("vfio_ap");
        assertThat(f.cat(Q + "interrupt")).isEqualTo(OFF);
        assertThat(f.cat(Q + "reset")).isEqualTo(IDLE);
        f.ok(Q + "reset", "1");
        assertThat(f.cat(Q + "reset")).isEqualTo(PENDING);
        // back to zcrypt: its probe (ap_queue_init_state) runs the machine
        f.ok("/sys/bus/ap/apmask", "+5");
        assertThat(f.driverOf("05.0004")).isEqualTo("cex4queue");
        assertThat(f.cat(Q + "reset")).isEqualTo(IDLE);
        assertThat(f.cat(Q + "interrupt")).isEqualTo(ON);
    }

    @Test
    void aQueueMadeOnADeconfiguredCardStartsInResetStartAndACopyKeepsThat() {
        Fixture f = new Fixture().host(ApMask.of(5), ApMask.of(4));
        f.ok("/sys/devices/ap/card05/config", "0");
        f.host(ApMask.of(5), ApMask.of(4, 7)); // the domain arrives while adapter 05 is deconfigured
        String q7 = "/sys/bus/ap/devices/05.0007/";
        assertThat(f.driverOf("05.0007")).isEqualTo("cex4queue");
        assertThat(f.cat(q7 + "reset")).isEqualTo(PENDING); // kzalloc: sm_state 0, RESET_START
        assertThat(f.cat(q7 + "interrupt")).isEqualTo(OFF);
        Sysfs copy = new Sysfs(f.host.copy());
        assertThat(copy.read(q7 + "reset")).isEqualTo(PENDING);
        f.ok("/sys/devices/ap/card05/config", "1");
        assertThat(f.cat(q7 + "reset")).isEqualTo(PENDING); // aq->config is still clear
        f.ok("/sys/bus/ap/scans", "1");
        assertThat(f.cat(q7 + "reset")).isEqualTo(IDLE);
        assertThat(copy.read(q7 + "reset")).isEqualTo(PENDING);
    }
}
