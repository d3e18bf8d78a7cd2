package aplab.kernel;

import static aplab.kernel.Commit.*;

import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * A kernel the model runs as: a named set of {@link Commit}s from the catalogue. Driver code asks
 * {@link #has(Commit)}; nothing compares version numbers. The named kernels are releases (5.17, 6.0
 * as released, 6.8, 6.10, 6.19), two Debian stable packages (6.1 = linux-source-6.1 6.1.192, 6.12 =
 * linux-source-6.12 6.12.118, each with its backports) and {@code mainline} (6.19 plus the 2026
 * vfio_ap fixes, the default). {@link #with}/{@link #without} build what-if kernels: a
 * distribution backport, or one fix bisected.
 */
public final class Kernel {
    private static final Set<Commit> AP_BUS_5_18 = EnumSet.of(AP_IN_USE_CALLBACK, AP_CONFIG_CALLBACKS);
    private static final Set<Commit> SERIES_6_8 = EnumSet.of(ALWAYS_FILTER_ENTIRE_MATRIX, LOOP_OVER_SHADOW,
            SCAN_COMPLETE_FILTERS, RESET_FILTERED_QUEUES, RESET_ADAPTER_ON_UNBIND, NO_RESET_REMOVED_FROM_HOST);
    private static final Set<Commit> FIXES_2026 = EnumSet.of(FIX_CDOM_REMOVAL, FIX_LAST_UNPLUG, FIX_STALE_PQAP_HOOK,
            FIX_MISSING_LOCKS, FIX_NULL_KVM, FIX_STALE_DO_REMOVE, FIX_UNINIT_APM_FILTERED);
    /** The 6.19 AP bus series (driver_override). */
    private static final Set<Commit> AP_BUS_6_19 = EnumSet.of(AP_DRIVER_OVERRIDE, AP_RESTRICT_DRIVER_OVERRIDE,
            AP_IN_USE_ALL_ONES);

    public static final Kernel V5_17 = new Kernel("5.17", "Linux 5.17, before the dynamic configuration series",
            EnumSet.noneOf(Commit.class), List.of());
    public static final Kernel V6_0 = V5_17.plus("6.0", "Linux 6.0 as released (the v20 series, 6.0-rc fixes)",
            AP_BUS_5_18, Commit.series(), EnumSet.of(BYPASS_UNNECESSARY));
    // 6.1.192 has no apm_filtered (no reset-filtered-queues), so fix-uninit-apm-filtered is not in it
    public static final Kernel V6_1 = V6_0.plus("6.1", "Debian linux-source-6.1 6.1.192 (6.1 with stable backports)",
            EnumSet.of(FIX_STATUS_ATTR, ALWAYS_FILTER_ENTIRE_MATRIX, LOOP_OVER_SHADOW, SCAN_COMPLETE_FILTERS,
                    FIX_SHARING_MESSAGE),
            EnumSet.of(FIX_CDOM_REMOVAL, FIX_LAST_UNPLUG, FIX_STALE_PQAP_HOOK, FIX_MISSING_LOCKS, FIX_NULL_KVM,
                    FIX_STALE_DO_REMOVE));
    public static final Kernel V6_8 = V6_0.plus("6.8", "Linux 6.8 (the January 2024 filtering and reset series)",
            EnumSet.of(FIX_STATUS_ATTR, PASS_DECONFIGURED, REQUEST_CALLBACK), SERIES_6_8);
    public static final Kernel V6_10 = V6_8.plus("6.10", "Linux 6.10 (ap_config)",
            EnumSet.of(AP_CONFIG_ATTR, IGNORE_DUPLICATE_LINK, AP_SCAN_BUS_MUTEX));
    public static final Kernel V6_12 = V6_10.plus("6.12", "Debian linux-source-6.12 6.12.118 (6.12 with stable backports)",
            EnumSet.of(FEATURES_ATTR, AP_BUS_FEATURES, FIX_SHARING_MESSAGE), FIXES_2026);
    public static final Kernel V6_19 = V6_10.plus("6.19", "Linux 6.19",
            EnumSet.of(FEATURES_ATTR, AP_BUS_FEATURES, FIX_SHARING_MESSAGE), AP_BUS_6_19);
    public static final Kernel MAINLINE = V6_19.plus("mainline", "6.19 plus the 2026 vfio_ap fixes", FIXES_2026);

    /** The default kernel. */
    public static final Kernel DEFAULT = MAINLINE;

    private static final List<Kernel> NAMED = List.of(V5_17, V6_0, V6_1, V6_8, V6_10, V6_12, V6_19, MAINLINE);

    private final String base;
    private final String label;
    private final Set<Commit> commits;
    /** The same commits, asked by {@link #has} (an EnumSet: one bit test). */
    private final EnumSet<Commit> present;
    /** {@link #name}, built once. */
    private final String name;
    /** The --with / --without steps from the named kernel, in order ("+id" / "-id"). */
    private final List<String> changes;

    private Kernel(String base, String label, Set<Commit> commits, List<String> changes) {
        this.base = base;
        this.label = label;
        EnumSet<Commit> c = EnumSet.noneOf(Commit.class);
        c.addAll(commits);
        this.present = c;
        this.commits = Collections.unmodifiableSet(c);
        this.changes = List.copyOf(changes);
        StringBuilder b = new StringBuilder(base);
        for (String ch : this.changes) {
            b.append(ch.charAt(0) == '+' ? " --with " : " --without ").append(ch.substring(1));
        }
        this.name = b.toString();
    }

    @SafeVarargs
    private Kernel plus(String name, String label, Set<Commit>... added) {
        EnumSet<Commit> c = EnumSet.noneOf(Commit.class);
        c.addAll(commits);
        for (Set<Commit> a : added) {
            c.addAll(a);
        }
        return new Kernel(name, label, c, List.of());
    }

    /** The named kernels, oldest first. */
    public static List<Kernel> named() {
        return NAMED;
    }

    /** Whether the kernel has that commit (or, for a series patch, the series). */
    public boolean has(Commit c) {
        return present.contains(c);
    }

    public Set<Commit> commits() {
        return commits;
    }

    /**
     * The kernel's name as {@code aplab kernel} takes it: the named kernel, then its what-if steps
     * ({@code mainline --without always-filter-entire-matrix}).
     */
    public String name() {
        return name;
    }

    /** The same as {@link #name()}: what {@code aplab kernel} takes (the word notebooks print). */
    public String release() {
        return name();
    }

    /** The named kernel it was built from. */
    public String base() {
        return base;
    }

    /** What the named kernel is ("Debian linux-source-6.12 6.12.118 ..."). */
    public String label() {
        return label;
    }

    /** Whether this is a named kernel as it stands (no --with / --without). */
    public boolean isNamed() {
        return changes.isEmpty();
    }

    /** A what-if kernel with the commit added, and what it requires (the whole series for a series patch). */
    public Kernel with(Commit c) {
        Set<Commit> next = EnumSet.noneOf(Commit.class);
        next.addAll(commits);
        addWithRequirements(next, c);
        return changed(next, "+" + c.id());
    }

    /** A what-if kernel without the commit and without every commit that needs it. */
    public Kernel without(Commit c) {
        Set<Commit> next = EnumSet.noneOf(Commit.class);
        next.addAll(commits);
        Set<Commit> drop = c.inSeries() ? EnumSet.copyOf(Commit.series()) : EnumSet.of(c);
        boolean grew = true;
        while (grew) {
            grew = false;
            for (Commit k : Commit.values()) {
                if (!drop.contains(k) && dependsOnAny(k, drop)) {
                    drop.add(k);
                    grew = true;
                }
            }
            // the series goes as one
            if (drop.stream().anyMatch(Commit::inSeries) && !drop.containsAll(Commit.series())) {
                drop.addAll(Commit.series());
                grew = true;
            }
        }
        next.removeAll(drop);
        return changed(next, "-" + c.id());
    }

    /** The commits {@link #without} would drop along with c (c itself excluded), in catalogue order. */
    public List<Commit> droppedWith(Commit c) {
        Kernel k = without(c);
        List<Commit> out = new ArrayList<>();
        for (Commit x : commits) {
            if (x != c && !k.has(x)) {
                out.add(x);
            }
        }
        return out;
    }

    private static boolean dependsOnAny(Commit k, Set<Commit> drop) {
        for (Commit r : k.requires()) {
            if (drop.contains(r)) {
                return true;
            }
        }
        return false;
    }

    private static void addWithRequirements(Set<Commit> set, Commit c) {
        if (c.inSeries()) {
            for (Commit s : Commit.series()) {
                if (set.add(s)) {
                    s.requires().forEach(r -> addWithRequirements(set, r));
                }
            }
            return;
        }
        if (set.add(c)) {
            c.requires().forEach(r -> addWithRequirements(set, r));
        }
    }

    private Kernel changed(Set<Commit> next, String step) {
        List<String> ch = new ArrayList<>(changes);
        ch.add(step);
        return new Kernel(base, label, next, ch);
    }

    /**
     * A kernel by its {@link #name()}: a named kernel ({@code 6.12}, {@code mainline}), optionally
     * followed by {@code --with COMMIT} / {@code --without COMMIT} steps, applied in order. A
     * one-line error (IllegalArgumentException) listing the names otherwise.
     */
    public static Kernel parse(String text) {
        String[] w = (text == null ? "" : text.trim()).split("\\s+");
        Kernel k = named(w[0], text);
        for (int i = 1; i < w.length; i++) {
            if ((w[i].equals("--with") || w[i].equals("--without")) && i + 1 < w.length) {
                Commit c = Commit.parse(w[i + 1]);
                k = w[i].equals("--with") ? k.with(c) : k.without(c);
                i++;
            } else {
                throw new IllegalArgumentException("unknown kernel '" + text + "' (a name, then --with COMMIT or "
                        + "--without COMMIT; known names: " + names() + ")");
            }
        }
        return k;
    }

    private static Kernel named(String name, String text) {
        for (Kernel k : NAMED) {
            if (k.base.equals(name)) {
                return k;
            }
        }
        throw new IllegalArgumentException("unknown kernel '" + text + "' (known: " + names() + ")");
    }

    /** The named kernels' names, comma-separated. */
    public static String names() {
        List<String> n = new ArrayList<>();
        for (Kernel k : NAMED) {
            n.add(k.base);
        }
        return String.join(", ", n);
    }

    /**
     * A kernel from words as {@code aplab kernel} takes them: a name, then any number of
     * {@code --with COMMIT} / {@code --without COMMIT}.
     */
    public static Kernel parse(String name, List<String> with, List<String> without) {
        Kernel k = named(name == null ? "" : name.trim(), name);
        for (String w : with) {
            k = k.with(Commit.parse(w));
        }
        for (String w : without) {
            k = k.without(Commit.parse(w));
        }
        return k;
    }

    /**
     * What {@code aplab kernel --list} prints: each named kernel on one line (name, what it is,
     * how many catalogue commits it has); with {@code verbose} each kernel's commits follow it,
     * one a line: id, mainline release, upstream title.
     */
    public static List<String> listing(boolean verbose) {
        List<String> out = new ArrayList<>();
        for (Kernel k : NAMED) {
            out.add(String.format("%-9s %s%s (%d of %d commits)", k.base, k.label, k == DEFAULT ? ", the default" : "",
                    k.commits.size(), Commit.values().length));
            if (verbose) {
                for (Commit c : k.commits) {
                    out.add(String.format("  %-30s %-5s %s", c.id(), c.release(), c.title()));
                }
            }
        }
        return out;
    }

    /** The lines {@code aplab kernel} prints for this kernel: its name, label and, for a what-if, the commits it changed. */
    public List<String> describe() {
        List<String> out = new ArrayList<>();
        out.add(name() + ": " + label() + (isNamed() ? "" : " (what-if)"));
        Kernel named = named(base, base);
        for (Commit c : Commit.values()) {
            if (named.has(c) != has(c)) {
                out.add(String.format("  %s %-30s %s", has(c) ? "+" : "-", c.id(), c.title()));
            }
        }
        return out;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Kernel k && k.base.equals(base) && k.commits.equals(commits) && k.changes.equals(changes);
    }

    @Override
    public int hashCode() {
        return Objects.hash(base, commits, changes);
    }

    @Override
    public String toString() {
        return name();
    }
}
