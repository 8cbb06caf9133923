package io.vmnetd.daemon.api;

import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;

/**
 * One warning per period at most: a flood of refused connections must not become a flood of journal lines. The line
 * that goes out says how many were left out since the last one.
 */
final class RateLimitedLog {

    private static final long PERIOD_NANOS = TimeUnit.SECONDS.toNanos(10);

    private final Logger log;
    private long lastNanos = System.nanoTime() - PERIOD_NANOS;
    private long suppressed;

    RateLimitedLog(Logger log) {
        this.log = log;
    }

    synchronized void warning(String message) {
        long now = System.nanoTime();
        if (now - lastNanos < PERIOD_NANOS) {
            suppressed++;
            return;
        }
        log.warning(suppressed == 0 ? message : message + " (and " + suppressed + " similar in the last "
                + TimeUnit.NANOSECONDS.toSeconds(now - lastNanos) + " s)");
        lastNanos = now;
        suppressed = 0;
    }
}
