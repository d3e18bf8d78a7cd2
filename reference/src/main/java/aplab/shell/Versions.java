package aplab.shell;

import aplab.kernel.KernelVersion;
import picocli.CommandLine;

/** The version line every aplab command prints for {@code --version}. */
public final class Versions implements CommandLine.IVersionProvider {
    public static final String VERSION = "0.1.0";

    @Override
    public String[] getVersion() {
        return new String[] {"aplab " + VERSION + " (models Linux " + KernelVersion.MAINLINE.release()
                + " vfio_ap; also " + KernelVersion.V6_0.release() + " and " + KernelVersion.PRE_DYNAMIC.release() + ")"};
    }
}
