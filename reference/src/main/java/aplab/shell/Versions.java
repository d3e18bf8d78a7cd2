package aplab.shell;

import picocli.CommandLine;

/** The version line every aplab command prints for {@code --version}. */
public final class Versions implements CommandLine.IVersionProvider {
    public static final String VERSION = "0.1.0";

    @Override
    public String[] getVersion() {
        return new String[] {"aplab " + VERSION + ", a model of the Linux vfio_ap driver",
            "Kernels modelled: " + KernelNames.phrase() + "."};
    }
}
