package io.vmnetd.daemon.api;

/**
 * The request body bytes that all connections together may hold at once, from the moment a request's head announces
 * them until its response is written: received, queued for a worker or being worked on. A request that does not fit
 * is answered 503 and its connection closed before its body is read, so no flood of large bodies can exhaust the
 * heap. Non-root callers together may hold only half, so root's requests (the shim's CNI calls) always fit.
 */
final class BodyBudget {

    private final long total;
    private final long nonRoot;
    private long held;
    private long heldNonRoot;

    BodyBudget(long total) {
        this.total = total;
        this.nonRoot = total / 2;
    }

    synchronized boolean reserve(long bytes, boolean root) {
        if (bytes == 0) {
            return true;
        }
        if (held + bytes > total || !root && heldNonRoot + bytes > nonRoot) {
            return false;
        }
        held += bytes;
        if (!root) {
            heldNonRoot += bytes;
        }
        return true;
    }

    synchronized void release(long bytes, boolean root) {
        held -= bytes;
        if (!root) {
            heldNonRoot -= bytes;
        }
    }

    synchronized long held() {
        return held;
    }

    long total() {
        return total;
    }
}
