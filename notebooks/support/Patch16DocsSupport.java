import static aplab.notebook.Nb.*;

import aplab.shell.Session;
import java.util.ArrayList;
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

    /** Creates mdev {@code uuid} (the shell is in the matrix directory) and assigns the adapters and domains given. */
    static void createMdev(Session s, String uuid, String adapters, String domains) {
        quietly(s, "echo " + uuid + " > " + CREATE);
        for (String a : adapters.split(",")) {
            quietly(s, "echo " + a + " > " + uuid + "/assign_adapter");
        }
        for (String d : domains.split(",")) {
            quietly(s, "echo " + d + " > " + uuid + "/assign_domain");
        }
    }

    /** The queue devices bound to vfio_ap (what {@code ls /sys/bus/ap/drivers/vfio_ap} lists besides its files). */
    static String vfioApQueues(Session s) {
        List<String> queues = new ArrayList<>();
        for (String l : out(s, "ls /sys/bus/ap/drivers/vfio_ap").split("\n")) {
            if (l.contains(".")) {
                queues.add(l);
            }
        }
        return String.join("; ", queues);
    }

    /**
     * One statement of the documentation (or of a kernel-doc comment), what it leads a reader to
     * expect from the last command of a scenario, and the scenario (run after SETUP). A command
     * ending in {@code | a,b} keeps only the lines of its output that start with a or b.
     */
    record Claim(String statement, String expected, String... commands) {
    }

    static final List<Claim> CLAIMS = List.of(
            new Claim("an APQN of another mdev: EBUSY",
                    "bash: echo: write error: Device or resource busy",
                    "echo 5 > " + U2 + "/assign_adapter", "echo 4 > " + U2 + "/assign_domain"),
            new Claim("an adapter above ap_max_adapter_id: ENODEV",
                    "bash: echo: write error: No such device",
                    "echo 256 > " + U2 + "/assign_adapter"),
            new Claim("an APQN reserved for the host: EADDRNOTAVAIL",
                    "bash: echo: write error: Cannot assign requested address",
                    "echo 7 > " + U2 + "/assign_adapter", "echo 1 > " + U2 + "/assign_domain"),
            new Claim("an adapter the host lacks may be assigned",
                    "",
                    "echo 8 > " + U2 + "/assign_adapter"),
            new Claim("kernel-doc: an APQN not bound: EADDRNOTAVAIL",
                    "bash: echo: write error: Cannot assign requested address",
                    "echo 05.0005 > /sys/bus/ap/drivers/vfio_ap/unbind", "echo 5 > " + U2 + "/assign_domain",
                    "echo 5 > " + U2 + "/assign_adapter"),
            new Claim("an adapter with an unbound queue: not plugged",
                    "adapters: 06",
                    "echo 6 > " + U1 + "/assign_adapter", "echo 05.0004 > /sys/bus/ap/drivers/vfio_ap/unbind",
                    "aplab guest start g1 --mdev " + U1, "aplab guest show g1 | adapters"),
            new Claim("a domain: plugged if all its APQNs are bound",
                    "adapters: 05,06\ndomains: 0004",
                    "echo 6 > " + U1 + "/assign_adapter", "aplab guest start g1 --mdev " + U1,
                    "echo 06.0005 > /sys/bus/ap/drivers/vfio_ap/unbind", "echo 5 > " + U1 + "/assign_domain",
                    "aplab guest show g1 | adapters,domains"),
            new Claim("an apmask bit of an assigned queue: EBUSY",
                    "bash: echo: write error: Device or resource busy",
                    "echo +5 > /sys/bus/ap/apmask"),
            new Claim("ap_config written back: no change (6.10)",
                    "05.0004",
                    "echo 0x0400000000000000000000000000000000000000000000000000000000000000,"
                            + "0x0800000000000000000000000000000000000000000000000000000000000000,"
                            + "0x0000000000000000000000000000000000000000000000000000000000000000 > " + U1 + "/ap_config",
                    "cat " + U1 + "/matrix"),
            new Claim("features: guest_matrix dyn ap_config (6.12)",
                    "guest_matrix dyn ap_config",
                    "cat " + M + "/features"));

    /** How a table cell shows an output: its lines joined by "; ", a write error by its errno name. */
    static String shown(String output) {
        String errno = switch (output.replace("bash: echo: write error: ", "")) {
            case "Device or resource busy" -> "EBUSY";
            case "Address already in use" -> "EADDRINUSE";
            case "No such device" -> "ENODEV";
            case "Cannot assign requested address" -> "EADDRNOTAVAIL";
            default -> null;
        };
        return output.startsWith("bash: echo: write error: ") && errno != null ? errno : output.replace("\n", "; ");
    }

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
                    if (List.of(filter.split(",")).stream().anyMatch(l::startsWith)) {
                        kept.append(kept.length() == 0 ? "" : "\n").append(l);
                    }
                }
                last = kept.toString();
            }
        }
        return last;
    }
}
