package aplab.bench;

import aplab.ap.ApMask;
import aplab.host.Host;
import aplab.sysfs.Sysfs;
import aplab.vfioap.FilterBench;
import aplab.vfioap.MatrixMdev;
import aplab.vfioap.VfioApOps;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Full filtering of one mdev that has every adapter and domain of a 256 x 256 host, every queue
 * bound to vfio_ap and linked: the driver's bitmap-word filter, the per-APQN loop, and a bound for
 * the bare bitmap-word work (for each of the 256 adapters, "shadow domains subset of passable
 * domains" over four 64-bit words, and the resulting adapter word).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xmx2g"})
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class FilterBenchmarks {
    VfioApOps vfio;
    MatrixMdev mdev;
    ApMask filtered;
    long[][] passable;
    long[] shadowAqm;
    long[] candidateApm;

    @Setup(Level.Trial)
    public void setUp() {
        Host host = Hosts.largest();
        Sysfs sysfs = new Sysfs(host);
        String u = Hosts.uuid(1);
        sysfs.write(Hosts.CREATE, u + "\n");
        sysfs.write(Hosts.mdevPath(u, "ap_config"), Hosts.apConfig(0, 255));
        vfio = host.vfioAp();
        mdev = vfio.mdev(u);
        filtered = new ApMask();
        if (mdev.shadowApcb().apm().cardinality() != 256 || mdev.shadowApcb().aqm().cardinality() != 256) {
            throw new IllegalStateException("setup: the shadow is not 256 x 256");
        }
        passable = FilterBench.passableWords(mdev);
        ApMask aqm = mdev.shadowApcb().aqm();
        ApMask apm = mdev.matrix().apm();
        shadowAqm = new long[4];
        candidateApm = new long[4];
        for (int w = 0; w < 4; w++) {
            shadowAqm[w] = aqm.word(w);
            candidateApm[w] = apm.word(w);
        }
    }

    @Benchmark
    public boolean filterMatrix() {
        return FilterBench.filter(vfio, mdev, filtered);
    }

    @Benchmark
    @Warmup(iterations = 2, time = 1)
    @Measurement(iterations = 3, time = 1)
    public boolean filterMatrixPerApqn() {
        return FilterBench.filterPerApqn(vfio, mdev, filtered);
    }

    /** The bound: the word operations the filtering cannot avoid, nothing else. */
    @Benchmark
    public long bareBitmapWords() {
        long[] out = new long[4];
        long a0 = shadowAqm[0];
        long a1 = shadowAqm[1];
        long a2 = shadowAqm[2];
        long a3 = shadowAqm[3];
        for (int w = 0; w < 4; w++) {
            long cand = candidateApm[w];
            long keep = 0;
            while (cand != 0) {
                int bit = Long.numberOfLeadingZeros(cand);
                long[] p = passable[w * 64 + bit];
                if ((a0 & ~p[0]) == 0 && (a1 & ~p[1]) == 0 && (a2 & ~p[2]) == 0 && (a3 & ~p[3]) == 0) {
                    keep |= Long.MIN_VALUE >>> bit;
                }
                cand &= ~(Long.MIN_VALUE >>> bit);
            }
            out[w] = keep;
        }
        return out[0] ^ out[1] ^ out[2] ^ out[3];
    }
}
