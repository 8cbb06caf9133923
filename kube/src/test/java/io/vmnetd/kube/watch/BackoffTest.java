package io.vmnetd.kube.watch;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class BackoffTest {
    static Backoff fixed(double random) {
        return new Backoff(Duration.ofSeconds(1), Duration.ofSeconds(60), () -> random);
    }

    @Test
    void doublesUpToTheCapTimesAJitterBetweenHalfAndOneAndAHalf() {
        assertThat(fixed(0.5).delay(0)).isEqualTo(Duration.ofSeconds(1));
        assertThat(fixed(0.5).delay(3)).isEqualTo(Duration.ofSeconds(8));
        assertThat(fixed(0.5).delay(6)).isEqualTo(Duration.ofSeconds(60));
        assertThat(fixed(0.5).delay(40)).isEqualTo(Duration.ofSeconds(60));
        assertThat(fixed(0.0).delay(2)).isEqualTo(Duration.ofSeconds(2));
        assertThat(fixed(0.999).delay(2)).isEqualTo(Duration.ofMillis(5996));
    }

    @Test
    void aThousandNodesDoNotRetryTogether() {
        long min = Long.MAX_VALUE;
        long max = 0;
        for (int i = 0; i < 1000; i++) {
            long d = Backoff.DEFAULT.delay(0).toMillis();
            min = Math.min(min, d);
            max = Math.max(max, d);
        }
        assertThat(min).isBetween(500L, 700L);
        assertThat(max).isBetween(1300L, 1500L);
    }
}
