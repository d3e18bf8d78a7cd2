package aplab.explore;

import static org.assertj.core.api.Assertions.assertThat;

import aplab.check.HostOp;
import aplab.host.Host;
import aplab.host.HostState;
import aplab.kernel.Kernel;
import aplab.sysfs.Sysfs;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * What the explorer's speed rests on: a copied host is the same host (it behaves as the original and
 * shares nothing with it), the fingerprint identifies states exactly as {@link HostState} does, and
 * merging mirror images (the two mdevs' UUIDs swapped) is sound on the state space it is used on.
 */
class StateSpaceTest {
    private static final List<HostOp> ALPHABET = Space.alphabet();

    @Test
    void aCopyBehavesAsTheOriginalAndSharesNothingWithIt() {
        long seed = new Random().nextLong();
        Random rnd = new Random(seed);
        int steps = 0;
        for (int walk = 0; walk < 40; walk++) {
            Host original = Space.start(Kernel.MAINLINE, Set.of());
            Sysfs so = new Sysfs(original);
            for (int step = 0; step < 12; step++, steps++) {
                Host copy = original.copy();
                String before = HostState.withCounters(original);
                assertThat(HostState.withCounters(copy)).as("seed %d walk %d step %d: the copy", seed, walk, step)
                        .isEqualTo(before);
                HostOp op = ALPHABET.get(rnd.nextInt(ALPHABET.size()));
                // the copy goes first: the original must not change
                String rc = op.apply(copy, new Sysfs(copy));
                assertThat(HostState.withCounters(original)).as("seed %d: %s on the copy changed the original", seed,
                        op.command()).isEqualTo(before);
                String ro = op.apply(original, so);
                assertThat(rc).as("seed %d walk %d step %d: %s", seed, walk, step, op.command()).isEqualTo(ro);
                assertThat(HostState.withCounters(copy)).as("seed %d: after %s", seed, op.command())
                        .isEqualTo(HostState.withCounters(original));
                assertThat(copy.lockdep().edges()).extracting(Object::toString)
                        .containsExactlyElementsOf(original.lockdep().edges().stream().map(Object::toString).toList());
            }
        }
        System.out.printf("copies checked against their originals: %d steps (seed %d)%n", steps, seed);
    }

    /** Every state within {@code depth} operations, unreduced: its HostState text and plain fingerprint. */
    private static Map<String, Fingerprint.Key> states(int depth) {
        Map<String, Fingerprint.Key> out = new LinkedHashMap<>();
        Host start = Space.start(Kernel.MAINLINE, Set.of());
        out.put(HostState.of(start), Fingerprint.of(start));
        List<Host> frontier = List.of(start);
        for (int d = 1; d <= depth; d++) {
            List<Host> next = new ArrayList<>();
            for (Host parent : frontier) {
                for (HostOp op : ALPHABET) {
                    Host h = parent.copy();
                    op.apply(h, new Sysfs(h));
                    String text = HostState.of(h);
                    if (!out.containsKey(text)) {
                        out.put(text, Fingerprint.of(h));
                        next.add(h);
                    }
                }
            }
            frontier = next;
        }
        return out;
    }

    @Test
    void theFingerprintTellsStatesApartExactlyAsHostStateDoes() {
        Map<String, Fingerprint.Key> s = states(3);
        Map<Fingerprint.Key, String> back = new HashMap<>();
        s.forEach((text, key) -> {
            String other = back.putIfAbsent(key, text);
            assertThat(other).as("two states with one fingerprint:\n%s\n---\n%s", other, text).isNull();
        });
        assertThat(back).hasSameSizeAs(s);
        assertThat(s.size()).as("states within 3 operations").isGreaterThan(1000);
        // and equal states give equal fingerprints however they were reached (the map is keyed by text)
        Host a = Space.start(Kernel.MAINLINE, Set.of());
        Host b = Space.start(Kernel.MAINLINE, Set.of());
        ALPHABET.get(0).apply(a, new Sysfs(a));
        ALPHABET.get(4).apply(a, new Sysfs(a));
        ALPHABET.get(4).apply(b, new Sysfs(b));
        ALPHABET.get(0).apply(b, new Sysfs(b));
        assertThat(HostState.of(a)).isEqualTo(HostState.of(b));
        assertThat(Fingerprint.of(a)).isEqualTo(Fingerprint.of(b));
    }

    /** The state text with the two UUIDs swapped, as a set of lines (sections keep their prefixes). */
    private static Set<String> mirrored(String text) {
        String x = "\u0000";
        String swapped = text.replace(Space.U1, x).replace(Space.U2, Space.U1).replace(x, Space.U2);
        Set<String> lines = new HashSet<>();
        for (String line : swapped.split("\n")) {
            // a guest's device list is sorted: re-sort it after the swap
            if (line.startsWith("guest ") && line.contains(" mdevs=")) {
                int i = line.indexOf(" mdevs=") + 7;
                int j = line.indexOf(' ', i);
                String[] ids = line.substring(i, j).split(",");
                Arrays.sort(ids);
                line = line.substring(0, i) + String.join(",", ids) + line.substring(j);
            }
            lines.add(line);
        }
        return lines;
    }

    @Test
    void theMirrorImageOfEveryReachableStateIsReachableAndTheReductionCountsOrbits() {
        Map<String, Fingerprint.Key> s = states(3);
        Set<Set<String>> asLines = new HashSet<>();
        for (String text : s.keySet()) {
            asLines.add(new HashSet<>(Arrays.asList(text.split("\n"))));
        }
        Set<Set<Set<String>>> orbits = new HashSet<>();
        for (String text : s.keySet()) {
            Set<String> m = mirrored(text);
            Set<String> self = new HashSet<>(Arrays.asList(text.split("\n")));
            assertThat(asLines.contains(m)).as("the mirror image of a reachable state is reachable:\n%s", text).isTrue();
            orbits.add(new HashSet<>(List.of(self, m)));
        }
        // the explorer with symmetry reduction counts exactly the orbits
        Explorer.Result r = new Explorer(new Explorer.Options(3, -1, 0, Kernel.MAINLINE, Set.of(), 2), null).run();
        assertThat(r.distinctStates()).isEqualTo(orbits.size());
        Explorer.Result plain = new Explorer(new Explorer.Options(3, -1, 0, Kernel.MAINLINE, Set.of(), 2, 0, 0, false),
                null).run();
        assertThat(plain.distinctStates()).isEqualTo(s.size());
        System.out.printf("within 3 operations: %d states, %d up to mirror images%n", s.size(), orbits.size());
    }

    @Test
    void theCountsDoNotDependOnTheThreadsAndABoundStopsCleanly() {
        Explorer.Result one = new Explorer(new Explorer.Options(4, -1, 0, Kernel.MAINLINE, Set.of(), 1), null).run();
        Explorer.Result two = new Explorer(new Explorer.Options(4, -1, 0, Kernel.MAINLINE, Set.of(), 2), null).run();
        assertThat(two.levels()).extracting(l -> List.of(l.depth(), l.expanded(), l.generated(), l.distinct()))
                .isEqualTo(one.levels().stream().map(l -> List.of(l.depth(), l.expanded(), l.generated(), l.distinct())).toList());
        assertThat(one.levels().get(4).generated()).isEqualTo(one.levels().get(3).distinct() * ALPHABET.size());
        assertThat(one.stopped()).isNull();
        Explorer.Result bounded = new Explorer(new Explorer.Options(6, -1, 0, Kernel.MAINLINE, Set.of(), 2, 500, 0,
                true), null).run();
        assertThat(bounded.stopped()).startsWith("--max-states 500 reached during depth 3");
        assertThat(bounded.distinctStates()).isBetween(500L, one.distinctStates());
        assertThat(bounded.depthReached()).isEqualTo(3);
    }
}
