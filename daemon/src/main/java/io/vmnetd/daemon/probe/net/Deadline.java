package io.vmnetd.daemon.probe.net;

import java.time.Duration;

/** A point on the monotonic clock that an exchange must end by. */
public record Deadline(long nanos) {

    public static Deadline after(Duration d) {
        return new Deadline(System.nanoTime() + d.toNanos());
    }

    public boolean passed() {
        return remainingNanos() <= 0;
    }

    public long remainingNanos() {
        return nanos - System.nanoTime();
    }

    public long remainingMillis() {
        return Math.max(0, (remainingNanos() + 999_999) / 1_000_000);
    }

    /** The earlier of the two. */
    public Deadline min(Deadline other) {
        return nanos - other.nanos <= 0 ? this : other;
    }

    /** This deadline, but no later than {@code d} from now. */
    public Deadline within(Duration d) {
        return min(after(d));
    }
}
