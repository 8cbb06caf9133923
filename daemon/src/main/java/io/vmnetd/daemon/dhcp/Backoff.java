package io.vmnetd.daemon.dhcp;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The waits between retransmissions: {@code initial}, doubled each time up to {@code max}, each randomised by
 * ±{@code jitter} so that many senders do not retry in step (RFC 2131 4.1 does the same with 4 s, 8 s, ... ±1 s).
 * The DHCP client's, and the connectivity probe's for its echo requests.
 */
public record Backoff(Duration initial, Duration max, double jitter) {

    public Backoff {
        if (initial.isNegative() || initial.isZero() || max.compareTo(initial) < 0 || jitter < 0 || jitter >= 1) {
            throw new IllegalArgumentException("bad backoff " + initial + ".." + max + " ±" + jitter);
        }
    }

    /** The wait after attempt {@code attempt} (0: after the first send). */
    public Duration delay(int attempt) {
        long base = initial.toNanos() << Math.min(attempt, 20);
        long capped = Math.min(base <= 0 ? Long.MAX_VALUE : base, max.toNanos());
        double factor = 1 + (ThreadLocalRandom.current().nextDouble() * 2 - 1) * jitter;
        return Duration.ofNanos((long) (capped * factor));
    }
}
