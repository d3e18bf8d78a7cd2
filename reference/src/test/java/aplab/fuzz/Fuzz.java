package aplab.fuzz;

import aplab.ap.ApConfigInfo;
import aplab.ap.ApMask;
import aplab.ap.CardType;
import aplab.check.HostOp;
import aplab.check.Invariants;
import aplab.host.Host;
import aplab.kernel.Kernel;
import aplab.sysfs.Sysfs;
import aplab.sysfs.SysfsException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What the Jazzer fuzz targets share: a host with something everywhere, its writable files, the
 * input conventions, a temporary directory for file inputs, and a tally of what each target saw.
 *
 * <p>Inputs are bytes. Targets that write to sysfs take them as ISO-8859-1 (one char per byte, as
 * a store sees them); targets that read files write the bytes to a file and give the reader that.
 * A target's first line may name what to act on (a path, a kernel); a name that does not fit is
 * mapped onto the known ones by its hash, so random inputs still reach every choice while a
 * committed input keeps meaning what its first line says.
 */
final class Fuzz {
    static final String U1 = "11111111-1111-1111-1111-111111111111";
    static final String U2 = "22222222-2222-2222-2222-222222222222";

    private Fuzz() {
    }

    /** Counts of what one target saw, printed when its class is done. */
    static final class Tally {
        private final String target;
        private final Map<String, AtomicLong> counts = new ConcurrentSkipListMap<>();

        Tally(String target) {
            this.target = target;
        }

        void add(String what) {
            counts.computeIfAbsent(what, k -> new AtomicLong()).incrementAndGet();
        }

        long get(String what) {
            AtomicLong n = counts.get(what);
            return n == null ? 0 : n.get();
        }

        /** One line: every counter as counted (nothing here is fixed text but the names). */
        String summary() {
            StringBuilder b = new StringBuilder("fuzz: " + target + ":");
            counts.forEach((k, v) -> b.append(' ').append(k).append('=').append(v.get()));
            return b.toString();
        }
    }

    static String latin1(byte[] b) {
        return new String(b, StandardCharsets.ISO_8859_1);
    }

    static String firstLine(String s) {
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }

    static String afterFirstLine(String s) {
        int nl = s.indexOf('\n');
        return nl < 0 ? "" : s.substring(nl + 1);
    }

    /** {@code name} if it is one of {@code known}, else the one its hash picks. */
    static String pick(String name, List<String> known) {
        return known.contains(name) ? name : known.get(Math.floorMod(name.hashCode(), known.size()));
    }

    /**
     * What betrays a Java failure in output: the shell's "internal error" line, a stack frame, or
     * a qualified exception or error class name (java.lang.NullPointerException).
     */
    private static final java.util.regex.Pattern FAILURE = java.util.regex.Pattern.compile(
            "aplab: internal error|\tat [\\w$.]+\\(|Caused by: |\\b[a-z][\\w$]*(?:\\.[\\w$]+)*\\.(?:[A-Z][\\w$]*)?(?:Exception|Error)\\b");

    /**
     * The fragments of {@code output} that show a Java failure and do not come from {@code input}
     * (a fuzzer that puts "Exception" or a class name in the input sees it echoed in an error
     * message: that is not a failure).
     */
    static List<String> failures(String output, String input) {
        List<String> found = new java.util.ArrayList<>();
        java.util.regex.Matcher m = FAILURE.matcher(output);
        while (m.find()) {
            if (!input.contains(m.group())) {
                found.add(m.group());
            }
        }
        return found;
    }

    /** The input as it would show in a message: escaped, cut at 60 characters. */
    static String printable(String s) {
        return Invariants.printable(s);
    }

    private static Path dir;

    /** A new file holding {@code bytes}, in a directory removed when the JVM exits. */
    static synchronized Path file(String suffix, byte[] bytes) {
        try {
            if (dir == null) {
                dir = Files.createTempDirectory("aplab-fuzz");
                dir.toFile().deleteOnExit();
            }
            Path f = Files.createTempFile(dir, "in", suffix);
            f.toFile().deleteOnExit();
            Files.write(f, bytes);
            return f;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static void delete(Path f) {
        try {
            Files.deleteIfExists(f);
        } catch (IOException e) {
            // the JVM removes it at exit
        }
    }

    /** A kernel by release name, or mainline when the name is none. */
    static Kernel kernel(String name) {
        for (Kernel v : Kernel.named()) {
            if (v.name().equals(name)) {
                return v;
            }
        }
        return Kernel.MAINLINE;
    }

    /**
     * A host with something everywhere: adapters 5 and 6 with vfio_ap and adapter 7 with the host,
     * two mdevs, one of them with a matrix and (from 6.0) a running guest, and an unbound queue.
     */
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

    private static final Map<Kernel, List<String>> WRITABLE = new ConcurrentHashMap<>();

    /**
     * Every file of {@link #richHost} a write can open, each once: links are not followed (the bus
     * and class views lead to the same attributes as /sys/devices).
     */
    static List<String> writableFiles(Kernel v) {
        return WRITABLE.computeIfAbsent(v, k -> {
            Sysfs s = new Sysfs(richHost(k));
            List<String> out = new ArrayList<>();
            walk(s, "/sys", out, new TreeSet<>());
            return List.copyOf(out);
        });
    }

    private static void walk(Sysfs s, String dir, List<String> out, Set<String> seen) {
        for (String e : s.list(dir)) {
            String p = dir + "/" + e;
            if (s.readlink(p) != null) {
                continue;
            }
            if (s.isDirectory(p)) {
                if (seen.add(p)) {
                    walk(s, p, out, seen);
                }
                continue;
            }
            try {
                s.openWrite(p);
                out.add(p);
            } catch (SysfsException x) {
                // read-only
            }
        }
    }

    /** The attribute name of a path (its last component). */
    static String attribute(String path) {
        return path.substring(path.lastIndexOf('/') + 1);
    }
}
