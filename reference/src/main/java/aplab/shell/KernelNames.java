package aplab.shell;

import aplab.kernel.Kernel;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/**
 * The kernel names the CLI shows a person ({@code aplab --version}, {@code help}, tab completion
 * of {@code aplab kernel} and {@code --kernel}): the one place that reads them from the kernel
 * catalogue, in the catalogue's order.
 */
public final class KernelNames {
    private KernelNames() {
    }

    /** The names for picocli: {@code ${COMPLETION-CANDIDATES}} in descriptions, and tab completion. */
    public static final class Candidates implements Iterable<String> {
        @Override
        public Iterator<String> iterator() {
            return all().iterator();
        }
    }

    /** Every kernel the model can run as, as the catalogue names them, oldest first. */
    public static List<String> all() {
        List<String> names = new ArrayList<>();
        for (Kernel k : Kernel.named()) {
            names.add(k.name());
        }
        return names;
    }

    /** The name of the kernel a fresh host runs. */
    public static String defaultName() {
        return Kernel.DEFAULT.name();
    }

    /** {@code 5.17, 6.0, ..., mainline (default)}: the list as one phrase. */
    public static String phrase() {
        List<String> named = new ArrayList<>();
        for (String n : all()) {
            named.add(n.equals(defaultName()) ? n + " (default)" : n);
        }
        return String.join(", ", named);
    }
}
