package aplab.vfioap;

import aplab.ap.ApMask;

/**
 * Benchmark access to the driver's filtering, which is package-private: the bitmap-word
 * {@code vfio_ap_mdev_filter_matrix} the driver runs ({@link VfioApOps#filterMatrix}), the
 * straightforward one-lookup-per-APQN loop kept as its executable specification
 * ({@link VfioApOps#filterMatrixPerApqn}), and the per-adapter "passable domains" words the fast one
 * reads. Not for the model's own use. Call them on a quiescent host from one thread: the kernel runs
 * the filter under {@code mdevs_lock}; a benchmark measures the filtering itself.
 */
public final class FilterBench {
    private FilterBench() {
    }

    /** vfio_ap_mdev_filter_matrix as the driver runs it; {@code apmFiltered} is overwritten. */
    public static boolean filter(VfioApOps ops, MatrixMdev m, ApMask apmFiltered) {
        return ops.filterMatrix(m, apmFiltered);
    }

    /** The same filtering with one queue-table lookup per APQN. */
    public static boolean filterPerApqn(VfioApOps ops, MatrixMdev m, ApMask apmFiltered) {
        return ops.filterMatrixPerApqn(m, apmFiltered);
    }

    /** For each adapter, the four words of the domains whose queue is linked and passable. */
    public static long[][] passableWords(MatrixMdev m) {
        long[][] out = new long[ApMask.BITS][4];
        for (int a = 0; a < ApMask.BITS; a++) {
            for (int w = 0; w < 4; w++) {
                out[a][w] = m.passableRow(a).word(w);
            }
        }
        return out;
    }
}
