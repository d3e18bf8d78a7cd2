package aplab.vfioap;

import static aplab.Fixture.U1;
import static aplab.Fixture.U2;
import static aplab.Fixture.mdev;
import static org.assertj.core.api.Assertions.assertThat;

import aplab.Fixture;
import aplab.ap.ApConfigInfo;
import aplab.ap.ApMask;
import aplab.ap.ApQueue;
import aplab.ap.Apqn;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The model's word-at-a-time {@code filterMatrix} against the per-APQN {@code filterMatrixPerApqn}
 * (the kernel's loop as written) and against a from-scratch computation from the bus's queue
 * bindings, on random histories: same shadow, same "changed", same apm_filtered, from the same
 * previous shadow.
 */
class FilterEquivalenceTest {
    private static final String[] UUIDS = {U1, U2};

    @Test
    void wordFilterEqualsPerApqnFilterAndTheDefinition() {
        long seed = Long.getLong("aplab.seed", 20240126L);
        System.out.println("FilterEquivalenceTest seed " + seed + " (rerun with -Daplab.seed=" + seed + ")");
        Random rnd = new Random(seed);
        int compared = 0;
        int withFiltered = 0;
        for (int round = 0; round < 200; round++) {
            Fixture f = new Fixture().host(randomMask(rnd, 8, 0.7), randomMask(rnd, 8, 0.7));
            f.ok(Fixture.APMASK, "-0-7");
            f.ok(Fixture.CREATE, UUIDS);
            boolean running = false;
            for (int step = 0; step < 40; step++) {
                String u = UUIDS[rnd.nextInt(UUIDS.length)];
                int id = rnd.nextInt(8);
                String apqn = String.format("%02x.%04x", rnd.nextInt(8), rnd.nextInt(8));
                switch (rnd.nextInt(11)) {
                    case 0, 1 -> f.echo(mdev(u, "assign_adapter"), String.valueOf(id));
                    case 2, 3 -> f.echo(mdev(u, "assign_domain"), String.valueOf(id));
                    case 4 -> f.echo(mdev(u, "unassign_adapter"), String.valueOf(id));
                    case 5 -> f.echo(mdev(u, "unassign_domain"), String.valueOf(id));
                    case 6 -> f.echo(Fixture.VFIO_UNBIND, apqn);
                    case 7 -> f.echo(Fixture.VFIO_BIND, apqn);
                    case 9 -> f.echo(Fixture.VFIO_UNBIND, apqn);
                    case 8 -> {
                        // a reset that ends badly (0x05 busy, 0x02 in progress) or deconfigured (0x03)
                        int[] codes = {0x02, 0x03, 0x05, 0x00};
                        f.host.vfioAp().injectResetResponse(Apqn.parse(apqn), codes[rnd.nextInt(codes.length)]);
                        if (running) {
                            f.host.stopGuest("g1");
                        } else {
                            f.start("g1", U1);
                        }
                        running = !running;
                    }
                    default -> f.host.configure(new ApConfigInfo(randomMask(rnd, 8, 0.7), randomMask(rnd, 8, 0.7),
                            randomMask(rnd, 8, 0.5), true, 255, 255), aplab.ap.CardType.DEFAULT);
                }
                if (step % 8 == 7) {
                    for (String uuid : UUIDS) {
                        MatrixMdev m = f.m(uuid);
                        String where = "seed " + seed + " round " + round + " step " + step + " mdev " + uuid;
                        compare(f, m, m.shadowApcb.snapshot(), where + " (current shadow)");
                        ApMatrix prev = m.shadowApcb.snapshot();
                        prev.apm.assign(prev.apm.or(randomMask(rnd, 8, 0.5)));
                        withFiltered += compare(f, m, prev, where + " (random previous shadow)") ? 1 : 0;
                        // every adapter the filter could drop was in the previous shadow
                        ApMatrix all = m.shadowApcb.snapshot();
                        all.apm.assign(all.apm.or(m.matrix.apm));
                        withFiltered += compare(f, m, all, where + " (previous shadow = matrix)") ? 1 : 0;
                        compared += 3;
                    }
                }
            }
        }
        System.out.println("FilterEquivalenceTest: " + compared + " comparisons, " + withFiltered + " with apm_filtered non-empty");
        assertThat(compared).isGreaterThan(1000);
        assertThat(withFiltered).as("histories where some adapter was filtered out").isGreaterThan(100);
    }

    /**
     * Runs both filters from shadow {@code prev} and checks them against each other and against
     * the definition; leaves the mdev's shadow as it was. Returns whether apm_filtered was non-empty.
     */
    private static boolean compare(Fixture f, MatrixMdev m, ApMatrix prev, String where) {
        VfioApOps ops = f.host.vfioAp();
        ApMatrix saved = m.shadowApcb.snapshot();

        restore(m, prev);
        ApMask filteredWord = ApMask.allOnes(); // the filter must clear it first
        boolean changedWord = ops.filterMatrix(m, filteredWord);
        ApMatrix word = m.shadowApcb.snapshot();

        restore(m, prev);
        ApMask filteredPerApqn = ApMask.allOnes();
        boolean changedPerApqn = ops.filterMatrixPerApqn(m, filteredPerApqn);
        ApMatrix perApqn = m.shadowApcb.snapshot();

        restore(m, saved);

        ApMatrix expected = expected(f, m);
        ApMask expectedFiltered = prev.apm.andNot(expected.apm).and(m.matrix.apm).and(ops.matrixDev().info().apm());
        // an adapter of the previous shadow that the new shadow lacks although matrix and host have it
        boolean expectedChanged = !prev.apm.equals(expected.apm) || !prev.aqm.equals(expected.aqm);

        assertThat(word.apm).as("shadow apm, word filter vs per-APQN, %s", where).isEqualTo(perApqn.apm);
        assertThat(word.aqm).as("shadow aqm, %s", where).isEqualTo(perApqn.aqm);
        assertThat(filteredWord).as("apm_filtered, %s", where).isEqualTo(filteredPerApqn);
        assertThat(changedWord).as("changed, %s", where).isEqualTo(changedPerApqn);
        assertThat(word.apm).as("shadow apm vs the definition, %s", where).isEqualTo(expected.apm);
        assertThat(word.aqm).as("shadow aqm vs the definition, %s", where).isEqualTo(expected.aqm);
        assertThat(filteredWord).as("apm_filtered vs the definition, %s", where).isEqualTo(expectedFiltered);
        assertThat(changedWord).as("changed vs the definition, %s", where).isEqualTo(expectedChanged);
        // the filter never touches the control domains
        assertThat(word.adm).as("shadow adm, %s", where).isEqualTo(prev.adm);
        return !filteredWord.isEmpty();
    }

    private static void restore(MatrixMdev m, ApMatrix to) {
        m.shadowApcb.copyMasksFrom(to);
        m.shadowApcb.apmMax = to.apmMax;
        m.shadowApcb.aqmMax = to.aqmMax;
        m.shadowApcb.admMax = to.admMax;
    }

    /**
     * The definition, from the AP bus's view: the matrix's adapters and domains the host has; an
     * adapter stays if for every such domain a queue device exists, is bound to vfio_ap, is linked
     * to this mdev, and its last reset response code is 0x00, 0x03 or 0x04.
     */
    private static ApMatrix expected(Fixture f, MatrixMdev m) {
        ApConfigInfo info = f.host.vfioAp().matrixDev().info();
        ApMatrix e = new ApMatrix();
        ApMask aqm = m.matrix.aqm.and(info.aqm());
        e.aqm.assign(aqm);
        for (int apid : m.matrix.apm.and(info.apm()).ids()) {
            boolean ok = true;
            for (int apqi : aqm.ids()) {
                ApQueue q = f.host.bus().queue(new Apqn(apid, apqi));
                if (q == null || q.driver() != f.host.vfioAp() || !(q.drvdata() instanceof VfioApQueue vq)
                        || vq.matrixMdev() != m || !m.qtable().containsKey(vq.apqn())
                        || !(vq.resetRc() == 0x00 || vq.resetRc() == 0x03 || vq.resetRc() == 0x04)) {
                    ok = false;
                    break;
                }
            }
            if (ok) {
                e.apm.set(apid);
            }
        }
        return e;
    }

    private static ApMask randomMask(Random rnd, int n, double p) {
        ApMask m = new ApMask();
        for (int i = 0; i < n; i++) {
            if (rnd.nextDouble() < p) {
                m.set(i);
            }
        }
        return m;
    }
}
