package aplab.ap;

import static aplab.Fixture.APMASK;
import static aplab.Fixture.AQMASK;
import static aplab.Fixture.CEX4_BIND;
import static aplab.Fixture.CEX4_UNBIND;
import static aplab.Fixture.U1;
import static aplab.Fixture.U2;
import static aplab.Fixture.VFIO_BIND;
import static aplab.Fixture.VFIO_UNBIND;
import static aplab.Fixture.mdev;
import static org.assertj.core.api.Assertions.assertThat;

import aplab.Fixture;
import aplab.kernel.Errno;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The AP bus (ap_bus.c): devices from the QCI, apmask/aqmask ownership, the in_use veto, bind and
 * unbind through the driver core.
 */
class ApBusTest {
    private static final List<String> QUEUES = List.of("05.0004", "05.0047", "06.0004", "06.0047");

    private static Fixture booted() {
        return new Fixture().host(ApMask.of(5, 6), ApMask.of(4, 0x47));
    }

    @Test
    void atBootEveryQueueBelongsToTheDefaultDriver() {
        Fixture f = booted();
        // apmask and aqmask are all ones at boot: every APQN is reserved for cex4queue
        assertThat(f.cat(APMASK)).isEqualTo(Fixture.ALL_ONES + "\n");
        assertThat(f.cat(AQMASK)).isEqualTo(Fixture.ALL_ONES + "\n");
        for (String q : QUEUES) {
            assertThat(f.driverOf(q)).as(q).isEqualTo("cex4queue");
        }
        // a card per configured adapter, a queue per adapter x usage domain, nothing else
        assertThat(f.sysfs.list("/sys/bus/ap/devices")).containsExactly("05.0004", "05.0047", "06.0004", "06.0047",
                "card05", "card06");
        assertThat(f.sysfs.list("/sys/bus/ap/devices/card05")).contains("05.0004", "05.0047")
                .doesNotContain("06.0004");
    }

    @Test
    void clearingApmaskBitsHandsTheQueuesToVfioAp() {
        Fixture f = booted();
        f.ok(APMASK, "-5,-6");
        // ids 5 and 6 are bits 2 and 1 of the second hex digit: 0xf9ff...ff (MSB-first)
        assertThat(f.cat(APMASK)).isEqualTo("0xf9" + "f".repeat(62) + "\n");
        for (String q : QUEUES) {
            assertThat(f.driverOf(q)).as(q).isEqualTo("vfio_ap");
        }
        // the absolute form of the same mask changes nothing
        String before = f.state();
        f.ok(APMASK, "0xf9" + "f".repeat(62));
        assertThat(f.state()).isEqualTo(before);
    }

    @Test
    void clearingAqmaskBitsHandsOnlyThoseDomainsQueuesToVfioAp() {
        Fixture f = booted();
        f.ok(AQMASK, "-0x47");
        // id 0x47 = 71: word 1 (ids 64..127), bit 7 from the left: 0xfe in that word's first byte
        assertThat(f.cat(AQMASK)).isEqualTo("0x" + "f".repeat(16) + "fe" + "f".repeat(46) + "\n");
        assertThat(f.driverOf("05.0047")).isEqualTo("vfio_ap");
        assertThat(f.driverOf("06.0047")).isEqualTo("vfio_ap");
        assertThat(f.driverOf("05.0004")).isEqualTo("cex4queue");
        assertThat(f.driverOf("06.0004")).isEqualTo("cex4queue");
    }

    @Test
    void theDocumentationsAqmaskExampleClearsFourDomains() {
        // Documentation/arch/s390/vfio-ap.rst: echo -4,-0x47,-0xab,-0xff and the absolute form agree
        Fixture rel = new Fixture().host(ApMask.of(5, 6), ApMask.of(4, 0x47, 0xab, 0xff));
        Fixture abs = new Fixture().host(ApMask.of(5, 6), ApMask.of(4, 0x47, 0xab, 0xff));
        rel.ok(AQMASK, "-4,-0x47,-0xab,-0xff");
        abs.ok(AQMASK, "0xf7fffffffffffffffeffffffffffffffffffffffffeffffffffffffffffffffe");
        assertThat(rel.cat(AQMASK)).isEqualTo(abs.cat(AQMASK));
        assertThat(rel.state()).isEqualTo(abs.state());
        assertThat(rel.driverOf("06.00ff")).isEqualTo("vfio_ap");
    }

    @Test
    void givingBackAnAssignedQueueIsEbusyAndChangesNothing() {
        Fixture f = Fixture.standard();
        f.ok(mdev(U1, "assign_adapter"), "5");
        f.ok(mdev(U1, "assign_domain"), "4");
        // no guest involved: being in an mdev's matrix is enough (vfio_ap_mdev_resource_in_use)
        f.refused(APMASK, "+5\n", Errno.EBUSY);
        f.refused(APMASK, Fixture.ALL_ONES + "\n", Errno.EBUSY);
        f.refused(APMASK, "+0-255\n", Errno.EBUSY);
        assertThat(f.cat(APMASK)).isEqualTo("0xf9" + "f".repeat(62) + "\n");
        assertThat(f.driverOf("05.0004")).isEqualTo("vfio_ap");
        // an assignment over-provisioned beyond the host counts too: it is in the matrix
        f.ok(mdev(U1, "unassign_adapter"), "5");
        f.ok(APMASK, "-9");
        f.ok(mdev(U1, "assign_adapter"), "9");
        f.refused(APMASK, "+9\n", Errno.EBUSY);
    }

    @Test
    void givingBackAnAssignedDomainThroughAqmaskIsEbusy() {
        Fixture f = Fixture.standard();
        // adapter 7 stays with the host in apmask; domain 0x47 goes to vfio_ap in aqmask:
        // APQN 07.0047 is not reserved and may be assigned
        f.ok(AQMASK, "-0x47");
        f.ok(mdev(U1, "assign_adapter"), "7");
        f.ok(mdev(U1, "assign_domain"), "0x47");
        // aqmask +0x47 would reserve 07.0047 again: in_use(apmask, {0x47}) finds it in U1
        f.refused(AQMASK, "+0x47\n", Errno.EBUSY);
        f.refused(AQMASK, Fixture.ALL_ONES + "\n", Errno.EBUSY);
        // setting an aqmask bit that reserves no assigned APQN is fine, even for an assigned
        // adapter: 07.0004 is in nobody's matrix
        f.ok(AQMASK, "-4");
        f.ok(AQMASK, "+4");
    }

    @Test
    void givingBackABoundButUnassignedQueueWorks() {
        Fixture f = Fixture.standard();
        f.ok(mdev(U1, "assign_adapter"), "5");
        f.ok(mdev(U1, "assign_domain"), "4");
        // adapter 6 is bound to vfio_ap but in no mdev's matrix
        f.ok(APMASK, "+6");
        assertThat(f.driverOf("06.0004")).isEqualTo("cex4queue");
        assertThat(f.driverOf("06.0047")).isEqualTo("cex4queue");
        assertThat(f.driverOf("05.0004")).isEqualTo("vfio_ap");
        // the queue left vfio_ap: it was reset on the way out (in the host config, not in a shadow)
        assertThat(f.host.vfioAp().resetLog()).contains("reset 06.0004 rc=0x00", "reset 06.0047 rc=0x00");
        // a domain in no mdev's matrix can be taken back as well
        f.ok(AQMASK, "-0x47");
        f.ok(AQMASK, "+0x47");
    }

    @Test
    void theVetoNamesOnlyNewlyReservedIds() {
        Fixture f = Fixture.standard();
        f.ok(mdev(U1, "assign_adapter"), "5");
        f.ok(mdev(U1, "assign_domain"), "4");
        // clearing bits is never vetoed, even for assigned APQNs' neighbours
        f.ok(APMASK, "-7");
        f.ok(AQMASK, "-4");
        // re-setting a bit that was already set is no change for the veto
        f.ok(APMASK, "+8");
        f.ok(APMASK, "-7,+7");
        assertThat(f.cat(APMASK)).isEqualTo("0xf9" + "f".repeat(62) + "\n");
    }

    @Test
    void aMaskWriteThatParsesBadlyIsEinvalAndChangesNothing() {
        Fixture f = Fixture.standard();
        for (String bad : new String[] {"+256\n", "+7-4\n", "-5,6\n", "0x" + "f".repeat(65) + "\n", "zz\n", "+\n"}) {
            f.refused(APMASK, bad, Errno.EINVAL);
        }
    }

    @Test
    void bindAndUnbindErrno() {
        Fixture f = Fixture.standard();
        // unbind from a driver the queue is not bound to: ENODEV (unbind_store: dev->driver != drv)
        f.refused(CEX4_UNBIND, "05.0004\n", Errno.ENODEV);
        // bind a queue that is bound already: EBUSY (__driver_probe_device)
        f.refused(VFIO_BIND, "05.0004\n", Errno.EBUSY);
        // no such device: ENODEV (bus_find_device_by_name)
        f.refused(VFIO_BIND, "07.0004\n", Errno.ENODEV);
        f.refused(VFIO_UNBIND, "junk\n", Errno.ENODEV);
        f.refused(VFIO_UNBIND, "05.0005\n", Errno.ENODEV);
        // unbind, then bind back: the queue returns to vfio_ap
        f.ok(VFIO_UNBIND, "05.0004");
        assertThat(f.driverOf("05.0004")).isNull();
        // a queue reserved for vfio_ap may not go to the default driver: ap_device_probe -ENODEV
        f.refused(CEX4_BIND, "05.0004\n", Errno.ENODEV);
        f.ok(VFIO_BIND, "05.0004");
        assertThat(f.driverOf("05.0004")).isEqualTo("vfio_ap");
        // a queue reserved for the default drivers may not go to vfio_ap
        f.ok(APMASK, "+5");
        f.ok(CEX4_UNBIND, "05.0004");
        f.refused(VFIO_BIND, "05.0004\n", Errno.ENODEV);
        f.ok(CEX4_BIND, "05.0004");
        assertThat(f.driverOf("05.0004")).isEqualTo("cex4queue");
    }

    @Test
    void cardConfigTakesZeroOrOne() {
        Fixture f = Fixture.standard();
        String config = "/sys/bus/ap/devices/card05/config";
        assertThat(f.cat(config)).isEqualTo("1\n");
        f.refused(config, "2\n", Errno.EINVAL);
        f.refused(config, "x\n", Errno.EINVAL);
        f.ok(config, "0");
        assertThat(f.cat(config)).isEqualTo("0\n");
        // a deconfigured adapter stays in the QCI: devices and bindings stay
        assertThat(f.driverOf("05.0004")).isEqualTo("vfio_ap");
        f.ok(config, "1");
        assertThat(f.cat(config)).isEqualTo("1\n");
    }

    @Test
    void twoMdevsSharingAnAdapterBlockGivingItBack() {
        Fixture f = Fixture.standard();
        f.ok(Fixture.CREATE, U2);
        f.ok(mdev(U1, "assign_adapter"), "5");
        f.ok(mdev(U1, "assign_domain"), "4");
        f.ok(mdev(U2, "assign_adapter"), "5");
        f.ok(mdev(U2, "assign_domain"), "0x47");
        f.ok(mdev(U1, "unassign_adapter"), "5");
        // U2 still has 05.0047
        f.refused(APMASK, "+5\n", Errno.EBUSY);
        f.ok(mdev(U2, "unassign_domain"), "0x47");
        f.ok(APMASK, "+5");
        assertThat(f.driverOf("05.0047")).isEqualTo("cex4queue");
    }
}
