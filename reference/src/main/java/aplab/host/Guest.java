package aplab.host;

import aplab.kvm.Kvm;
import aplab.vfioap.MatrixMdev;
import java.util.List;

/** A guest the hypervisor (QEMU) runs: its KVM and the vfio-ap devices it opened. */
public record Guest(String name, Kvm kvm, List<MatrixMdev> mdevs) {
}
