package aplab.bench;

import aplab.host.Host;
import aplab.sysfs.Sysfs;
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
 * Assign and unassign at the largest configuration: 256 x 256 queues bound to vfio_ap, 16 mdevs of
 * 16 adapters x 256 domains each (adapter 255 left free), a running guest on the last one. One
 * operation assigns adapter 255 to that mdev (validation against all 16 mdevs, 256 links, the
 * whole-matrix filtering of 16 x 256, a push to the guest) and unassigns it again (256 unlinks, hot
 * unplug, 256 queue resets); through the store functions, with their locks.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xmx2g"})
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class AssignBenchmarks {
    VfioApOps vfio;
    MatrixMdev last;
    MatrixMdev first;

    @Setup(Level.Trial)
    public void setUp() {
        Host host = Hosts.largest();
        Sysfs sysfs = new Sysfs(host);
        for (int k = 0; k < 16; k++) {
            String u = Hosts.uuid(k);
            sysfs.write(Hosts.CREATE, u + "\n");
            sysfs.write(Hosts.mdevPath(u, "ap_config"), Hosts.apConfig(16 * k, k == 15 ? 254 : 16 * k + 15));
        }
        vfio = host.vfioAp();
        last = vfio.mdev(Hosts.uuid(15));
        first = vfio.mdev(Hosts.uuid(0));
        host.startGuest("g1", java.util.List.of(Hosts.uuid(15)));
    }

    @Benchmark
    public void assignThenUnassignAdapter() {
        vfio.assignAdapter(last, "255\n");
        vfio.unassignAdapter(last, "255\n");
    }

    @Benchmark
    public void assignThenUnassignControlDomain() {
        vfio.assignControlDomain(first, "200\n");
        vfio.unassignControlDomain(first, "200\n");
    }
}
