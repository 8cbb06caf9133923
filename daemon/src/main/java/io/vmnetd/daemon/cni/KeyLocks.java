package io.vmnetd.daemon.cni;

import io.vmnetd.daemon.state.AttachmentKey;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Calls for one container interface never interleave: each takes its key's lock (striped, so the set of locks stays
 * fixed however many containers come and go). Released by try-with-resources.
 */
final class KeyLocks {
    private static final int STRIPES = 256;
    private final ReentrantLock[] locks = new ReentrantLock[STRIPES];

    KeyLocks() {
        for (int i = 0; i < STRIPES; i++) {
            locks[i] = new ReentrantLock();
        }
    }

    /** A held lock on {@code key}; close it to release. */
    Held lock(AttachmentKey key) {
        ReentrantLock lock = locks[Math.floorMod(key.hashCode(), STRIPES)];
        lock.lock();
        return lock::unlock;
    }

    interface Held extends AutoCloseable {
        @Override
        void close();
    }
}
