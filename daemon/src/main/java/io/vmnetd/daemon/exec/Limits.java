package io.vmnetd.daemon.exec;

import java.time.Duration;

/**
 * The bounds of one child's run.
 *
 * @param timeout        from the start until the whole process group is killed and {@link Outcome.TimedOut} reported
 * @param maxStdoutBytes stdout beyond this kills the group: {@link Outcome.OutputTooLarge}
 * @param maxStderrBytes likewise for stderr
 * @param exitGrace      how long, after the program itself exited, to wait for the end of its output: a process it
 *                       left behind (in its group or escaped with setsid) may hold stdout or stderr open for ever
 */
public record Limits(Duration timeout, int maxStdoutBytes, int maxStderrBytes, Duration exitGrace) {
    public static final Duration DEFAULT_EXIT_GRACE = Duration.ofMillis(150);

    public Limits {
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("timeout must be positive, not " + timeout);
        }
        if (maxStdoutBytes < 0 || maxStderrBytes < 0) {
            throw new IllegalArgumentException("output limits must not be negative");
        }
        if (exitGrace.isNegative()) {
            throw new IllegalArgumentException("exitGrace must not be negative, not " + exitGrace);
        }
    }

    /** With {@link #DEFAULT_EXIT_GRACE}. */
    public static Limits of(Duration timeout, int maxStdoutBytes, int maxStderrBytes) {
        return new Limits(timeout, maxStdoutBytes, maxStderrBytes, DEFAULT_EXIT_GRACE);
    }
}
