package aplab.lszcrypt;

import java.util.ArrayList;
import java.util.List;

/**
 * The s390-tools releases whose {@code lszcrypt} and {@code ap-check} the model reproduces, with
 * what changed between them (from s390-tools' git history, zconf/zcrypt/lszcrypt.c):
 * <ul>
 *   <li>2.40: QDEPTH is the {@code depth} attribute plus one (the kernel showed TAPQ's qd); no
 *       cards is an error ({@code No crypto card devices found.}, exit 1); {@code -b} prints
 *       {@code ap_domain=0x%lx}.</li>
 *   <li>2.41: QDEPTH is {@code depth} as read (commit 346a69e5, "Update depth field calculation
 *       based on kernel change": the kernel now shows qd + 1).</li>
 *   <li>2.42: an empty device list is the header alone and exit 0 (1afa6efb); the listing,
 *       {@code -b} and {@code -d} warn when the default domain is not a usage domain (d0046257),
 *       and {@code -b} prints {@code ap_domain=0x%02lx}, {@code -1 (not set)} or
 *       {@code (unavailable)}.</li>
 *   <li>2.43: lszcrypt as 2.42 (its changes are elsewhere).</li>
 * </ul>
 */
public enum S390Tools {
    V2_40("2.40"),
    V2_41("2.41"),
    V2_42("2.42"),
    V2_43("2.43");

    /** The newest release modelled: the default. */
    public static final S390Tools NEWEST = V2_43;

    private final String release;

    S390Tools(String release) {
        this.release = release;
    }

    public String release() {
        return release;
    }

    /** QDEPTH is {@code depth} + 1 (before 2.41). */
    public boolean addsOneToDepth() {
        return this == V2_40;
    }

    /** No cards: the header alone, exit 0 (2.42 and later); before, an error. */
    public boolean emptyListIsFine() {
        return compareTo(V2_42) >= 0;
    }

    /** The default-domain warning and the newer {@code -b} format (2.42 and later). */
    public boolean warnsDefaultDomain() {
        return compareTo(V2_42) >= 0;
    }

    /** {@code 2.42}, {@code 2.42.1}, {@code v2.40.0}, {@code 2.40}: the release, or null. */
    public static S390Tools parse(String text) {
        String t = text.startsWith("v") ? text.substring(1) : text;
        String[] p = t.split("\\.", -1);
        if (p.length < 2 || p.length > 3) {
            return null;
        }
        for (String x : p) {
            if (!x.matches("[0-9]{1,3}")) {
                return null;
            }
        }
        String key = Integer.parseInt(p[0]) + "." + Integer.parseInt(p[1]);
        for (S390Tools r : values()) {
            if (r.release.equals(key)) {
                return r;
            }
        }
        return null;
    }

    /** The releases, oldest first, as {@code aplab s390-tools --list} prints them. */
    public static List<String> list() {
        List<String> out = new ArrayList<>();
        for (S390Tools r : values()) {
            out.add(r.release + (r == NEWEST ? " (default)" : ""));
        }
        return out;
    }
}
