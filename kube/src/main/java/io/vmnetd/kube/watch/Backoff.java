package io.vmnetd.kube.watch;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.DoubleSupplier;

/**
 * Exponential backoff with jitter: the n-th consecutive failure waits {@code min(cap, base * 2^n)} times a factor in
 * [0.5, 1.5), so that a thousand nodes that lost the API server at the same moment do not come back at the same moment.
 */
public record Backoff(Duration base, Duration cap, DoubleSupplier random) {

    public static final Backoff DEFAULT = new Backoff(Duration.ofSeconds(1), Duration.ofSeconds(60),
            () -> ThreadLocalRandom.current().nextDouble());

    public Duration delay(int attempt) {
        long baseMillis = base.toMillis();
        long exp = attempt >= 30 ? cap.toMillis() : Math.min(cap.toMillis(), baseMillis << attempt);
        return Duration.ofMillis((long) (exp * (0.5 + random.getAsDouble())));
    }
}
