package aplab.lszcrypt;

import aplab.ap.ApConfigInfo;
import aplab.ap.ApMask;
import aplab.ap.CardType;
import aplab.host.Host;
import java.util.List;

/**
 * Benchmark, not a test: {@code lszcrypt -V} on hosts of 16x16, 64x64 and 256x256 queues, measured
 * side by side in one run, with the time per queue and the ratio to the smallest host (issue 12:
 * the listing must be linear in the number of queues; the landed code took 3.9 s at 256 queues and
 * never finished at 256x256). Run: {@code mvn -q -o -pl reference test-compile exec:java}-free:
 * {@code java -cp reference/target/classes:reference/target/test-classes:$(cat cp) aplab.lszcrypt.LszcryptScaling}.
 */
public final class LszcryptScaling {
    private LszcryptScaling() {
    }

    public static void main(String[] args) {
        int[] sizes = {16, 64, 256};
        double base = 0;
        for (int n : sizes) {
            Host host = new Host();
            host.configure(new ApConfigInfo(ApMask.range(0, n - 1), ApMask.range(0, n - 1), ApMask.range(0, n - 1), true, 255, 255),
                    CardType.DEFAULT);
            Lszcrypt.run(host, List.of("-V")); // warm up
            long t0 = System.nanoTime();
            List<String> out = Lszcrypt.run(host, List.of("-V"));
            long ns = System.nanoTime() - t0;
            double perQueue = ns / (double) (n * n);
            if (base == 0) {
                base = perQueue;
            }
            System.out.printf("lszcrypt -V: %3dx%-3d = %6d queues, %6d lines, %8.1f ms, %7.0f ns/queue, x%.2f of the 16x16 cost per queue%n",
                    n, n, n * n, out.size(), ns / 1e6, perQueue, perQueue / base);
        }
    }
}
