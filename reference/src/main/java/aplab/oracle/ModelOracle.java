package aplab.oracle;

import aplab.host.Host;
import aplab.kernel.Kernel;
import aplab.kernel.PlantedBug;
import aplab.shell.HostCommands;
import aplab.shell.Session;
import aplab.shell.ShellWords;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The model as an {@link Oracle}: a {@link Session} running as one kernel, with the queue resets
 * taken from the driver's reset record ({@code VfioApOps.resetLog}). It is the model side of
 * {@code diff}, and, behind the protocol ({@link OracleStub}), the stand-in for the C harness in
 * tests. Like the harness it is for one kernel: {@code aplab kernel K} with its own K starts over
 * and prints nothing, any other {@code aplab kernel ...} is not supported.
 */
public final class ModelOracle implements Oracle {
    private final Kernel version;
    private final Set<PlantedBug> planted;
    private Session session;
    private Host seenHost;
    private int resetsSeen;

    public ModelOracle(Kernel version, Set<PlantedBug> planted) {
        this.version = version;
        this.planted = Set.copyOf(planted);
        reset();
    }

    @Override
    public List<String> execute(String command) {
        List<String> w = ShellWords.parse(command).words();
        if (w.size() >= 2 && w.get(0).equals("aplab") && w.get(1).equals("kernel")) {
            if (w.size() == 3 && sameKernel(w.get(2))) {
                reset();
                return List.of();
            }
            return List.of(NOT_SUPPORTED + String.join(" ", w));
        }
        if (w.size() == 4 && w.get(0).equals("aplab") && w.get(1).equals("guest") && w.get(2).equals("show")
                && !w.get(3).startsWith("-") && !command.contains(">")) {
            // asked after every command by diff: the same answer as the shell's, without its picocli parse
            return HostCommands.guestShow(session.host(), w.get(3));
        }
        List<String> out = session.execute(command);
        List<String> stripped = new ArrayList<>(out.size());
        for (String l : out) {
            stripped.add(Oracle.stripTrailing(l));
        }
        return stripped;
    }

    private boolean sameKernel(String release) {
        try {
            return Kernel.parse(release).equals(version);
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    @Override
    public void reset() {
        session = new Session(version, planted);
        seenHost = session.host();
        resetsSeen = 0;
    }

    @Override
    public List<String> resets() {
        if (session.host() != seenHost) {
            seenHost = session.host();
            resetsSeen = 0;
        }
        List<String> log = seenHost.vfioAp().resetLog();
        List<String> out = new ArrayList<>(log.size() - resetsSeen);
        for (String entry : log.subList(resetsSeen, log.size())) {
            // "reset 05.0004 rc=0x00": the APQN the ZAPQ went to
            out.add(entry.split(" ", 3)[1]);
        }
        resetsSeen = log.size();
        return out;
    }

    @Override
    public String name() {
        return "the model (" + version.release() + (planted.isEmpty() ? "" : ", planted " + planted) + ")";
    }

    @Override
    public void close() {
    }
}
