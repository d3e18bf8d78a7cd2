package aplab.shell;

import aplab.kernel.Kernel;
import picocli.CommandLine;

/** The version line every aplab command prints for {@code --version}. */
public final class Versions implements CommandLine.IVersionProvider {
    public static final String VERSION = "0.1.0";

    @Override
    public String[] getVersion() {
        return new String[] {"aplab " + VERSION + " (models the vfio_ap driver and AP bus of Linux "
                + Kernel.DEFAULT.name() + ": " + Kernel.DEFAULT.label() + "; also " + Kernel.names() + ")"};
    }
}
