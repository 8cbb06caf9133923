package io.vmnetd.daemon.probe;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * The outcome of one connectivity check of a VM network on this node.
 *
 * @param checkedAt when the check started; empty when none ran
 * @param duration how long it took
 * @param cidr the subnet checked: offered by DHCP (auto) or configured (manual)
 * @param gateway the gateway checked
 * @param reason what was found, in words: the gateway's MAC, or why it failed
 */
public record Connectivity(ConnectivityState state, Optional<Instant> checkedAt, Duration duration,
                           Optional<String> cidr, Optional<String> gateway, Optional<String> reason) {

    public Connectivity {
        Objects.requireNonNull(state, "state");
        Objects.requireNonNull(checkedAt, "checkedAt");
        Objects.requireNonNull(duration, "duration");
        Objects.requireNonNull(cidr, "cidr");
        Objects.requireNonNull(gateway, "gateway");
        Objects.requireNonNull(reason, "reason");
    }

    /** A state that no check produced. */
    public static Connectivity unchecked(ConnectivityState state, String reason) {
        return new Connectivity(state, Optional.empty(), Duration.ZERO, Optional.empty(), Optional.empty(),
                Optional.of(reason));
    }
}
