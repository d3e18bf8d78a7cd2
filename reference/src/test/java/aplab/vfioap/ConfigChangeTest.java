package aplab.vfioap;

import static aplab.Fixture.U1;
import static aplab.Fixture.mdev;
import static org.assertj.core.api.Assertions.assertThat;

import aplab.Fixture;
import aplab.ap.ApConfigInfo;
import aplab.ap.ApMask;
import aplab.ap.Apqn;
import aplab.ap.CardType;
import aplab.kvm.Kvm;
import org.junit.jupiter.api.Test;

/**
 * A change of the host's AP configuration (a new QCI seen by a bus scan): on_config_changed unplugs
 * what left, the scan removes and creates devices, on_scan_complete plugs what came.
 */
class ConfigChangeTest {
    private static void configure(Fixture f, ApMask apm, ApMask aqm, ApMask adm) {
        f.host.configure(new ApConfigInfo(apm, aqm, adm, true, 255, 255), CardType.DEFAULT);
    }

    private static Fixture running() {
        Fixture f = Fixture.withMatrix();
        f.ok(mdev(U1, "assign_control_domain"), "4");
        return f;
    }

    @Test
    void removingAnAdapterUnplugsItOnceAndRemovesItsDevices() {
        Fixture f = running();
        Kvm kvm = f.start("g1", U1);
        int before = kvm.updates().size();
        int resets = f.host.vfioAp().resetLog().size();
        configure(f, ApMask.of(5), ApMask.of(4, 0x47), ApMask.of(4, 0x47));
        assertThat(kvm.updates().size() - before).as("one push for the whole change").isEqualTo(1);
        assertThat(kvm.apm().ids()).containsExactly(5);
        assertThat(f.host.bus().queue(new Apqn(6, 4))).isNull();
        assertThat(f.sysfs.list("/sys/bus/ap/devices")).containsExactly("05.0004", "05.0047", "card05");
        // the queues are gone from the host: not reset (ZAPQ would fail with 0x01)
        assertThat(f.host.vfioAp().resetLog()).hasSize(resets);
        // the assignment stays; the links of the vanished queues go
        assertThat(f.matrix(U1)).hasSize(4);
        assertThat(f.m(U1).qtable().keySet()).extracting(Object::toString).containsExactlyInAnyOrder("05.0004", "05.0047");
        f.assertCrycbIsShadow(kvm, U1, "after the removal");
    }

    @Test
    void addingItBackPlugsItOnceAtScanComplete() {
        Fixture f = running();
        Kvm kvm = f.start("g1", U1);
        configure(f, ApMask.of(5), ApMask.of(4, 0x47), ApMask.of(0x47));
        assertThat(kvm.adm().isEmpty()).as("control domain 4 left the host").isTrue();
        int before = kvm.updates().size();
        configure(f, ApMask.of(5, 6), ApMask.of(4, 0x47), ApMask.of(4, 0x47));
        // apmask still gives adapter 6 to vfio_ap: the new queues probe into vfio_ap and link;
        // the probes leave filtering to on_scan_complete, which pushes once
        assertThat(f.driverOf("06.0004")).isEqualTo("vfio_ap");
        assertThat(kvm.updates().size() - before).isEqualTo(1);
        assertThat(kvm.apm().ids()).containsExactly(5, 6);
        assertThat(kvm.adm().ids()).containsExactly(4);
        f.assertCrycbIsShadow(kvm, U1, "after the addition");
    }

    @Test
    void removingADomainUnplugsTheDomainAndKeepsTheAdapters() {
        Fixture f = running();
        Kvm kvm = f.start("g1", U1);
        configure(f, ApMask.of(5, 6), ApMask.of(4), ApMask.of(4, 0x47));
        assertThat(kvm.apm().ids()).containsExactly(5, 6);
        assertThat(kvm.aqm().ids()).containsExactly(4);
        assertThat(f.guestMatrix(U1)).containsExactly("05.0004", "06.0004");
        assertThat(f.host.bus().queue(new Apqn(5, 0x47))).isNull();
        configure(f, ApMask.of(5, 6), ApMask.of(4, 0x47), ApMask.of(4, 0x47));
        assertThat(f.guestMatrix(U1)).containsExactly("05.0004", "05.0047", "06.0004", "06.0047");
        f.assertCrycbIsShadow(kvm, U1, "after the domain came back");
    }

    @Test
    void aChangeThatTouchesNoAssignedResourcePushesNothing() {
        Fixture f = running();
        Kvm kvm = f.start("g1", U1);
        int before = kvm.updates().size();
        configure(f, ApMask.of(5, 6, 7), ApMask.of(4, 0x47, 0x50), ApMask.of(4, 0x47, 0x50));
        configure(f, ApMask.of(5, 6), ApMask.of(4, 0x47), ApMask.of(4, 0x47));
        assertThat(kvm.updates()).hasSize(before);
        // the new adapter's queues went to the default driver (apmask bit 7 is set)
        configure(f, ApMask.of(5, 6, 7), ApMask.of(4, 0x47), ApMask.of(4, 0x47));
        assertThat(f.driverOf("07.0004")).isEqualTo("cex4queue");
    }

    @Test
    void removingAControlDomainTheMdevDoesNotHavePushesNothing() {
        // 2026 "Fix control domain removal": only removed control domains that are assigned count
        Fixture f = running();
        Kvm kvm = f.start("g1", U1);
        int before = kvm.updates().size();
        configure(f, ApMask.of(5, 6), ApMask.of(4, 0x47), ApMask.of(4));
        assertThat(kvm.updates()).hasSize(before);
        assertThat(kvm.adm().ids()).containsExactly(4);
    }

    @Test
    void removingTheLastAdapterStillUnplugs() {
        // 2026 "Fix hot-unplug skipped when last AP adapter or domain removed"
        Fixture f = Fixture.standard();
        f.ok(mdev(U1, "assign_adapter"), "5");
        f.ok(mdev(U1, "assign_domain"), "4");
        Kvm kvm = f.start("g1", U1);
        configure(f, ApMask.of(6), ApMask.of(4, 0x47), ApMask.of(4, 0x47));
        assertThat(kvm.apm().isEmpty()).as("adapter 5 left the host").isTrue();
        assertThat(f.guestMatrix(U1)).containsExactly(".0004");
        f.assertCrycbIsShadow(kvm, U1, "after the last adapter left");
    }

    @Test
    void anOverProvisionedAdapterIsPluggedWhenItArrives() {
        Fixture f = Fixture.withMatrix();
        f.ok(Fixture.APMASK, "-7");
        f.ok(mdev(U1, "assign_adapter"), "7");
        Kvm kvm = f.start("g1", U1);
        assertThat(kvm.apm().ids()).containsExactly(5, 6);
        configure(f, ApMask.of(5, 6, 7), ApMask.of(4, 0x47), ApMask.of(4, 0x47));
        assertThat(kvm.apm().ids()).containsExactly(5, 6, 7);
        assertThat(f.guestMatrix(U1)).contains("07.0004", "07.0047");
        f.assertCrycbIsShadow(kvm, U1, "after adapter 7 arrived");
    }

    @Test
    void theDriverTakesTheNewConfigurationAsItsInfoAndClearsThePendingAdditions() {
        Fixture f = running();
        f.ok(Fixture.APMASK, "-7");
        f.ok(mdev(U1, "assign_adapter"), "7");
        // adapter 7 (assigned) arrives, adapter 6 and domain 0x47 leave
        configure(f, ApMask.of(5, 7), ApMask.of(4), ApMask.of(4));
        ApConfigInfo info = f.host.vfioAp().matrixDev().info();
        assertThat(info.apm().ids()).containsExactly(5, 7);
        assertThat(info.aqm().ids()).containsExactly(4);
        assertThat(f.cat("/sys/bus/ap/ap_adapter_mask")).isEqualTo("0x05" + "0".repeat(62) + "\n");
        assertThat(f.guestMatrix(U1)).containsExactly("05.0004", "07.0004");
        // apm_add was cleared at scan complete: a later probe filters again (a stale apm_add would
        // make vfio_ap_mdev_probe_queue skip filtering and leave adapter 5 out)
        f.ok(Fixture.VFIO_UNBIND, "05.0004");
        assertThat(f.guestMatrix(U1)).containsExactly("07.0004");
        f.ok(Fixture.VFIO_BIND, "05.0004");
        assertThat(f.guestMatrix(U1)).containsExactly("05.0004", "07.0004");
    }
}
