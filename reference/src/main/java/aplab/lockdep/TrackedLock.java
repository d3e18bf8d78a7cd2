package aplab.lockdep;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A kernel mutex: a real {@link ReentrantLock} that refuses recursion (a kernel mutex taken twice
 * by one task deadlocks) and reports every acquisition to its {@link LockDep}. The owning thread is
 * visible for watchdog dumps.
 */
public final class TrackedLock {
    private final LockDep lockdep;
    private final String lockClass;
    private final ReentrantLock lock = new ReentrantLock();

    TrackedLock(LockDep lockdep, String lockClass) {
        this.lockdep = lockdep;
        this.lockClass = lockClass;
    }

    LockDep lockdep() {
        return lockdep;
    }

    public String lockClass() {
        return lockClass;
    }

    /** mutex_lock */
    public void lock() {
        lockdep.beforeAcquire(this, false);
        lock.lock();
        lockdep.acquired(this, false);
    }

    /** mutex_trylock: true if taken. */
    public boolean tryLock() {
        lockdep.beforeAcquire(this, true);
        if (!lock.tryLock()) {
            return false;
        }
        lockdep.acquired(this, true);
        return true;
    }

    /** mutex_lock with a bound on the wait (for watchdogs in tests); true if taken. */
    public boolean lock(long timeout, TimeUnit unit) throws InterruptedException {
        lockdep.beforeAcquire(this, false);
        if (!lock.tryLock(timeout, unit)) {
            return false;
        }
        lockdep.acquired(this, false);
        return true;
    }

    /** mutex_unlock */
    public void unlock() {
        lockdep.released(this);
        lock.unlock();
    }

    /** lockdep_assert_held */
    public void assertHeld() {
        if (!lock.isHeldByCurrentThread()) {
            throw new IllegalStateException(lockClass + " must be held by " + Thread.currentThread().getName());
        }
    }

    public boolean isHeldByCurrentThread() {
        return lock.isHeldByCurrentThread();
    }

    public boolean isLocked() {
        return lock.isLocked();
    }

    @Override
    public String toString() {
        return lockClass;
    }
}
