package aplab.bench;

import aplab.ap.ApConfigInfo;
import aplab.ap.ApMask;
import aplab.ap.CardType;
import aplab.host.Host;
import aplab.kernel.Kernel;
import aplab.sysfs.Sysfs;
import java.util.Set;

/** The largest configuration: 256 adapters x 256 domains, every queue given to vfio_ap. */
final class Hosts {
    static final String CREATE = "/sys/devices/vfio_ap/matrix/mdev_supported_types/vfio_ap-passthrough/create";

    private Hosts() {
    }

    static Host largest() {
        Host host = new Host(Kernel.MAINLINE, Set.of());
        ApMask all = ApMask.range(0, 255);
        host.configure(new ApConfigInfo(all, all, all, true, 255, 255), CardType.DEFAULT);
        new Sysfs(host).write("/sys/bus/ap/apmask", "0x\n");
        return host;
    }

    static String uuid(int k) {
        return String.format("%08x-0000-0000-0000-000000000000", k);
    }

    /** An ap_config value: adapters from..to, every domain, control domains 0..15. */
    static String apConfig(int from, int to) {
        return ApMask.range(from, to).toHex() + "," + ApMask.range(0, 255).toHex() + "," + ApMask.range(0, 15).toHex() + "\n";
    }

    static String mdevPath(String uuid, String attr) {
        return "/sys/devices/vfio_ap/matrix/" + uuid + "/" + attr;
    }
}
