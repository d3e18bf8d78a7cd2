import static aplab.notebook.Nb.*;

/** Helpers of notebooks/Patch18Maintainers.java. */
class Patch18MaintainersSupport {
    static final String M = "/sys/devices/vfio_ap/matrix";
}
