import static aplab.notebook.Nb.*;

import aplab.shell.Session;
import java.util.List;

/** Helpers of notebooks/Patch16Docs.java: the set-ups and probes its cells call. */
class Patch16DocsSupport {
    static final String M = "/sys/devices/vfio_ap/matrix";
    static final String U3 = "33333333-3333-3333-3333-333333333333";
    static final String U4 = "44444444-4444-4444-4444-444444444444";

    /** The document's example host: adapters 5 and 6, usage domains 4, 0x47, 0xab and 0xff. */
    static Session docHost(String kernel) {
        Session s = host(kernel);
        quietly(s, "aplab host --adapters 5,6 --domains 4,0x47,0xab,0xff");
        return s;
    }

    /** Set-up shared by the checks: adapters 5, 6 (domains 4, 5) given to vfio_ap; two mdevs. */
    static final String[] SETUP = {"aplab host --adapters 5,6 --domains 4,5",
        "echo -5,-6 > /sys/bus/ap/apmask", "cd " + M,
        "echo " + U1 + " > " + CREATE, "echo " + U2 + " > " + CREATE,
        "echo 5 > " + U1 + "/assign_adapter", "echo 4 > " + U1 + "/assign_domain"};

    /**
     * One statement of the documentation (or of a kernel-doc comment), what it leads a reader to
     * expect from the last command of a scenario, and the scenario (run after SETUP).
     */
    record Claim(String source, String statement, String expected, String... commands) {
    }

    static final List<Claim> CLAIMS = List.of(
            new Claim("vfio-ap.rst", "an APQN assigned to another mdev cannot be assigned: EBUSY",
                    "bash: echo: write error: Device or resource busy",
                    "echo 5 > " + U2 + "/assign_adapter", "echo 4 > " + U2 + "/assign_domain"),
            new Claim("vfio-ap.rst", "an adapter number above ap_max_adapter_id: ENODEV",
                    "bash: echo: write error: No such device",
                    "echo 256 > " + U2 + "/assign_adapter"),
            new Claim("vfio-ap.rst", "an APQN reserved for the host drivers: EADDRNOTAVAIL",
                    "bash: echo: write error: Cannot assign requested address",
                    "echo 7 > " + U2 + "/assign_adapter", "echo 1 > " + U2 + "/assign_domain"),
            new Claim("vfio-ap.rst", "an adapter the host does not have yet may be assigned",
                    "",
                    "echo 8 > " + U2 + "/assign_adapter"),
            new Claim("kernel-doc of assign_adapter_store()", "EADDRNOTAVAIL if an APQN is not bound to vfio_ap",
                    "bash: echo: write error: Cannot assign requested address",
                    "echo 05.0005 > /sys/bus/ap/drivers/vfio_ap/unbind", "echo 5 > " + U2 + "/assign_domain",
                    "echo 5 > " + U2 + "/assign_adapter"),
            new Claim("vfio-ap.rst", "an adapter with a queue not bound to vfio_ap is not plugged",
                    "adapters: 06",
                    "echo 6 > " + U1 + "/assign_adapter", "echo 05.0004 > /sys/bus/ap/drivers/vfio_ap/unbind",
                    "aplab guest start g1 --mdev " + U1, "aplab guest show g1 | adapters"),
            new Claim("vfio-ap.rst", "a domain is hot plugged only if all its APQNs have a bound queue",
                    "domains: 0004",
                    "echo 6 > " + U1 + "/assign_adapter", "aplab guest start g1 --mdev " + U1,
                    "echo 06.0005 > /sys/bus/ap/drivers/vfio_ap/unbind", "echo 5 > " + U1 + "/assign_domain",
                    "aplab guest show g1 | domains"),
            new Claim("vfio-ap.rst", "setting an apmask bit of an assigned queue fails with EBUSY",
                    "bash: echo: write error: Device or resource busy",
                    "echo +5 > /sys/bus/ap/apmask"),
            new Claim("vfio-ap.rst (ap_config, 6.10)", "writing back what ap_config reads changes nothing and succeeds",
                    "05.0004",
                    "echo 0x0400000000000000000000000000000000000000000000000000000000000000,"
                            + "0x0800000000000000000000000000000000000000000000000000000000000000,"
                            + "0x0000000000000000000000000000000000000000000000000000000000000000 > " + U1 + "/ap_config",
                    "cat " + U1 + "/matrix"),
            new Claim("vfio-ap.rst (Driver Features)", "features prints guest_matrix dyn ap_config",
                    "guest_matrix dyn ap_config",
                    "cat " + M + "/features"));

    /** Runs a claim on a fresh mainline host; the output of its last command. */
    static String actual(Claim c) {
        Session s = host("mainline");
        quietly(s, SETUP);
        String last = "";
        for (String cmd : c.commands()) {
            String run = cmd;
            String filter = null;
            int bar = cmd.indexOf(" | ");
            if (bar >= 0) {
                run = cmd.substring(0, bar);
                filter = cmd.substring(bar + 3);
            }
            last = out(s, run);
            if (filter != null) {
                StringBuilder kept = new StringBuilder();
                for (String l : last.split("\n")) {
                    if (l.startsWith(filter)) {
                        kept.append(kept.length() == 0 ? "" : "\n").append(l);
                    }
                }
                last = kept.toString();
            }
        }
        return last;
    }
}
