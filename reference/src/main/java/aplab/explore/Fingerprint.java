package aplab.explore;

import aplab.ap.ApCard;
import aplab.ap.ApConfigInfo;
import aplab.ap.ApMask;
import aplab.ap.ApQueue;
import aplab.host.Guest;
import aplab.host.Host;
import aplab.host.HostState;
import aplab.kvm.Kvm;
import aplab.lockdep.TrackedLock;
import aplab.vfioap.MatrixMdev;
import aplab.vfioap.VfioApOps;
import aplab.vfioap.VfioApQueue;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * A 128-bit fingerprint of a host's state: the same facts as {@link HostState#of} (QCI and
 * vfio_ap's copy, masks, cards, queues with driver, reset code and link, mdevs with matrix, shadow,
 * guest and qtable, available instances, guests with their devices and CRYCB), hashed from the
 * model's values instead of rendered as text. {@code ExploreTest} checks that two states have the
 * same fingerprint exactly when they have the same {@link HostState} text.
 *
 * <p><b>Symmetry.</b> {@link #canonical} also hashes the state with the two mdevs' UUIDs swapped
 * (mdevs re-sorted, links and guest devices renamed) and keeps the smaller of the two. That merges
 * a state with its mirror image, which is sound because the explorer's alphabet is closed under
 * the swap (every mdev operation exists for both UUIDs, and guest start for both) and the model
 * never looks at a UUID's value except to find the mdev (the kernel orders nothing by UUID either),
 * so mirror states have mirror successors and the same invariant verdicts. {@code ExploreTest}
 * checks the closure on the unreduced state space. Adapters, domains and the guest are not
 * symmetric in the alphabet (apmask and card config touch adapter 5 only, the configuration
 * changes remove adapter 6 or domain 0x47), so they are not reduced.
 *
 * <p>Like {@link HostState}, it takes {@code ap_perms_mutex} and {@code mdevs_lock} one at a time:
 * call it on a quiescent host, holding no lock.
 */
public final class Fingerprint {
    /** A fingerprint: two independent 64-bit hashes of the same value stream. */
    public record Key(long a, long b) {
    }

    private long h1 = 0x243F6A8885A308D3L;
    private long h2 = 0x13198A2E03707344L;
    private long n;

    private Fingerprint() {
    }

    private void add(long v) {
        n++;
        h1 = Long.rotateLeft((h1 ^ v) * 0x9E3779B97F4A7C15L, 29) + n;
        h2 = (h2 ^ Long.rotateLeft(v, 17) ^ n) * 0xBF58476D1CE4E5B9L;
        h2 ^= h2 >>> 31;
    }

    private void add(ApMask m) {
        for (int w = 0; w < ApMask.BITS / 64; w++) {
            add(m.word(w));
        }
    }

    private void add(String s) {
        add(s == null ? -1 : s.hashCode() * 31L + s.length());
    }

    private Key key() {
        long a = h1 ^ (h1 >>> 33);
        a *= 0xff51afd7ed558ccdL;
        a ^= a >>> 33;
        long b = h2 ^ (h2 >>> 29);
        b *= 0xc4ceb9fe1a85ec53L;
        b ^= b >>> 32;
        return new Key(a, b ^ n);
    }

    /** The fingerprint of the state as it is. */
    public static Key of(Host host) {
        return Facts.of(host).key(UnaryOperator.identity());
    }

    /**
     * The fingerprint of the state and of its image under the swap of {@code u1} and {@code u2}, the
     * smaller of the two (the same for a state and its mirror image). The host is read once.
     */
    public static Key canonical(Host host, String u1, String u2) {
        Facts f = Facts.of(host);
        Key a = f.key(UnaryOperator.identity());
        Key b = f.key(u -> u.equals(u1) ? u2 : u.equals(u2) ? u1 : u);
        return compare(a, b) <= 0 ? a : b;
    }

    /**
     * The plain fingerprint ({@link #of(Host)}, first) and the canonical one ({@link #canonical},
     * second; with {@code u1 == null} the plain one again), the host read once; when the plain one
     * equals {@code unchanged} (may be null) the canonical one is not computed and the second
     * element is null.
     */
    public static Key[] plainAndCanonical(Host host, String u1, String u2, Key unchanged) {
        Facts f = Facts.of(host);
        Key a = f.key(UnaryOperator.identity());
        if (a.equals(unchanged)) {
            return new Key[] {a, null};
        }
        if (u1 == null) {
            return new Key[] {a, a};
        }
        Key b = f.key(u -> u.equals(u1) ? u2 : u.equals(u2) ? u1 : u);
        return new Key[] {a, compare(a, b) <= 0 ? a : b};
    }

    private static int compare(Key x, Key y) {
        int c = Long.compareUnsigned(x.a(), y.a());
        return c != 0 ? c : Long.compareUnsigned(x.b(), y.b());
    }

    /** The fingerprint of the state with every mdev UUID {@code u} read as {@code rename(u)}. */
    static Key of(Host host, UnaryOperator<String> rename) {
        return Facts.of(host).key(rename);
    }

    private Fingerprint copyState() {
        Fingerprint c = new Fingerprint();
        c.h1 = h1;
        c.h2 = h2;
        c.n = n;
        return c;
    }

    /**
     * The host read once: everything that does not name an mdev already hashed ({@code global}), each
     * mdev's own facts hashed, and what names an mdev (queue links, mdev order, guest devices) kept
     * so that it can be hashed under a renaming.
     */
    private record Facts(Fingerprint global, int[] queueCodes, String[] queueLinks, String[] mdevUuids, Key[] mdevDigests,
            List<Guest> guests, boolean[] running) {
        static Facts of(Host host) {
            Fingerprint f = new Fingerprint();
            f.add(host.version().release());
            f.config(host.bus().qci());
            f.add(host.bus().apmask());
            f.add(host.bus().aqmask());
            aplab.ap.ApBusAttributes ba = host.bus().attributes();
            f.add(ba.domainIndex());
            f.add(ba.configTime());
            f.add(ba.pollThread() ? 1 : 0);
            f.add(ba.pollTimeout());
            for (ApCard c : host.bus().cards().values()) {
                f.add(0xCA4D0000L | c.apid());
                f.add(c.type().hashCode());
                f.add((c.config() ? 1 : 0) | (c.zcryptOnline() ? 2 : 0));
            }
            VfioApOps vfio = host.vfioAp();
            f.add(vfio.availableInstancesShow());
            TrackedLock mdevsLock = vfio.matrixDev().mdevsLock();
            boolean take = !mdevsLock.isHeldByCurrentThread();
            if (take) {
                mdevsLock.lock();
            }
            int[] codes;
            String[] links;
            String[] uuids;
            Key[] digests;
            try {
                f.config(vfio.matrixDev().info());
                var queues = host.bus().queues().values();
                codes = new int[queues.size()];
                links = new String[queues.size()];
                int i = 0;
                for (ApQueue q : queues) {
                    f.add((q.apqn().apid() << 8) | q.apqn().apqi());
                    f.add(q.driver() == null ? "none" : q.driver().name());
                    f.add(q.stateBits());
                    if (q.drvdata() instanceof aplab.ap.Cex4QueueDriver.ZcryptQueue zq) {
                        f.add(zq.online() ? 3 : 4);
                    }
                    if (q.drvdata() instanceof VfioApQueue vq) {
                        f.add(vq.resetRc());
                        links[i] = vq.matrixMdev() == null ? "" : vq.matrixMdev().uuid();
                    } else {
                        f.add(-2);
                    }
                    i++;
                }
                List<MatrixMdev> mdevs = vfio.mdevs();
                uuids = new String[mdevs.size()];
                digests = new Key[mdevs.size()];
                for (int k = 0; k < uuids.length; k++) {
                    MatrixMdev m = mdevs.get(k);
                    uuids[k] = m.uuid();
                    Fingerprint d = new Fingerprint();
                    m.digest(d::add);
                    Kvm kvm = m.kvm();
                    d.add(kvm == null ? "none" : kvm.name());
                    digests[k] = d.key();
                }
            } finally {
                if (take) {
                    mdevsLock.unlock();
                }
            }
            List<Guest> guests = new ArrayList<>(host.guests());
            guests.sort((x, y) -> x.name().compareTo(y.name()));
            boolean[] running = new boolean[guests.size()];
            for (int g = 0; g < running.length; g++) {
                running[g] = host.running(guests.get(g).name());
            }
            return new Facts(f, codes, links, uuids, digests, guests, running);
        }

        Key key(UnaryOperator<String> rename) {
            Fingerprint f = global.copyState();
            for (String link : queueLinks) {
                f.add(link == null ? "-" : link.isEmpty() ? "none" : rename.apply(link));
            }
            Integer[] order = new Integer[mdevUuids.length];
            String[] names = new String[mdevUuids.length];
            for (int k = 0; k < order.length; k++) {
                order[k] = k;
                names[k] = rename.apply(mdevUuids[k]);
            }
            java.util.Arrays.sort(order, (x, y) -> names[x].compareTo(names[y]));
            f.add(order.length);
            for (int k : order) {
                f.add(names[k]);
                f.add(mdevDigests[k].a());
                f.add(mdevDigests[k].b());
            }
            for (int g = 0; g < guests.size(); g++) {
                Guest guest = guests.get(g);
                f.add(guest.name());
                f.add(running[g] ? 1 : 0);
                List<String> devices = guest.mdevs().stream().map(m -> rename.apply(m.uuid())).sorted().toList();
                f.add(devices.size());
                devices.forEach(f::add);
                Kvm kvm = guest.kvm();
                f.add(kvm.apm());
                f.add(kvm.aqm());
                f.add(kvm.adm());
            }
            return f.key();
        }
    }

    private void config(ApConfigInfo c) {
        add(c.apm());
        add(c.aqm());
        add(c.adm());
        add(c.apxa() ? 1 : 0);
        add(c.na());
        add(c.nd());
        add(c.apsb() ? 1 : 0);
    }
}
