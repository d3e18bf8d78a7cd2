///usr/bin/env jbang "$0" "$@" ; exit $?
//JAVA 17+
//SOURCES ../reference/src/main/java/**.java

import static aplab.notebook.Nb.*;

import aplab.notebook.Notebook;
import aplab.shell.Session;
import java.util.List;

public class Patch18Maintainers {
    public static void main(String[] args) {
        Notebook.main(Patch18Maintainers.class, Patch18Maintainers::cells);
    }

    static final String M = "/sys/devices/vfio_ap/matrix";
    static final String CREATE = M + "/mdev_supported_types/vfio_ap-passthrough/create";
    static final String U1 = "11111111-1111-1111-1111-111111111111";
    static final String U2 = "22222222-2222-2222-2222-222222222222";

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

    static void cells() {
        // %% [markdown]
        // # Patch 18/18: MAINTAINERS: pick up all vfio_ap docs for VFIO AP maintainers
        //
        // The last patch changes one line of `MAINTAINERS`: in the "S390 VFIO AP DRIVER" entry the
        // file pattern `Documentation/s390/vfio-ap.rst` becomes `Documentation/s390/vfio-ap*`, so
        // that the new `vfio-ap-locking.rst` (patch 17) is routed to the vfio_ap maintainers as
        // well (`scripts/get_maintainer.pl` matches the `F:` patterns). It changes no code and no
        // behaviour; there is nothing in it for the model to run.
        //
        // Review: the v19 version of this patch also replaced the entry's
        // `drivers/s390/crypto/vfio_ap*` line by the three file names, a rebase slip that Matthew
        // Rosato pointed out; v20 changed only the documentation line and got Jason Herne's
        // Reviewed-by. When the s390 documentation moved (6.6), the pattern became
        // `Documentation/arch/s390/vfio-ap*`.
        //
        // What the pattern buys is that a change to the driver's documentation reaches the people
        // who know the code. The rest of this notebook shows what the model offers them when they
        // review such a change: the driver's own description of its features, and statements of
        // the documentation checked against the code's behaviour.

        // %% [markdown]
        // ## The `features` attribute
        //
        // Since 6.12 the matrix device has a read-only `features` attribute (`features_show()`), so
        // that userspace can tell what the driver supports without guessing from the kernel
        // version. It does not exist on the older kernels:

        // %%
        sideBySide(List.of(host("5.17"), host("6.0"), host("mainline")), "cat " + M + "/features", "ls " + M);

        // %% [markdown]
        // `guest_matrix` is the attribute of patch 14, `hotplug` the dynamic configuration of this
        // series (patches 10, 11, 15), `ap_config` the attribute of 6.10. The document's table and
        // example call the second flag `dyn`.
        //
        // ## Statements of the documentation against the code
        //
        // Each row is a statement of `vfio-ap.rst` (or of a kernel-doc comment in
        // `vfio_ap_ops.c`), what it leads a reader to expect from the last command of a small
        // scenario, and what the model of the code prints. Every scenario starts from the same
        // host: adapters 5 and 6 (with domains 4 and 5) given to vfio_ap in `apmask`, mdev 1 with
        // 05.0004, and an empty mdev 2. (`| adapters` or `| domains` keeps only that line of the
        // output.)

        // %%
        int differ = 0;
        for (Claim c : CLAIMS) {
            String got = actual(c);
            boolean agrees = got.equals(c.expected());
            differ += agrees ? 0 : 1;
            System.out.printf("%s: %s%n  scenario: %s%n  expected: %s%n  actual:   %s%n  -> %s%n%n",
                    c.source(), c.statement(), String.join(" ; ", c.commands()),
                    c.expected().isEmpty() ? "(no output)" : c.expected().replace("\n", " / "),
                    got.isEmpty() ? "(no output)" : got.replace("\n", " / "),
                    agrees ? "agrees" : "DIFFERS");
        }
        System.out.printf("%d statements, %d where the code does not do what the text says%n", CLAIMS.size(), differ);

        // %% [markdown]
        // In all four the code does what the series designed and the text is out of date or
        // inexact:
        //
        // - sharing an APQN: the document says EBUSY; `vfio_ap_mdev_verify_no_sharing()` returns
        //   EADDRINUSE ("Address already in use");
        // - the kernel-doc of `assign_adapter_store()` and `assign_domain_store()` still describes
        //   the pre-series rule (EADDRNOTAVAIL for an APQN not bound to vfio_ap); since patch 08 an
        //   assignment needs no bound queue, and filtering keeps the adapter out of the guest
        //   instead (the row "is not plugged");
        // - hot plug of a domain: the document makes it conditional on every APQN of the domain
        //   having a bound queue; the code plugs the domain and unplugs the adapters whose queue is
        //   missing (`vfio_ap_mdev_filter_matrix()` only ever removes adapters);
        // - `features`: `dyn` in the document, `hotplug` in `features_show()`.
        //
        // A maintainer can add a row for any other statement: the scenario is shell lines, the
        // expectation is the text the document promises.
    }
}
