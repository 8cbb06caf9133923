package io.vmnetd.daemon.api;

import io.vmnetd.daemon.config.HostPort;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * How {@link ApiServer} runs, beyond the socket and group that the configuration names.
 *
 * @param requestTimeout how long a client may take to send a whole request before it is cut off
 * @param limits connection caps, worker pools and queues, the body budget
 * @param metricsListen the optional unauthenticated TCP listener for /metrics and /healthz
 * @param groups where the socket group and its members are looked up
 * @param adminGroup a group whose members may change the node besides root; empty: root only
 */
public record ApiServerOptions(Duration requestTimeout, ApiLimits limits, Optional<HostPort> metricsListen,
        GroupDirectory groups, Optional<String> adminGroup) {

    public static final Duration DEFAULT_REQUEST_TIMEOUT = Duration.ofSeconds(10);

    public ApiServerOptions {
        Objects.requireNonNull(requestTimeout, "requestTimeout");
        Objects.requireNonNull(limits, "limits");
        Objects.requireNonNull(metricsListen, "metricsListen");
        Objects.requireNonNull(groups, "groups");
        Objects.requireNonNull(adminGroup, "adminGroup");
        if (requestTimeout.isNegative() || requestTimeout.isZero()) {
            throw new IllegalArgumentException("requestTimeout must be positive: " + requestTimeout);
        }
    }

    public static ApiServerOptions defaults() {
        return new ApiServerOptions(DEFAULT_REQUEST_TIMEOUT, ApiLimits.defaults(), Optional.empty(),
                GroupDirectory.system(), Optional.empty());
    }

    public ApiServerOptions withRequestTimeout(Duration timeout) {
        return new ApiServerOptions(timeout, limits, metricsListen, groups, adminGroup);
    }

    public ApiServerOptions withLimits(ApiLimits newLimits) {
        return new ApiServerOptions(requestTimeout, newLimits, metricsListen, groups, adminGroup);
    }

    public ApiServerOptions withMetricsListen(Optional<HostPort> listen) {
        return new ApiServerOptions(requestTimeout, limits, listen, groups, adminGroup);
    }

    public ApiServerOptions withGroups(GroupDirectory directory) {
        return new ApiServerOptions(requestTimeout, limits, metricsListen, directory, adminGroup);
    }

    public ApiServerOptions withAdminGroup(Optional<String> group) {
        return new ApiServerOptions(requestTimeout, limits, metricsListen, groups, group);
    }
}
