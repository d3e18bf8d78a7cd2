package aplab.notebook;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Folds a raw lock trace ({@code THREAD FUNCTION: lock|trylock|unlock LOCK}, as
 * {@link aplab.lockdep.LockDep#trace} writes it) into lock nestings: per thread, one line per
 * stretch between holding no lock and holding none again, with the deepest chains of that
 * stretch. The thread is named only when more than one appears.
 */
final class LockNesting {
    private record Held(String lock, String function, boolean trylock) {
    }

    private LockNesting() {
    }

    static List<String> of(List<String> trace) {
        Map<String, List<Held>> stacks = new LinkedHashMap<>();
        Map<String, List<String>> chains = new LinkedHashMap<>();
        Map<String, Boolean> rising = new LinkedHashMap<>();
        List<String[]> lines = new ArrayList<>();
        for (String e : trace) {
            int sp = e.indexOf(' ');
            int colon = e.indexOf(": ", sp);
            if (sp < 0 || colon < 0) {
                continue;
            }
            String thread = e.substring(0, sp);
            String function = e.substring(sp + 1, colon);
            String rest = e.substring(colon + 2);
            List<Held> stack = stacks.computeIfAbsent(thread, k -> new ArrayList<>());
            List<String> done = chains.computeIfAbsent(thread, k -> new ArrayList<>());
            if (rest.startsWith("lock ") || rest.startsWith("trylock ")) {
                boolean trylock = rest.startsWith("trylock ");
                stack.add(new Held(rest.substring(rest.indexOf(' ') + 1), function, trylock));
                rising.put(thread, true);
            } else if (rest.startsWith("unlock ")) {
                if (rising.getOrDefault(thread, false)) {
                    String c = chain(stack);
                    String last = done.isEmpty() ? "" : done.get(done.size() - 1);
                    if (last.equals(c)) {
                        done.set(done.size() - 1, c + " (x2)");
                    } else if (last.startsWith(c + " (x")) {
                        int n = Integer.parseInt(last.substring(c.length() + 3, last.length() - 1));
                        done.set(done.size() - 1, c + " (x" + (n + 1) + ")");
                    } else {
                        done.add(c);
                    }
                    rising.put(thread, false);
                }
                String lock = rest.substring(7);
                for (int i = stack.size() - 1; i >= 0; i--) {
                    if (stack.get(i).lock().equals(lock)) {
                        stack.remove(i);
                        break;
                    }
                }
                if (stack.isEmpty()) {
                    lines.add(new String[] {thread, String.join(", ", done)});
                    done.clear();
                }
            }
        }
        boolean manyThreads = stacks.size() > 1;
        List<String> out = new ArrayList<>();
        for (String[] l : lines) {
            out.add((manyThreads ? l[0] + ": " : "") + l[1]);
        }
        return out;
    }

    private static String chain(List<Held> stack) {
        StringBuilder b = new StringBuilder();
        String fn = null;
        for (Held h : stack) {
            if (b.length() > 0) {
                b.append(" > ");
            }
            if (!h.function().equals(fn)) {
                b.append(h.function()).append(": ");
                fn = h.function();
            }
            b.append(h.trylock() ? "trylock " : "").append(h.lock());
        }
        return b.toString();
    }
}
