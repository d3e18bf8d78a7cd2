package aplab.kernel;

import static org.assertj.core.api.Assertions.assertThat;

import aplab.shell.Session;
import aplab.vfioap.MatrixMdev;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Every commit of the catalogue, shown with and without it: one scenario on one kernel (the
 * newest named kernel that has the commit, mainline for most), run once as it is and once as
 * {@code KERNEL --without COMMIT}; the scenario's observation (what a user, a guest or the lock
 * graph sees) is asserted for both.
 */
class CommitCatalogueTest {
    static final String U1 = "11111111-1111-1111-1111-111111111111";
    static final String U2 = "22222222-2222-2222-2222-222222222222";
    static final String CREATE = "/sys/devices/vfio_ap/matrix/mdev_supported_types/vfio_ap-passthrough/create";
    static final String M1 = "/sys/devices/vfio_ap/matrix/" + U1;

    /** A scenario: commands, then what is observed (a command's output, or the model's state). */
    record Case(List<String> commands, Function<Session, String> observe, String with, String without) {
    }

    static Case c(List<String> cmds, String probe, String with, String without) {
        return new Case(cmds, s -> String.join("\n", s.execute(probe)), with, without);
    }

    static Case state(List<String> cmds, Function<Session, String> observe, String with, String without) {
        return new Case(cmds, observe, with, without);
    }

    static List<String> cmds(String... more) {
        List<String> l = new ArrayList<>(List.of("aplab host --adapters 5,6 --domains 4,0x47",
                "echo -5,-6 > /sys/bus/ap/apmask", "echo " + U1 + " > " + CREATE, "cd " + M1));
        l.addAll(List.of(more));
        return l;
    }

    static String guest(Session s) {
        return String.join("\n", s.execute("aplab guest show g1"));
    }

    static String resets(Session s) {
        return String.join(",", s.host().vfioAp().resetLog());
    }

    static final String GUEST_54 = "adapters: 05\ndomains: 0004\ncontrol domains: none";

    static final Map<Commit, Case> CASES = new TreeMap<>();

    static {
        CASES.put(Commit.AP_IN_USE_CALLBACK, c(cmds("echo 5 > assign_adapter", "echo 4 > assign_domain"),
                "echo +5 > /sys/bus/ap/apmask", "bash: echo: write error: Device or resource busy", ""));
        CASES.put(Commit.AP_CONFIG_CALLBACKS, state(cmds("echo 5 > assign_adapter", "echo 4 > assign_domain",
                "aplab guest start g1 --mdev " + U1, "aplab host --adapters 6 --domains 4,0x47"), CommitCatalogueTest::guest,
                "adapters: none\ndomains: 0004\ncontrol domains: none", GUEST_54));
        CASES.put(Commit.AP_SCAN_BUS_MUTEX, state(cmds("echo 5 > assign_adapter"), s -> String.valueOf(
                String.join("\n", s.execute("aplab lockdep")).contains("ap_scan_bus_mutex")), "true", "false"));
        CASES.put(Commit.QUEUE_LINKS, state(cmds("echo 5 > assign_adapter", "echo 4 > assign_domain"),
                s -> s.host().vfioAp().mdev(U1).qtable().keySet().toString(), "[05.0004]", "[]"));
        CASES.put(Commit.SHADOW_APCB, state(cmds("echo 05.0047 > /sys/bus/ap/drivers/vfio_ap/unbind",
                "echo 4 > assign_domain", "echo 0x47 > assign_domain", "echo 05.0047 > /sys/bus/ap/drivers/vfio_ap/bind",
                "echo 5 > assign_adapter", "echo 05.0047 > /sys/bus/ap/drivers/vfio_ap/unbind",
                "aplab guest start g1 --mdev " + U1), CommitCatalogueTest::guest,
                "adapters: none\ndomains: 0004,0047\ncontrol domains: none", "adapters: 05\ndomains: 0004,0047\ncontrol domains: none"));
        CASES.put(Commit.FILTER_APCB, c(cmds("echo 5 > assign_adapter", "echo 4 > assign_domain",
                "echo 4 > assign_control_domain"), "cat guest_matrix", "05.0004", "cat: guest_matrix: No such file or directory"));
        CASES.put(Commit.ASSIGN_UNAVAILABLE, c(cmds("echo 06.0004 > /sys/bus/ap/drivers/vfio_ap/unbind",
                "echo 06.0047 > /sys/bus/ap/drivers/vfio_ap/unbind"), "echo 6 > assign_adapter", "",
                "bash: echo: write error: Cannot assign requested address"));
        CASES.put(Commit.MDEVS_LOCK, state(cmds(), s -> s.host().vfioAp().matrixDev().mdevsLock().lockClass(),
                "mdevs_lock", "matrix_dev->lock"));
        CASES.put(Commit.GUESTS_LOCK, state(cmds("echo 5 > assign_adapter"),
                s -> String.valueOf(String.join("\n", s.execute("aplab lockdep")).contains("guests_lock")), "true", "false"));
        CASES.put(Commit.HOTPLUG_ASSIGN, c(cmds("echo 5 > assign_adapter", "echo 4 > assign_domain",
                "aplab guest start g1 --mdev " + U1), "echo 6 > assign_adapter", "",
                "bash: echo: write error: Device or resource busy"));
        CASES.put(Commit.HOTPLUG_PROBE, state(cmds("echo 5 > assign_adapter", "echo 4 > assign_domain",
                "aplab guest start g1 --mdev " + U1, "echo 05.0004 > /sys/bus/ap/drivers/vfio_ap/unbind"),
                CommitCatalogueTest::guest, "adapters: none\ndomains: 0004\ncontrol domains: none", GUEST_54));
        CASES.put(Commit.RESET_ON_UNASSIGN, state(cmds("echo 5 > assign_adapter", "echo 4 > assign_domain",
                "aplab guest start g1 --mdev " + U1, "echo 5 > unassign_adapter"), CommitCatalogueTest::resets,
                "reset 05.0004 rc=0x00", ""));
        CASES.put(Commit.IN_USE_IMPL, c(cmds("echo 5 > assign_adapter", "echo 4 > assign_domain"),
                "echo +5 > /sys/bus/ap/apmask", "bash: echo: write error: Device or resource busy", ""));
        CASES.put(Commit.GUEST_MATRIX_ATTR, c(cmds("echo 5 > assign_adapter", "echo 4 > assign_domain"),
                "cat guest_matrix", "05.0004", "cat: guest_matrix: No such file or directory"));
        CASES.put(Commit.CONFIG_CHANGE_HANDLING, state(cmds("echo 5 > assign_adapter", "echo 4 > assign_domain",
                "aplab guest start g1 --mdev " + U1, "aplab host --adapters 6 --domains 4,0x47"), CommitCatalogueTest::guest,
                "adapters: none\ndomains: 0004\ncontrol domains: none", GUEST_54));
        CASES.put(Commit.BYPASS_UNNECESSARY, state(cmds("echo 5 > assign_adapter", "echo 4 > assign_domain"), s -> {
            List<String> calls = new ArrayList<>();
            s.host().vfioAp().traceFilter(calls::add);
            s.execute("echo 5 > assign_adapter");
            s.host().vfioAp().traceFilter(null);
            return String.valueOf(calls.stream().filter(l -> l.startsWith("vfio_ap_mdev_filter_matrix")).count());
        }, "0", "1"));
        CASES.put(Commit.FIX_STATUS_ATTR, c(cmds("echo 5 > assign_adapter", "echo 4 > assign_domain", "echo 0x47 > assign_domain",
                "echo 05.0047 > /sys/bus/ap/drivers/vfio_ap/unbind", "aplab guest start g1 --mdev " + U1),
                "cat /sys/bus/ap/devices/05.0004/status", "assigned", "in use"));
        CASES.put(Commit.REQUEST_CALLBACK, state(cmds("echo 5 > assign_adapter", "echo 4 > assign_domain",
                "aplab guest start g1 --mdev " + U1), s -> {
            String remove = String.join("\n", s.execute("echo 1 > remove"));
            boolean before = s.host().vfioAp().mdev(U1) != null;
            s.execute("aplab guest stop g1");
            boolean after = s.host().vfioAp().mdev(U1) != null;
            return remove + "|" + before + "|" + after;
        }, "|false|false", "aplab: echo: the write blocks: a guest has mdev " + U1 + " open and this kernel has no vfio "
                + "request callback to ask for it; the removal finishes when the guest stops|true|false"));
        CASES.put(Commit.PASS_DECONFIGURED, c(cmds("echo 5 > assign_adapter", "echo 4 > assign_domain",
                "echo 0 > /sys/bus/ap/devices/card05/config", "aplab guest start g1 --mdev " + U1, "aplab guest stop g1",
                "echo 6 > assign_adapter"), "cat guest_matrix", "05.0004\n06.0004", "06.0004"));
        CASES.put(Commit.ALWAYS_FILTER_ENTIRE_MATRIX, state(cmds("echo 05.0047 > /sys/bus/ap/drivers/vfio_ap/unbind",
                "echo 4 > assign_domain", "echo 0x47 > assign_domain", "echo 5 > assign_adapter",
                "aplab guest start g1 --mdev " + U1, "echo 6 > assign_adapter"), CommitCatalogueTest::guest,
                "adapters: 06\ndomains: 0004,0047\ncontrol domains: none", "adapters: 05,06\ndomains: 0004,0047\ncontrol domains: none"));
        CASES.put(Commit.LOOP_OVER_SHADOW, c(cmds("echo 5 > assign_adapter", "echo 4 > assign_domain", "echo 0xab > assign_domain"),
                "cat guest_matrix", "05.0004", ".0004"));
        CASES.put(Commit.SCAN_COMPLETE_FILTERS, state(cmds("echo 5 > assign_adapter", "echo 6 > assign_adapter",
                "echo 4 > assign_domain", "echo 0x47 > assign_domain", "aplab host --adapters 5 --domains 4,0x47"), s -> {
            List<String> calls = new ArrayList<>();
            s.host().vfioAp().traceFilter(calls::add);
            s.execute("aplab host --adapters 5,6 --domains 4,0x47");
            s.host().vfioAp().traceFilter(null);
            return String.valueOf(calls.stream().filter(l -> l.startsWith("vfio_ap_mdev_filter_matrix")).count());
        }, "1", "3"));
        CASES.put(Commit.RESET_FILTERED_QUEUES, state(cmds("echo 5 > assign_adapter", "echo 4 > assign_domain",
                "aplab guest start g1 --mdev " + U1, "echo 05.0047 > /sys/bus/ap/drivers/vfio_ap/unbind",
                "echo 0x47 > assign_domain"), CommitCatalogueTest::resets, "reset 05.0047 rc=0x00,reset 05.0004 rc=0x00",
                "reset 05.0047 rc=0x00"));
        CASES.put(Commit.RESET_ADAPTER_ON_UNBIND, state(cmds("echo 5 > assign_adapter", "echo 4 > assign_domain",
                "echo 0x47 > assign_domain", "aplab guest start g1 --mdev " + U1,
                "echo 05.0004 > /sys/bus/ap/drivers/vfio_ap/unbind"), CommitCatalogueTest::resets,
                "reset 05.0004 rc=0x00,reset 05.0047 rc=0x00", "reset 05.0004 rc=0x00"));
        CASES.put(Commit.NO_RESET_REMOVED_FROM_HOST, state(cmds("echo 5 > assign_adapter", "echo 4 > assign_domain",
                "aplab host --adapters 5,6 --domains 0x47"), CommitCatalogueTest::resets, "",
                "reset 05.0004 rc=0x01,reset 06.0004 rc=0x01"));
        CASES.put(Commit.AP_CONFIG_ATTR, c(cmds(), "cat ap_config", "0x" + "0".repeat(64) + ",0x" + "0".repeat(64) + ",0x"
                + "0".repeat(64), "cat: ap_config: No such file or directory"));
        CASES.put(Commit.FEATURES_ATTR, c(cmds(), "cat /sys/devices/vfio_ap/matrix/features", "guest_matrix hotplug ap_config",
                "cat: /sys/devices/vfio_ap/matrix/features: No such file or directory"));
        CASES.put(Commit.AP_BUS_FEATURES, state(cmds(), s -> String.valueOf(s.execute("ls /sys/bus/ap").contains("features")),
                "true", "false"));
        CASES.put(Commit.FIX_CDOM_REMOVAL, state(List.of("aplab host --adapters 5,6 --domains 4,0x47 --control-domains 4,0x47",
                "echo -5,-6 > /sys/bus/ap/apmask", "echo " + U1 + " > " + CREATE, "cd " + M1, "echo 5 > assign_adapter",
                "echo 4 > assign_domain", "echo 4 > assign_control_domain", "aplab guest start g1 --mdev " + U1,
                "aplab host --adapters 5,6 --domains 4,0x47 --control-domains 0x47"), CommitCatalogueTest::guest,
                "adapters: 05\ndomains: 0004\ncontrol domains: none", "adapters: 05\ndomains: 0004\ncontrol domains: 0004"));
        CASES.put(Commit.FIX_LAST_UNPLUG, state(cmds("echo 5 > assign_adapter", "echo 4 > assign_domain",
                "aplab guest start g1 --mdev " + U1, "aplab host --adapters 6 --domains 4,0x47"), CommitCatalogueTest::guest,
                "adapters: none\ndomains: 0004\ncontrol domains: none", GUEST_54));
        CASES.put(Commit.FIX_STALE_PQAP_HOOK, state(cmds("echo " + U2 + " > " + CREATE, "echo 5 > assign_adapter",
                "echo 4 > assign_domain", "aplab guest start g1 --mdev " + U1), s -> {
            aplab.kvm.Kvm kvm = s.host().guest("g1").kvm();
            try {
                s.host().vfioAp().openDevice(s.host().vfioAp().mdev(U2), kvm);
                return "opened";
            } catch (KernelException e) {
                Object hook = kvm.pqapHook();
                return e.errno() + " " + (hook instanceof MatrixMdev m ? m.uuid() : String.valueOf(hook));
            }
        }, "EPERM " + U1, "EPERM " + U2));
        // ap_config adds adapter 6 and domain 0x47 together: 06.0047 is linked by both loops
        CASES.put(Commit.IGNORE_DUPLICATE_LINK, c(cmds("echo 5 > assign_adapter", "echo 4 > assign_domain",
                "echo 0x06" + "0".repeat(62) + ",0x08" + "0".repeat(14) + "01" + "0".repeat(46) + ",0x" + "0".repeat(64)
                        + " > ap_config"), "echo 1 > remove", "",
                "aplab: echo: it blocks for good: vfio_ap_mdev_reset_queues loops forever, holding mdevs_lock, in mdev " + U1
                        + "'s queue table: 06.0047 was linked twice and its hash list points to itself (this kernel has no "
                        + "\"s390/vfio-ap: Ignore duplicate link requests in vfio_ap_mdev_link_queue\")"));
        // only a control domain arrives: filter_matrix does not run, so nothing filled apm_filtered
        CASES.put(Commit.FIX_UNINIT_APM_FILTERED, state(List.of("aplab host --adapters 5,6 --domains 4,0x47 --control-domains 4",
                "echo -5,-6 > /sys/bus/ap/apmask", "echo " + U1 + " > " + CREATE, "cd " + M1, "echo 5 > assign_adapter",
                "echo 4 > assign_domain", "echo 0x47 > assign_control_domain", "aplab guest start g1 --mdev " + U1,
                "aplab host --adapters 5,6 --domains 4,0x47 --control-domains 4,0x47"), CommitCatalogueTest::resets, "",
                "reset_queues_for_apids read an uninitialised apm_filtered in vfio_ap_mdev_hot_plug_cfg (this kernel has no "
                        + "\"s390/vfio-ap: fix potential use of uninitialized apm_filtered bitmap\"): which queues it resets "
                        + "depends on what the stack held"));
        // not modelled: the same behaviour with and without; membership is checked in namedKernelsDifferAsTheirSourcesDo
        for (Commit k : List.of(Commit.AP_DRIVER_OVERRIDE, Commit.AP_RESTRICT_DRIVER_OVERRIDE, Commit.AP_IN_USE_ALL_ONES,
                Commit.FIX_SHARING_MESSAGE, Commit.FIX_NULL_KVM, Commit.FIX_STALE_DO_REMOVE)) {
            CASES.put(k, state(cmds("echo 5 > assign_adapter", "echo 4 > assign_domain"), s -> s.host().version().has(k)
                    + " " + String.join("\n", s.execute("cat matrix")), "true 05.0004", "false 05.0004"));
        }
        CASES.put(Commit.FIX_MISSING_LOCKS, state(List.of("echo " + U1 + " > " + CREATE), s -> String.valueOf(
                String.join("\n", s.execute("aplab lockdep")).contains("guests_lock")), "true", "false"));
    }

    @ParameterizedTest
    @EnumSource(Commit.class)
    void withAndWithout(Commit commit) {
        Case k = CASES.get(commit);
        assertThat(k).as("a with/without scenario for %s", commit).isNotNull();
        Kernel with = newestWith(commit);
        Kernel without = with.without(commit);
        assertThat(without.has(commit)).isFalse();
        assertThat(observe(with, k)).as("%s on %s", commit, with.name()).isEqualTo(k.with());
        assertThat(observe(without, k)).as("%s on %s", commit, without.name()).isEqualTo(k.without());
    }

    /** The newest named kernel with the commit (mainline has them all). */
    static Kernel newestWith(Commit c) {
        List<Kernel> named = Kernel.named();
        for (int i = named.size() - 1; i >= 0; i--) {
            if (named.get(i).has(c)) {
                return named.get(i);
            }
        }
        throw new AssertionError("no named kernel has " + c);
    }

    static String observe(Kernel k, Case c) {
        Session s = new Session(k);
        for (String cmd : c.commands()) {
            s.execute(cmd);
        }
        return c.observe().apply(s);
    }

    @Test
    void everyCommitHasItsFactsAndEveryKernelIsClosedUnderRequirements() {
        Set<String> ids = new java.util.HashSet<>();
        for (Commit c : Commit.values()) {
            assertThat(ids.add(c.id())).as("unique id %s", c.id()).isTrue();
            // an upstream title, or one that says no upstream title was found (never a description passed off as one)
            assertThat(c.title()).as(c.id()).matches("s390/(ap|vfio-ap): .+|\\(upstream title not found\\) .+");
            assertThat(c.release()).as(c.id()).matches("\\d\\.\\d+|2026");
            assertThat(Commit.parse(c.id())).isEqualTo(c);
        }
        for (Kernel k : Kernel.named()) {
            for (Commit c : k.commits()) {
                assertThat(k.commits()).as("%s has %s and what it needs", k.name(), c).containsAll(c.requires());
            }
            assertThat(Kernel.parse(k.name())).isEqualTo(k);
        }
        Set<Commit> series = EnumSet.copyOf(Commit.series());
        assertThat(Kernel.MAINLINE.without(Commit.SHADOW_APCB).commits()).doesNotContainAnyElementsOf(series)
                .contains(Commit.AP_IN_USE_CALLBACK).doesNotContain(Commit.ALWAYS_FILTER_ENTIRE_MATRIX);
        assertThat(Kernel.V5_17.with(Commit.GUEST_MATRIX_ATTR).commits()).containsAll(series).contains(Commit.AP_IN_USE_CALLBACK);
        Kernel w = Kernel.MAINLINE.without(Commit.ALWAYS_FILTER_ENTIRE_MATRIX);
        assertThat(w.name()).isEqualTo("mainline --without always-filter-entire-matrix");
        assertThat(Kernel.parse(w.name())).isEqualTo(w);
        assertThat(w.has(Commit.LOOP_OVER_SHADOW)).isFalse();
    }

    /** ap_max_adapter_id and ap_max_domain_id come from the QCI at bus init; a later configuration change keeps them. */
    @ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(strings = {"5.17", "6.1", "mainline"})
    void apMaxIdsAreSetOnceAtBusInit(String kernel) {
        Session s = new Session(Kernel.parse(kernel));
        s.execute("aplab host --adapters 5 --domains 4 --max-adapter 127 --max-domain 200");
        s.execute("aplab host --adapters 5 --domains 4 --max-adapter 255 --max-domain 255");
        assertThat(s.execute("cat /sys/bus/ap/ap_max_adapter_id")).containsExactly("127");
        assertThat(s.execute("cat /sys/bus/ap/ap_max_domain_id")).containsExactly("200");
    }

    @Test
    void namedKernelsDifferAsTheirSourcesDo() {
        // 6.0 as released has the 6.0-rc fix; the 6.1 stable line has the whole-matrix filter
        // (CVE-2024-26620) but not 6.6's deconfigured-queue passing nor 6.8's reset changes
        assertThat(Kernel.V6_0.has(Commit.BYPASS_UNNECESSARY)).isTrue();
        assertThat(Kernel.V6_1.has(Commit.ALWAYS_FILTER_ENTIRE_MATRIX)).isTrue();
        assertThat(Kernel.V6_1.has(Commit.PASS_DECONFIGURED)).isFalse();
        assertThat(Kernel.V6_1.has(Commit.RESET_FILTERED_QUEUES)).isFalse();
        assertThat(Kernel.V6_12.has(Commit.FIX_CDOM_REMOVAL)).isTrue();
        assertThat(Kernel.V6_19.has(Commit.FIX_CDOM_REMOVAL)).isFalse();
        assertThat(Kernel.MAINLINE.commits()).containsAll(Kernel.V6_19.commits());
        // read in Debian's sources: 6.1.192 has the in-use message fix and the NULL-kvm and do_remove
        // fixes, but neither the duplicate-link check nor apm_filtered; 6.12.118 has all of these
        assertThat(Kernel.V6_1.commits()).contains(Commit.FIX_SHARING_MESSAGE, Commit.FIX_NULL_KVM, Commit.FIX_STALE_DO_REMOVE)
                .doesNotContain(Commit.IGNORE_DUPLICATE_LINK, Commit.FIX_UNINIT_APM_FILTERED, Commit.AP_SCAN_BUS_MUTEX);
        assertThat(Kernel.V6_12.commits()).contains(Commit.IGNORE_DUPLICATE_LINK, Commit.FIX_SHARING_MESSAGE,
                Commit.FIX_NULL_KVM, Commit.FIX_STALE_DO_REMOVE, Commit.FIX_UNINIT_APM_FILTERED, Commit.AP_SCAN_BUS_MUTEX)
                .doesNotContain(Commit.AP_DRIVER_OVERRIDE, Commit.AP_RESTRICT_DRIVER_OVERRIDE, Commit.AP_IN_USE_ALL_ONES);
        // mainline releases: ap_scan_bus_mutex 6.9, duplicate links 6.10, the message 6.15, driver_override 6.19
        assertThat(Kernel.V6_8.has(Commit.AP_SCAN_BUS_MUTEX)).isFalse();
        assertThat(Kernel.V6_10.commits()).contains(Commit.AP_SCAN_BUS_MUTEX, Commit.IGNORE_DUPLICATE_LINK)
                .doesNotContain(Commit.FIX_SHARING_MESSAGE);
        assertThat(Kernel.V6_19.commits()).contains(Commit.FIX_SHARING_MESSAGE, Commit.AP_DRIVER_OVERRIDE,
                Commit.AP_RESTRICT_DRIVER_OVERRIDE, Commit.AP_IN_USE_ALL_ONES).doesNotContain(Commit.FIX_NULL_KVM,
                Commit.FIX_STALE_DO_REMOVE, Commit.FIX_UNINIT_APM_FILTERED);
        assertThat(Kernel.parse("mainline").label()).contains("6.19");
        assertThat(org.assertj.core.api.Assertions.catchThrowable(() -> Kernel.parse("6.18")))
                .hasMessageContaining("unknown kernel '6.18'").hasMessageContaining("mainline");
    }
}
