package aplab.oracle;

import aplab.ap.ApMask;
import aplab.check.HostOp;
import aplab.explore.Space;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Random operation sequences for differential testing, as transcript command lines. Two scopes:
 *
 * <ul>
 * <li><b>small</b>: the explorer's start state ({@link Space#setup()}: adapters 05, 06 x domains
 *     0004, 0047 given to vfio_ap, two mdevs) and operations drawn from its alphabet
 *     ({@link Space#alphabet()}), with reads of the mdevs' attributes and the masks mixed in;</li>
 * <li><b>large</b>: up to 256 adapters and 256 domains (whole ranges, runs, scattered ids; now and
 *     then the whole 256 x 256 matrix), the same kinds of operation ({@link HostOp}) with ids inside
 *     and outside the configuration and malformed values, absolute and relative mask edits,
 *     {@code ap_config} with whole and partial masks, bind/unbind of any queue, cards configured
 *     off and on, host configuration changes, three mdevs and two guests.</li>
 * </ul>
 *
 * A sequence is a function of (seed, index) only, so a divergence can be replayed from its numbers.
 */
public final class Sequences {
    /** One command and whether it can change state (after those, guests and resets are compared). */
    public record Step(String command, boolean mutating) {
        static Step of(HostOp op) {
            return new Step(op.command(), !op.readOnly());
        }

        static Step read(String command) {
            return new Step(command, false);
        }
    }

    /** A generated sequence: where it came from, its scope, its guests and its steps. */
    public record Sequence(long seed, long index, String scope, List<String> guests, List<Step> steps) {
        public Sequence withSteps(List<Step> s) {
            return new Sequence(seed, index, scope, guests, List.copyOf(s));
        }
    }

    static final String U3 = "33333333-3333-3333-3333-333333333333";
    static final String G2 = "g2";
    private static final String MATRIX = "/sys/devices/vfio_ap/matrix/";
    private static final String SCANS = "/sys/bus/ap/scans";
    private static final List<HostOp> ALPHABET = Space.alphabet();

    private final int maxSteps;
    private final int wholeMatrixOneIn;

    /**
     * {@code maxSteps} bounds the operations after the setup; one large sequence in
     * {@code wholeMatrixOneIn} (0: never) configures all 256 x 256 queues.
     */
    public Sequences(int maxSteps, int wholeMatrixOneIn) {
        this.maxSteps = Math.max(1, maxSteps);
        this.wholeMatrixOneIn = wholeMatrixOneIn;
    }

    /** The random generator of sequence {@code index} of run {@code seed}. */
    static Random random(long seed, long index) {
        long x = seed * 0x9E3779B97F4A7C15L + index * 0xC2B2AE3D27D4EB4FL + 0x165667B19E3779F9L;
        return new Random(x ^ (x >>> 29));
    }

    public Sequence generate(long seed, long index) {
        Random r = random(seed, index);
        return r.nextBoolean() ? small(seed, index, r) : large(seed, index, r);
    }

    // ------------------------------------------------------------------ small scope

    private Sequence small(long seed, long index, Random r) {
        List<Step> steps = new ArrayList<>();
        for (HostOp op : Space.setup()) {
            steps.add(Step.of(op));
        }
        int n = 1 + r.nextInt(maxSteps);
        for (int i = 0; i < n; i++) {
            if (r.nextInt(6) == 0) {
                steps.add(smallRead(r));
            } else {
                steps.add(Step.of(ALPHABET.get(r.nextInt(ALPHABET.size()))));
            }
        }
        return new Sequence(seed, index, "small", List.of(Space.GUEST), List.copyOf(steps));
    }

    private static Step smallRead(Random r) {
        String u = r.nextBoolean() ? Space.U1 : Space.U2;
        return switch (r.nextInt(7)) {
            case 0 -> Step.read("cat " + HostOp.mdev(u, "matrix"));
            case 1 -> Step.read("cat " + HostOp.mdev(u, "guest_matrix"));
            case 2 -> Step.read("cat " + HostOp.mdev(u, "control_domains"));
            case 3 -> Step.read("cat " + HostOp.mdev(u, "ap_config"));
            case 4 -> Step.read("cat " + HostOp.APMASK);
            case 5 -> Step.read("ls /sys/bus/ap/drivers/vfio_ap");
            default -> Step.read("cat " + MATRIX + "mdev_supported_types/vfio_ap-passthrough/available_instances");
        };
    }

    // ------------------------------------------------------------------ large scope

    /** The host configuration a large sequence starts from and changes. */
    private static final class Config {
        ApMask apm;
        ApMask aqm;
        ApMask adm;

        Config(ApMask apm, ApMask aqm, ApMask adm) {
            this.apm = apm;
            this.aqm = aqm;
            this.adm = adm;
        }

        HostOp op() {
            return new HostOp.Configure(apm.copy(), aqm.copy(), adm.copy());
        }
    }

    private Sequence large(long seed, long index, Random r) {
        Config c;
        if (wholeMatrixOneIn > 0 && r.nextInt(wholeMatrixOneIn) == 0) {
            c = new Config(ApMask.range(0, 255), ApMask.range(0, 255), ApMask.range(0, 255));
        } else {
            // up to 256 on one dimension, a few on the other: at most about a thousand queues
            boolean wideAdapters = r.nextBoolean();
            ApMask apm = ids(r, wideAdapters ? 256 : 4);
            ApMask aqm = ids(r, wideAdapters ? 4 : 256);
            c = new Config(apm, aqm, r.nextInt(3) == 0 ? ids(r, 256) : aqm.copy());
        }
        List<String> uuids = List.of(Space.U1, Space.U2, U3);
        List<Step> steps = new ArrayList<>();
        steps.add(Step.of(c.op()));
        // give part of the adapters and domains to vfio_ap, absolutely or by relative edits
        steps.add(Step.of(new HostOp.Write(HostOp.APMASK, maskEdit(r, c.apm))));
        if (r.nextInt(3) == 0) {
            steps.add(Step.of(new HostOp.Write(HostOp.AQMASK, maskEdit(r, c.aqm))));
        }
        int mdevs = 1 + r.nextInt(3);
        for (int i = 0; i < mdevs; i++) {
            steps.add(Step.of(new HostOp.Write(HostOp.CREATE, uuids.get(i))));
        }
        int n = 1 + r.nextInt(maxSteps);
        for (int i = 0; i < n; i++) {
            steps.add(largeOp(r, c, uuids));
        }
        return new Sequence(seed, index, "large", List.of(Space.GUEST, G2), List.copyOf(steps));
    }

    /** A set of ids below 256 of one of the shapes hosts have: whole, a run, scattered, a single one. */
    private static ApMask ids(Random r, int maxCount) {
        ApMask m = new ApMask();
        switch (r.nextInt(4)) {
            case 0 -> {
                int len = 1 + r.nextInt(maxCount);
                int from = r.nextInt(257 - len);
                m = ApMask.range(from, from + len - 1);
            }
            case 1 -> {
                int k = 1 + r.nextInt(Math.min(maxCount, 16));
                for (int i = 0; i < k; i++) {
                    m.set(r.nextInt(256));
                }
            }
            case 2 -> m.set(r.nextBoolean() ? 255 : r.nextInt(256));
            default -> m = maxCount >= 256 ? ApMask.range(0, 255) : ApMask.range(0, maxCount - 1);
        }
        return m;
    }

    private static int pick(Random r, ApMask m) {
        List<Integer> l = m.ids();
        return l.isEmpty() ? r.nextInt(256) : l.get(r.nextInt(l.size()));
    }

    /** An id for an assignment: mostly configured, sometimes any, sometimes malformed. */
    private static String idText(Random r, ApMask configured) {
        int k = r.nextInt(20);
        if (k < 13) {
            int id = pick(r, configured);
            return r.nextBoolean() ? Integer.toString(id) : String.format("0x%x", id);
        }
        if (k < 17) {
            return Integer.toString(r.nextInt(256));
        }
        String[] bad = {"256", "0x100", "-1", "abc", "5x", "", "0x", "4294967301", "07", "010"};
        return bad[r.nextInt(bad.length)];
    }

    private static String maskEdit(Random r, ApMask configured) {
        if (r.nextInt(3) == 0) {
            // absolute: vfio_ap gets a subset of the configured ids (the zeros)
            ApMask m = ApMask.allOnes();
            configured.forEach(id -> {
                if (r.nextBoolean()) {
                    m.clear(id);
                }
            });
            return m.toHex();
        }
        StringBuilder b = new StringBuilder();
        int k = 1 + r.nextInt(4);
        for (int i = 0; i < k; i++) {
            b.append(i == 0 ? "" : ",").append(r.nextInt(4) == 0 ? '+' : '-');
            int id = pick(r, configured);
            if (r.nextInt(5) == 0 && id < 255) {
                b.append(id).append('-').append(Math.min(255, id + r.nextInt(8)));
            } else {
                b.append(id);
            }
        }
        return b.toString();
    }

    private static String apConfig(Random r, Config c) {
        ApMask apm = new ApMask();
        ApMask aqm = new ApMask();
        ApMask adm = new ApMask();
        switch (r.nextInt(4)) {
            case 0 -> {
                apm = c.apm.copy();
                aqm = c.aqm.copy();
                adm = c.adm.copy();
            }
            case 1 -> {
                for (int i = 0; i < 3; i++) {
                    apm.set(pick(r, c.apm));
                    aqm.set(pick(r, c.aqm));
                    adm.set(pick(r, c.adm));
                }
            }
            case 2 -> {
                return "0x0,0x0,0x0";
            }
            default -> {
                String[] bad = {"0x1", "0x1,0x1", "zz,0x0,0x0", "0x1,0x1,0x1,0x1"};
                return bad[r.nextInt(bad.length)];
            }
        }
        return apm.toHex() + "," + aqm.toHex() + "," + adm.toHex();
    }

    private static String queue(Random r, Config c) {
        return String.format("%02x.%04x", pick(r, c.apm), pick(r, c.aqm));
    }

    private Step largeOp(Random r, Config c, List<String> uuids) {
        String u = uuids.get(r.nextInt(uuids.size()));
        int k = r.nextInt(100);
        if (k < 12) {
            return Step.of(new HostOp.Write(HostOp.mdev(u, "assign_adapter"), idText(r, c.apm)));
        } else if (k < 24) {
            return Step.of(new HostOp.Write(HostOp.mdev(u, "assign_domain"), idText(r, c.aqm)));
        } else if (k < 30) {
            return Step.of(new HostOp.Write(HostOp.mdev(u, "assign_control_domain"), idText(r, c.adm)));
        } else if (k < 35) {
            return Step.of(new HostOp.Write(HostOp.mdev(u, "unassign_adapter"), idText(r, c.apm)));
        } else if (k < 40) {
            return Step.of(new HostOp.Write(HostOp.mdev(u, "unassign_domain"), idText(r, c.aqm)));
        } else if (k < 42) {
            return Step.of(new HostOp.Write(HostOp.mdev(u, "unassign_control_domain"), idText(r, c.adm)));
        } else if (k < 47) {
            return Step.of(new HostOp.Write(HostOp.mdev(u, "ap_config"), apConfig(r, c)));
        } else if (k < 53) {
            return Step.of(new HostOp.Write(r.nextBoolean() ? HostOp.APMASK : HostOp.AQMASK,
                    maskEdit(r, r.nextBoolean() ? c.apm : c.aqm)));
        } else if (k < 58) {
            String drv = r.nextInt(4) == 0 ? "cex4queue" : "vfio_ap";
            return Step.of(new HostOp.Write(HostOp.driver(drv, r.nextBoolean() ? "unbind" : "bind"), queue(r, c)));
        } else if (k < 61) {
            return Step.of(new HostOp.Write(HostOp.card(pick(r, c.apm)), r.nextBoolean() ? "0" : "1"));
        } else if (k < 66) {
            changeConfig(r, c);
            return Step.of(c.op());
        } else if (k < 71) {
            return Step.of(new HostOp.StartGuest(r.nextBoolean() ? Space.GUEST : G2, u));
        } else if (k < 75) {
            return Step.of(new HostOp.StopGuest(r.nextBoolean() ? Space.GUEST : G2));
        } else if (k < 78) {
            return Step.of(new HostOp.Write(HostOp.CREATE, u));
        } else if (k < 80) {
            return Step.of(new HostOp.Write(HostOp.mdev(u, "remove"), "1"));
        } else if (k < 82) {
            return Step.of(new HostOp.Write(SCANS, "1")); // a queue's config follows its card's here
        }
        return switch (r.nextInt(9)) {
            case 0 -> Step.read("cat " + HostOp.mdev(u, "matrix"));
            case 1 -> Step.read("cat " + HostOp.mdev(u, "guest_matrix"));
            case 2 -> Step.read("cat " + HostOp.mdev(u, "control_domains"));
            case 3 -> Step.read("cat " + HostOp.mdev(u, "ap_config"));
            case 4 -> Step.read("cat " + HostOp.APMASK);
            case 5 -> Step.read("cat " + HostOp.AQMASK);
            case 6 -> Step.read("cat " + MATRIX + "mdev_supported_types/vfio_ap-passthrough/available_instances");
            case 7 -> Step.read("cat /sys/bus/ap/devices/" + queue(r, c) + "/config");
            default -> Step.read("ls /sys/bus/ap/drivers/vfio_ap");
        };
    }

    /** A host configuration change: adapters, domains or control domains added or removed. */
    private static void changeConfig(Random r, Config c) {
        int id = r.nextInt(256);
        switch (r.nextInt(6)) {
            case 0 -> c.apm = c.apm.copy().clear(pick(r, c.apm));
            case 1 -> c.apm = c.apm.copy().set(id);
            case 2 -> c.aqm = c.aqm.copy().clear(pick(r, c.aqm));
            case 3 -> c.aqm = c.aqm.copy().set(id);
            case 4 -> c.adm = c.adm.copy().clear(pick(r, c.adm));
            default -> c.adm = c.adm.copy().set(id);
        }
    }
}
