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
}
