package aplab.kvm;

import aplab.ap.ApMask;
import aplab.lockdep.LockDep;
import aplab.lockdep.TrackedLock;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * A KVM guest as vfio_ap sees it: its {@code kvm->lock} and the AP control block in its CRYCB (what
 * the guest's QCI and PQAP see). The masks change only through {@link #setMasks} and
 * {@link #clearMasks} ({@code kvm_arch_crypto_set_masks}, {@code kvm_arch_crypto_clear_masks},
 * arch/s390/kvm/kvm-s390.c), whose callers must hold {@code kvm->lock}.
 */
public final class Kvm {
    private final String name;
    private final TrackedLock lock;
    /** kvm->arch.crypto.pqap_hook_rwsem (one of the update locks with the stale-pqap_hook fix; alone before them without). */
    private final TrackedLock pqapHookRwsem;
    /** Format-2 CRYCB (APXA): full 256-bit masks; format 0/1: ids 0..63 and 0..15 only. */
    private final boolean apxa;
    private final ApMask apm = new ApMask();
    private final ApMask aqm = new ApMask();
    private final ApMask adm = new ApMask();
    private final List<String> updates = Collections.synchronizedList(new ArrayList<>());
    private volatile Object pqapHook;

    public Kvm(String name, LockDep lockdep, boolean apxa) {
        this.name = name;
        this.lock = lockdep.newLock("kvm->lock");
        this.pqapHookRwsem = lockdep.newLock("kvm->arch.crypto.pqap_hook_rwsem");
        this.apxa = apxa;
    }

    /**
     * A copy on {@code lockdep} (for a copied host): the CRYCB masks and the update log, new locks;
     * the PQAP hook is the old one until the caller gives it its image ({@link #remapPqapHook}).
     */
    public synchronized Kvm copy(LockDep lockdep) {
        Kvm c = new Kvm(name, lockdep, apxa);
        c.apm.assign(apm);
        c.aqm.assign(aqm);
        c.adm.assign(adm);
        synchronized (updates) {
            c.updates.addAll(updates);
        }
        c.pqapHook = pqapHook;
        return c;
    }

    /** Replaces the PQAP hook by its image (the second half of {@link #copy}). */
    public void remapPqapHook(java.util.function.UnaryOperator<Object> image) {
        Object h = pqapHook;
        pqapHook = h == null ? null : image.apply(h);
    }

    public String name() {
        return name;
    }

    /** kvm->lock */
    public TrackedLock lock() {
        return lock;
    }

    public TrackedLock pqapHookRwsem() {
        return pqapHookRwsem;
    }

    public void setPqapHook(Object hook) {
        pqapHookRwsem.assertHeld();
        this.pqapHook = hook;
    }

    public Object pqapHook() {
        return pqapHook;
    }

    /**
     * kvm_arch_crypto_set_masks: all vCPUs leave SIE, the APCB gets the three masks (APCB1 in
     * full, or APCB0 limited to the first 64 adapters and 16 domains), vCPUs resume.
     */
    public void setMasks(ApMask newApm, ApMask newAqm, ApMask newAdm) {
        lock.assertHeld();
        synchronized (this) {
            apm.assign(apxa ? newApm : newApm.limit(63));
            aqm.assign(apxa ? newAqm : newAqm.limit(15));
            adm.assign(apxa ? newAdm : newAdm.limit(15));
            updates.add("set_masks apm=" + apm.toIdList(2) + " aqm=" + aqm.toIdList(4) + " adm=" + adm.toIdList(4));
        }
    }

    /** kvm_arch_crypto_clear_masks: APCB0 and APCB1 zeroed. */
    public void clearMasks() {
        lock.assertHeld();
        synchronized (this) {
            apm.clearAll();
            aqm.clearAll();
            adm.clearAll();
            updates.add("clear_masks");
        }
    }

    /** The adapters in the guest's CRYCB now. */
    public synchronized ApMask apm() {
        return apm.copy();
    }

    public synchronized ApMask aqm() {
        return aqm.copy();
    }

    public synchronized ApMask adm() {
        return adm.copy();
    }

    /** Every CRYCB update, in order (what a reviewer counts as "pushes to the guest"). */
    public List<String> updates() {
        synchronized (updates) {
            return List.copyOf(updates);
        }
    }

    /** The three lines of {@code aplab guest show}. */
    public synchronized List<String> show() {
        return List.of("adapters: " + apm.toIdList(2), "domains: " + aqm.toIdList(4),
                "control domains: " + adm.toIdList(4));
    }
}
