package aplab.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import aplab.ap.ApConfigInfo;
import aplab.ap.ApMask;
import aplab.ap.CardType;
import aplab.check.HostOp;
import aplab.check.Invariants;
import aplab.host.Host;
import aplab.kernel.Errno;
import aplab.kernel.Kernel;
import aplab.sysfs.Sysfs;
import aplab.sysfs.SysfsException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.ShrinkingMode;
import net.jqwik.api.lifecycle.AfterContainer;

/**
 * Every writable sysfs attribute of the model, fed random and structured junk: the write either
 * succeeds or fails with an errno (never another exception), a refused store changes nothing (the
 * whole host state, counters included), and the invariants hold afterwards either way.
 *
 * <p>The main properties run jqwik's default number of tries (1000); a longer run raises it:
 * {@code mvn -B -pl reference test -Dtest='*FuzzTest' -Djqwik.tries.default=50000}.
 */
class AttributeFuzzTest {
    static final String U1 = "11111111-1111-1111-1111-111111111111";
    static final String U2 = "22222222-2222-2222-2222-222222222222";
    private static final AtomicLong TRIED = new AtomicLong();
    private static final AtomicLong REFUSED = new AtomicLong();
    private static final Map<String, AtomicLong> ERRNOS = new ConcurrentHashMap<>();

    /** A host with something everywhere: both adapters' queues with vfio_ap, a running guest, two mdevs. */
    static Host richHost(Kernel v) {
        Host host = new Host(v, Set.of());
        Sysfs s = new Sysfs(host);
        host.configure(new ApConfigInfo(ApMask.of(5, 6, 7), ApMask.of(4, 0x47), ApMask.of(4, 0x47, 0x99), true, 255, 255),
                CardType.DEFAULT);
        s.write(HostOp.APMASK, "-5,-6\n");
        s.write(HostOp.CREATE, U1 + "\n");
        s.write(HostOp.CREATE, U2 + "\n");
        for (String a : List.of("assign_adapter 5", "assign_adapter 6", "assign_domain 4", "assign_domain 0x47",
                "assign_control_domain 4")) {
            String[] f = a.split(" ");
            s.write(HostOp.mdev(U1, f[0]), f[1] + "\n");
        }
        try {
            s.write(HostOp.mdev(U2, "assign_adapter"), "0x10\n");
        } catch (SysfsException e) {
            // 5.17 wants the queues bound to vfio_ap before an assignment; adapter 0x10 has none
        }
        if (v.has(aplab.kernel.Commit.SHADOW_APCB)) {
            host.startGuest("g1", List.of(U1));
            s.write(HostOp.driver("vfio_ap", "unbind"), "06.0047\n");
        }
        return host;
    }

    /** Every file a write can open (a write of nothing calls no store, so it changes nothing). */
    static List<String> writableFiles(Host host) {
        Sysfs s = new Sysfs(host);
        List<String> out = new ArrayList<>();
        walk(s, "/sys", out, new TreeSet<>());
        return out;
    }

    private static void walk(Sysfs s, String dir, List<String> out, Set<String> seen) {
        for (String e : s.list(dir)) {
            String p = dir + "/" + e;
            if (s.isDirectory(p)) {
                // the same mdev and queue directories appear under several paths: walk each once
                String key = e.matches("[0-9a-f]{8}-.*|[0-9a-f]{2}\\.[0-9a-f]{4}|card[0-9a-f]{2}") ? e : p;
                if (seen.add(key)) {
                    walk(s, p, out, seen);
                }
                continue;
            }
            try {
                s.write(p, "");
                out.add(p);
            } catch (SysfsException x) {
                // read-only
            }
        }
    }

    @Example
    void theFuzzedAttributesAreEveryWritableOne() {
        List<String> files = writableFiles(richHost(Kernel.MAINLINE));
        List<String> names = files.stream().map(p -> p.substring(p.lastIndexOf('/') + 1)).distinct().sorted().toList();
        assertThat(names).containsExactlyInAnyOrder("ap_config", "apmask", "aqmask", "assign_adapter",
                "assign_control_domain", "assign_domain", "bind", "config", "create", "remove", "unassign_adapter",
                "unassign_control_domain", "unassign_domain", "unbind", "uevent");
        System.out.println("fuzz: " + files.size() + " writable files: " + names);
    }

    @Provide
    Arbitrary<String> mainlineFile() {
        return Arbitraries.of(writableFiles(richHost(Kernel.MAINLINE)));
    }

    @Provide
    Arbitrary<String> junk() {
        return Junk.any();
    }

    private static void tryWrite(Kernel v, String path, String data) {
        Host host = richHost(v);
        Sysfs sysfs = new Sysfs(host);
        Invariants.WriteResult r = Invariants.checkedWrite(host, sysfs, path, data);
        TRIED.incrementAndGet();
        if (r.errno() != null) {
            REFUSED.incrementAndGet();
            ERRNOS.computeIfAbsent(r.errno().name(), k -> new AtomicLong()).incrementAndGet();
        }
        assertThat(r.violation()).as("write %s to %s", Invariants.printable(data), path).isNull();
        if (v == Kernel.MAINLINE) {
            assertThat(Invariants.check(host)).as("invariants after %s to %s", Invariants.printable(data), path).isEmpty();
        }
    }

    @Property(seed = "20261124", shrinking = ShrinkingMode.FULL)
    void anyWriteToAnyAttributeIsAnErrnoOrAccepted(@ForAll("mainlineFile") String path, @ForAll("junk") String data) {
        tryWrite(Kernel.MAINLINE, path, data);
    }

    @Property(seed = "17")
    void numbersToTheIdAttributes(@ForAll("idAttribute") String path, @ForAll("number") String data) {
        tryWrite(Kernel.MAINLINE, path, data);
    }

    @Provide
    Arbitrary<String> idAttribute() {
        List<String> ids = new ArrayList<>();
        for (String u : List.of(U1, U2)) {
            for (String a : List.of("assign_adapter", "unassign_adapter", "assign_domain", "unassign_domain",
                    "assign_control_domain", "unassign_control_domain", "remove")) {
                ids.add(HostOp.mdev(u, a));
            }
        }
        ids.add(HostOp.card(5));
        return Arbitraries.of(ids);
    }

    @Provide
    Arbitrary<String> number() {
        return Junk.number();
    }

    @Property(tries = 800, seed = "60")
    void masksToApmaskAqmaskAndApConfig(@ForAll("maskFile") String path, @ForAll("mask") String data) {
        tryWrite(Kernel.MAINLINE, path, data);
    }

    @Provide
    Arbitrary<String> maskFile() {
        return Arbitraries.of(HostOp.APMASK, HostOp.AQMASK, HostOp.mdev(U1, "ap_config"), HostOp.mdev(U2, "ap_config"));
    }

    @Provide
    Arbitrary<String> mask() {
        return Arbitraries.oneOf(Junk.maskList(), Junk.apConfig(), Junk.number());
    }

    @Property(tries = 300, seed = "517")
    void olderKernelsRefuseJunkToo(@ForAll("olderKernel") Kernel v, @ForAll("junk") String data,
            @ForAll("anyAttr") String attr) {
        Host host = richHost(v);
        List<String> files = writableFiles(host).stream().filter(p -> p.endsWith("/" + attr)).toList();
        for (String p : files) {
            tryWrite(v, p, data);
        }
    }

    @Provide
    Arbitrary<Kernel> olderKernel() {
        return Arbitraries.of(Kernel.V5_17, Kernel.V6_0);
    }

    @Provide
    Arbitrary<String> anyAttr() {
        return Arbitraries.of("apmask", "aqmask", "assign_adapter", "unassign_domain", "assign_control_domain", "create",
                "remove", "bind", "unbind", "config");
    }

    @Example
    void aFewKnownAnswers() {
        Host host = richHost(Kernel.MAINLINE);
        Sysfs s = new Sysfs(host);
        Map<String, Errno> expect = new TreeMap<>();
        expect.put("-1", Errno.EINVAL);
        expect.put("0x", Errno.EINVAL);
        expect.put("256", Errno.ENODEV);
        expect.put("18446744073709551616", Errno.ERANGE);
        expect.put("5 ", Errno.EINVAL);
        expect.put("\u00a05", Errno.EINVAL);
        for (Map.Entry<String, Errno> e : expect.entrySet()) {
            Invariants.WriteResult r = Invariants.checkedWrite(host, s, HostOp.mdev(U2, "assign_domain"), e.getKey() + "\n");
            assertThat(r.errno()).as(Invariants.printable(e.getKey())).isEqualTo(e.getValue());
            assertThat(r.violation()).isNull();
        }
    }

    @AfterContainer
    static void report() {
        System.out.println("fuzz: attributes: " + TRIED.get() + " writes tried, " + REFUSED.get()
                + " refused with an errno (" + new TreeMap<>(ERRNOS) + "), 0 crashes, 0 state changes on refusal");
    }
}
