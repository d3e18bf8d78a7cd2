package aplab.host;

import aplab.ap.ApBus;
import aplab.ap.ApConfigInfo;
import aplab.ap.CardType;
import aplab.ap.Cex4QueueDriver;
import aplab.kernel.KernelException;
import aplab.kernel.Kernel;
import aplab.kernel.PlantedBug;
import java.util.Set;
import aplab.kvm.Kvm;
import aplab.lockdep.LockDep;
import aplab.vfioap.MatrixMdev;
import aplab.vfioap.VfioApOps;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One modelled s390 host: the AP bus with its two drivers (cex4queue and vfio_ap), the KVM guests
 * a hypervisor runs, and the lock-order checker that sees every lock they take. What firmware or a
 * hypervisor does (a new QCI, a guest starting) is a method here; what an admin does goes through
 * {@link aplab.sysfs.Sysfs}.
 */
public final class Host {
    private final Kernel version;
    private final LockDep lockdep;
    private final ApBus bus;
    private final VfioApOps vfioAp;
    private final Map<String, Guest> guests = new LinkedHashMap<>();

    public Host() {
        this(Kernel.DEFAULT);
    }

    public Host(Kernel version) {
        this(version, PlantedBug.fromSystemProperty());
    }

    /** A host whose vfio_ap driver has the given defects planted (for showing that checks catch them). */
    public Host(Kernel version, Set<PlantedBug> planted) {
        this.version = version;
        this.lockdep = new LockDep();
        this.bus = new ApBus(lockdep, version, planted);
        bus.register(new Cex4QueueDriver());
        this.vfioAp = new VfioApOps(lockdep, version, bus, planted);
        bus.register(vfioAp);
    }

    /**
     * A copy of this host in its current state, sharing nothing mutable with it (the explorer
     * restores states from copies instead of replaying their paths): bus, cards, queues and
     * bindings, the vfio_ap driver with its mdevs and queues, guests with their KVM (CRYCB masks,
     * PQAP hook), the lock-order checker's dependencies. Call it on a quiescent host (no operation
     * running).
     */
    public synchronized Host copy() {
        return new Host(this);
    }

    private Host(Host o) {
        this.version = o.version;
        this.lockdep = o.lockdep.copy();
        this.bus = o.bus.copy(lockdep);
        java.util.IdentityHashMap<Object, Object> images = new java.util.IdentityHashMap<>();
        for (Guest g : o.guests.values()) {
            images.computeIfAbsent(g.kvm(), k -> g.kvm().copy(lockdep));
        }
        for (MatrixMdev m : o.vfioAp.mdevs()) {
            if (m.kvm() != null) {
                images.computeIfAbsent(m.kvm(), k -> m.kvm().copy(lockdep));
            }
        }
        this.vfioAp = o.vfioAp.copy(lockdep, bus, images);
        for (aplab.ap.ApDriver d : o.bus.drivers()) {
            bus.register(d == o.vfioAp ? vfioAp : d); // the default driver keeps no state: shared
        }
        images.put(o.vfioAp, vfioAp);
        bus.remapBindings(d -> (aplab.ap.ApDriver) images.getOrDefault(d, d), x -> images.getOrDefault(x, x));
        for (Object x : images.values()) {
            if (x instanceof Kvm k) {
                k.remapPqapHook(h -> images.getOrDefault(h, h));
            }
        }
        for (Guest g : o.guests.values()) {
            List<MatrixMdev> ms = new ArrayList<>();
            for (MatrixMdev m : g.mdevs()) {
                ms.add((MatrixMdev) images.getOrDefault(m, m));
            }
            guests.put(g.name(), new Guest(g.name(), (Kvm) images.get(g.kvm()), List.copyOf(ms)));
        }
    }

    public Kernel version() {
        return version;
    }

    public LockDep lockdep() {
        return lockdep;
    }

    public ApBus bus() {
        return bus;
    }

    public VfioApOps vfioAp() {
        return vfioAp;
    }

    /** The host's AP configuration changes (or is first set): a new QCI and a bus scan. */
    public void configure(ApConfigInfo info, CardType type) {
        bus.setNewCardType(type);
        bus.scan(info);
    }

    /**
     * A guest starts with the given vfio-ap devices (QEMU opens each; the KVM pointer is set). If
     * one fails, QEMU gives up: the devices it opened are closed and the guest does not run.
     */
    public synchronized Guest startGuest(String name, List<String> uuids) {
        Guest old = guests.get(name);
        if (old != null && hasOpenDevice(old)) {
            throw new IllegalStateException("guest " + name + " is already running");
        }
        List<MatrixMdev> mdevs = new ArrayList<>();
        for (String uuid : uuids) {
            MatrixMdev m = vfioAp.mdev(uuid.toLowerCase(java.util.Locale.ROOT));
            if (m == null) {
                throw new IllegalArgumentException("no mdev " + uuid);
            }
            mdevs.add(m);
        }
        Kvm kvm = new Kvm(name, lockdep, bus.qci().apxa());
        List<MatrixMdev> opened = new ArrayList<>();
        for (MatrixMdev m : mdevs) {
            try {
                vfioAp.openDevice(m, kvm);
                opened.add(m);
            } catch (KernelException e) {
                for (MatrixMdev o : opened) {
                    vfioAp.closeDevice(o);
                }
                throw new GuestStartException(m.uuid(), e);
            }
        }
        Guest g = new Guest(name, kvm, List.copyOf(opened));
        guests.put(name, g);
        return g;
    }

    /** A vfio-ap device refused to open; QEMU exits. */
    public static final class GuestStartException extends RuntimeException {
        private final transient KernelException cause;
        private final String uuid;

        GuestStartException(String uuid, KernelException cause) {
            super("vfio-ap device " + uuid + ": " + cause.errno().strerror(), null, false, false);
            this.uuid = uuid;
            this.cause = cause;
        }

        public String uuid() {
            return uuid;
        }

        public KernelException kernelException() {
            return cause;
        }
    }

    /** The guest shuts down: QEMU closes its vfio-ap devices. */
    public synchronized void stopGuest(String name) {
        Guest g = guests.get(name);
        if (g == null || !hasOpenDevice(g)) {
            throw new IllegalStateException("guest " + name + " is not running");
        }
        for (MatrixMdev m : g.mdevs()) {
            if (m.kvm() == g.kvm()) {
                vfioAp.closeDevice(m);
            }
        }
        guests.put(name, new Guest(name, g.kvm(), List.of()));
    }

    public synchronized Guest guest(String name) {
        return guests.get(name);
    }

    public synchronized List<Guest> guests() {
        return List.copyOf(guests.values());
    }

    /** Whether the guest runs (it has its vfio-ap devices open). */
    public synchronized boolean running(String name) {
        Guest g = guests.get(name);
        return g != null && hasOpenDevice(g);
    }

    /**
     * Whether QEMU still has one of the guest's vfio-ap devices open: removing an mdev makes vfio
     * ask QEMU to release it (the request callback) and QEMU closes it, so a guest whose only mdev
     * was removed runs no vfio-ap device any more (found by the kernel oracle: the harness's QEMU
     * drops the device, as the model's now does).
     */
    private static boolean hasOpenDevice(Guest g) {
        for (MatrixMdev m : g.mdevs()) {
            if (m.kvm() == g.kvm()) {
                return true;
            }
        }
        return false;
    }
}
