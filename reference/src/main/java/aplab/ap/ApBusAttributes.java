package aplab.ap;

import aplab.kernel.Errno;
import aplab.kernel.KernelException;
import aplab.kernel.Kstrtox;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The AP bus's own tunables and counters (drivers/s390/crypto/ap_bus.c) behind the bus attributes
 * {@code ap_domain}, {@code config_time}, {@code poll_thread}, {@code poll_timeout} and
 * {@code scans}: their values at boot, their stores with the kernel's errno, the scan counter
 * ({@code ap_scan_bus_count}) and the default domain choice ({@code ap_select_domain}).
 */
public final class ApBusAttributes {
    /** AP_CONFIG_TIME: seconds between two scans of the bus timer. */
    public static final int CONFIG_TIME = 30;
    /** poll_high_timeout at boot, in nanoseconds. */
    public static final long POLL_TIMEOUT = 250000L;

    private final AtomicLong scans = new AtomicLong();
    private volatile int domainIndex = -1;
    private volatile int configTime = CONFIG_TIME;
    private volatile boolean pollThread;
    private volatile long pollTimeout = POLL_TIMEOUT;

    /** Every value of {@code o} (for a copied bus). */
    void copyFrom(ApBusAttributes o) {
        scans.set(o.scans.get());
        domainIndex = o.domainIndex;
        configTime = o.configTime;
        pollThread = o.pollThread;
        pollTimeout = o.pollTimeout;
    }

    /** ap_scan_bus_count: scans run so far (the first is the boot scan). */
    public long scans() {
        return scans.get();
    }

    void scanDone() {
        scans.incrementAndGet();
    }

    /** ap_domain_index: the default domain, -1 until one is chosen. */
    public int domainIndex() {
        return domainIndex;
    }

    public int configTime() {
        return configTime;
    }

    public boolean pollThread() {
        return pollThread;
    }

    public long pollTimeout() {
        return pollTimeout;
    }

    /**
     * ap_select_domain, at the start of every scan: once chosen the default domain stays; else the
     * lowest usage domain of the QCI that aqmask leaves to the host and that has a queue on a
     * configured adapter apmask leaves to the host (TAPQ answers normally only there).
     */
    void selectDomain(ApBus bus, ApConfigInfo qci, ApMask apmask, ApMask aqmask) {
        if (domainIndex >= 0) {
            return;
        }
        int maxDom = bus.maxDomainId();
        int maxAp = bus.maxAdapterId();
        for (int dom = 0; dom <= maxDom; dom++) {
            if (!qci.hasUsageDomain(dom) || !aqmask.test(dom)) {
                continue;
            }
            for (int ap = 0; ap <= maxAp; ap++) {
                if (!qci.hasAdapter(ap) || !apmask.test(ap)) {
                    continue;
                }
                ApCard card = bus.cards().get(ap);
                if (card == null || card.config()) {
                    domainIndex = dom;
                    return;
                }
            }
        }
    }

    /** ap_domain_store: {@code sscanf("%i")}, within ap_max_domain_id and in aqmask, else EINVAL. */
    void domainStore(String buf, int maxDomain, ApMask aqmask) {
        Long v = sscanfI(buf);
        if (v == null || v < 0 || v > maxDomain || !aqmask.test((int) (long) v)) {
            throw new KernelException(Errno.EINVAL);
        }
        domainIndex = (int) (long) v;
    }

    /** config_time_store: {@code sscanf("%d")} of 5..120, else EINVAL. */
    public void configTimeStore(String buf) {
        Long v = Kstrtox.sscanfInt(buf);
        if (v == null || v < 5 || v > 120) {
            throw new KernelException(Errno.EINVAL);
        }
        configTime = (int) (long) v;
    }

    /** poll_thread_store: kstrtobool (y/Y/1/t/T/on true; n/N/0/f/F/off false), else EINVAL. */
    public void pollThreadStore(String buf) {
        pollThread = kstrtobool(buf);
    }

    /** poll_timeout_store: kstrtoul (EINVAL, ERANGE), EINVAL above 120 s. */
    public void pollTimeoutStore(String buf) {
        long v = Kstrtox.kstrtoul(buf);
        if (Long.compareUnsigned(v, 120000000000L) > 0) {
            throw new KernelException(Errno.EINVAL);
        }
        pollTimeout = v;
    }

    /** kstrtobool (lib/kstrtox.c): the first character decides; "on"/"of" need the second. */
    static boolean kstrtobool(String buf) {
        String s = Kstrtox.cstr(buf);
        if (s.isEmpty()) {
            throw new KernelException(Errno.EINVAL);
        }
        switch (s.charAt(0)) {
            case 'y', 'Y', 't', 'T', '1':
                return true;
            case 'n', 'N', 'f', 'F', '0':
                return false;
            case 'o', 'O':
                if (s.length() > 1) {
                    char c = s.charAt(1);
                    if (c == 'n' || c == 'N') {
                        return true;
                    }
                    if (c == 'f' || c == 'F') {
                        return false;
                    }
                }
                throw new KernelException(Errno.EINVAL);
            default:
                throw new KernelException(Errno.EINVAL);
        }
    }

    /** sscanf("%i"): blanks, a sign, then a C literal (0x hex, 0 octal, decimal); null if none. */
    static Long sscanfI(String buf) {
        String s = Kstrtox.cstr(buf);
        int i = 0;
        while (i < s.length() && Character.isWhitespace(s.charAt(i))) {
            i++;
        }
        boolean neg = false;
        if (i < s.length() && (s.charAt(i) == '+' || s.charAt(i) == '-')) {
            neg = s.charAt(i) == '-';
            i++;
        }
        int base = 10;
        if (i < s.length() && s.charAt(i) == '0') {
            if (i + 2 < s.length() && (s.charAt(i + 1) == 'x' || s.charAt(i + 1) == 'X')
                    && Character.digit(s.charAt(i + 2), 16) >= 0) {
                base = 16;
                i += 2;
            } else {
                base = 8;
            }
        }
        int start = i;
        long v = 0;
        while (i < s.length() && Character.digit(s.charAt(i), base) >= 0) {
            if (v < 1L << 40) {
                v = v * base + Character.digit(s.charAt(i), base);
            }
            i++;
        }
        if (i == start) {
            return null;
        }
        return neg ? -v : v;
    }
}
