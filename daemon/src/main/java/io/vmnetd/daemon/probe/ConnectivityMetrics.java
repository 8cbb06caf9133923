package io.vmnetd.daemon.probe;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.function.Function;

/**
 * The checks in Prometheus: {@code vmnetd_connectivity_state{network,state}} is 1 for each checked network's
 * current state and 0 for the others; {@code vmnetd_connectivity_checks_total{network,state}} counts checks by
 * outcome; {@code vmnetd_connectivity_check_duration_seconds} is a histogram of how long checks take, by outcome.
 * A network's series go when it leaves the config.
 */
final class ConnectivityMetrics {
    private static final String STATE = "vmnetd.connectivity.state";
    private static final String CHECKS = "vmnetd.connectivity.checks";
    private static final String DURATION = "vmnetd.connectivity.check.duration";
    private static final Duration[] BUCKETS = {Duration.ofMillis(50), Duration.ofMillis(100), Duration.ofMillis(250),
            Duration.ofMillis(500), Duration.ofSeconds(1), Duration.ofSeconds(2), Duration.ofSeconds(5),
            Duration.ofSeconds(10), Duration.ofSeconds(20), Duration.ofSeconds(30), Duration.ofSeconds(60)};

    private final MeterRegistry registry;

    ConnectivityMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    /** One gauge per state for {@code network}, reading its current state at each scrape. */
    void watch(String network, Function<String, ConnectivityState> current) {
        for (ConnectivityState s : ConnectivityState.values()) {
            if (s == ConnectivityState.NOT_APPLICABLE) {
                continue; // only checked networks get series
            }
            Gauge.builder(STATE, () -> current.apply(network) == s ? 1 : 0)
                    .description("1 for the state of the last connectivity check of a VM network on this node")
                    .tags("network", network, "state", s.apiName())
                    .strongReference(true)
                    .register(registry);
        }
    }

    void checked(String network, Connectivity result) {
        String state = result.state().apiName();
        Counter.builder(CHECKS).description("Connectivity checks of VM networks, by network and outcome")
                .tags("network", network, "state", state).register(registry).increment();
        Timer.builder(DURATION).description("Time one connectivity check takes, by outcome")
                .tag("state", state).serviceLevelObjectives(BUCKETS).register(registry).record(result.duration());
    }

    /** Removes every series of {@code network}. */
    void forget(String network) {
        for (Meter m : registry.getMeters()) {
            String name = m.getId().getName();
            if ((name.equals(STATE) || name.equals(CHECKS)) && network.equals(m.getId().getTag("network"))) {
                registry.remove(m);
            }
        }
    }
}
