package aplab.kernel;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Maps a host's kernel release string ({@code uname -r}: {@code 6.12.0-55.el10.s390x},
 * {@code 6.8.0-45-generic}, {@code 6.1.0-41-s390x}) to the nearest catalogue kernel, and says why.
 * The version number is only a first guess: what the host's sysfs shows (the matrix device's
 * {@code features}, an mdev's {@code guest_matrix}) proves which commits a distribution kernel
 * has backported, and wins.
 */
public final class KernelRelease {
    private static final Pattern VERSION = Pattern.compile("^(\\d+)\\.(\\d+)(?:\\.(\\d+))?");

    private KernelRelease() {
    }

    /** The chosen kernel and the reason, one phrase. */
    public record Choice(Kernel kernel, String reason) {
    }

    /** The {@code uname -r} a modelled host reports: the kernel's version and "-aplab" (mainline: "-aplab-mainline"). */
    public static String uname(Kernel k) {
        return switch (k.base()) {
            case "5.17" -> "5.17.0-aplab";
            case "6.0" -> "6.0.0-aplab";
            case "6.1" -> "6.1.192-aplab";
            case "6.8" -> "6.8.0-aplab";
            case "6.10" -> "6.10.0-aplab";
            case "6.12" -> "6.12.118-aplab";
            case "6.19" -> "6.19.0-aplab";
            default -> "6.19.0-aplab-mainline";
        };
    }

    /**
     * The nearest catalogue kernel for a host.
     *
     * @param release the host's {@code uname -r}
     * @param hasFeatures whether the host has {@code /sys/devices/vfio_ap/matrix/features}
     * @param hasGuestMatrix whether the host's mdevs have {@code guest_matrix}
     */
    public static Choice choose(String release, boolean hasFeatures, boolean hasGuestMatrix) {
        for (Kernel k : Kernel.named()) {
            if (uname(k).equals(release)) {
                return new Choice(k, "a host modelled by aplab as " + k.name());
            }
        }
        Matcher m = VERSION.matcher(release == null ? "" : release);
        Choice byVersion;
        if (!m.find()) {
            byVersion = new Choice(Kernel.MAINLINE, "the release '" + release + "' is not a Linux version");
        } else {
            byVersion = byVersion(Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)),
                    m.group(3) == null ? 0 : Integer.parseInt(m.group(3)));
        }
        Kernel k = byVersion.kernel();
        if (hasFeatures && !k.has(Commit.FEATURES_ATTR)) {
            return new Choice(Kernel.MAINLINE, "the host has the matrix device's features attribute (6.12 or a backport)");
        }
        if (hasGuestMatrix && !k.has(Commit.GUEST_MATRIX_ATTR)) {
            return new Choice(Kernel.MAINLINE, "a distribution kernel with the dynamic configuration series backported "
                    + "(its mdevs have guest_matrix)");
        }
        return byVersion;
    }

    private static Choice byVersion(int major, int minor, int patch) {
        if (major > 6 || major == 6 && minor > 19) {
            return new Choice(Kernel.MAINLINE, "newer than 6.19, the newest release the catalogue models");
        }
        if (major < 6) {
            return new Choice(Kernel.V5_17, "before Linux 6.0 there is no dynamic configuration");
        }
        if (minor == 19) {
            return new Choice(Kernel.V6_19, "Linux 6.19");
        }
        if (minor >= 12) {
            return new Choice(Kernel.V6_12, "Linux 6.12 to 6.18, modelled by the 6.12 stable line");
        }
        if (minor >= 10) {
            return new Choice(Kernel.V6_10, "Linux 6.10 and 6.11");
        }
        if (minor >= 8) {
            return new Choice(Kernel.V6_8, "Linux 6.8 and 6.9");
        }
        // "s390/vfio-ap: always filter entire AP matrix" (CVE-2024-26620) reached 6.1.76, 6.6.15 and 6.7.3
        if (minor == 1 && patch >= 76 || minor == 6 && patch >= 15 || minor == 7 && patch >= 3) {
            return new Choice(Kernel.V6_1, "this stable release filters the whole matrix (CVE-2024-26620 fix), "
                    + "as the 6.1 stable line does");
        }
        if (minor == 0) {
            return new Choice(Kernel.V6_0, "Linux 6.0");
        }
        return new Choice(Kernel.V6_0, "Linux 6.1 to 6.7 before the CVE-2024-26620 fix filter only the newly "
                + "assigned adapter or domain, as 6.0 does");
    }
}
