package aplab.bench;

import aplab.check.Stress;
import aplab.explore.Explorer;
import aplab.kernel.Kernel;
import aplab.transcript.Transcript;
import aplab.transcript.TranscriptException;
import aplab.transcript.TranscriptRunner;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
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
 * Whole-system throughput: every golden transcript run once (transcripts and commands per
 * second), one bounded stress run (operations per second), one exploration (states per second).
 */
@State(Scope.Benchmark)
@Fork(value = 1, jvmArgsAppend = {"-Xmx2g"})
public class WholeSystemBenchmarks {
    List<Transcript> transcripts;
    int commands;

    /** The stress run one operation does. */
    static final Stress.Config STRESS = Stress.Config.of(20261124L, 4, 200, 100);
    /** The exploration one operation does. */
    static final Explorer.Options EXPLORE = new Explorer.Options(3, -1, 0, Kernel.MAINLINE, Set.of(),
            Runtime.getRuntime().availableProcessors());

    @Setup(Level.Trial)
    public void setUp() throws IOException, TranscriptException {
        transcripts = goldens();
        commands = transcripts.stream().mapToInt(t -> t.commands().size()).sum();
    }

    static List<Transcript> goldens() throws IOException, TranscriptException {
        List<Transcript> transcripts;
        Path dir = Path.of(System.getProperty("aplab.root", "."), "golden", "transcripts");
        transcripts = new ArrayList<>();
        try (Stream<Path> s = Files.list(dir)) {
            for (Path p : s.filter(f -> f.toString().endsWith(".md")).sorted().toList()) {
                transcripts.add(Transcript.read(p));
            }
        }
        if (transcripts.isEmpty()) {
            throw new IllegalStateException("no transcripts in " + dir.toAbsolutePath() + " (run from the repository root)");
        }
        return transcripts;
    }

    @Benchmark
    @BenchmarkMode(Mode.AverageTime)
    @OutputTimeUnit(TimeUnit.MILLISECONDS)
    @Warmup(iterations = 3, time = 2)
    @Measurement(iterations = 5, time = 2)
    public int goldenTranscripts() {
        int passed = 0;
        for (Transcript t : transcripts) {
            if (TranscriptRunner.run(t).passed()) {
                passed++;
            }
        }
        return passed;
    }

    @Benchmark
    @BenchmarkMode(Mode.SingleShotTime)
    @OutputTimeUnit(TimeUnit.MILLISECONDS)
    @Warmup(iterations = 1)
    @Measurement(iterations = 3)
    public long stress() {
        Stress.Report r = Stress.run(STRESS);
        if (!r.passed()) {
            throw new IllegalStateException(r.summary());
        }
        return r.ops();
    }

    @Benchmark
    @BenchmarkMode(Mode.SingleShotTime)
    @OutputTimeUnit(TimeUnit.MILLISECONDS)
    @Warmup(iterations = 1)
    @Measurement(iterations = 3)
    public long explore() {
        return new Explorer(EXPLORE, null).run().statesExplored();
    }
}
