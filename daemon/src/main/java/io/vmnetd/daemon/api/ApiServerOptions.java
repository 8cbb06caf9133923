package io.vmnetd.daemon.api;

import io.vmnetd.daemon.config.HostPort;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * How {@link ApiServer} runs, beyond the socket and group that the configuration names.
 *
 * @param requestTimeout how long a client may take to send a whole request before it is cut off
 * @param workerThreads threads that run {@link DaemonApi} calls; a slow CNI call holds one
 * @param queueCapacity requests that may wait for a worker before new ones get 503 (which the shim retries)
 * @param metricsListen the optional unauthenticated TCP listener for /metrics and /healthz
 * @param groups where the socket group and its members are looked up
 * @param adminGroup a group whose members may change the node besides root; empty: root only
 */
public record ApiServerOptions(Duration requestTimeout, int workerThreads, int queueCapacity,
        Optional<HostPort> metricsListen, GroupDirectory groups, Optional<String> adminGroup) {

    public static final Duration DEFAULT_REQUEST_TIMEOUT = Duration.ofSeconds(10);
    public static final int DEFAULT_WORKER_THREADS = 16;
    public static final int DEFAULT_QUEUE_CAPACITY = 1024;

    public ApiServerOptions {
        Objects.requireNonNull(requestTimeout, "requestTimeout");
        Objects.requireNonNull(metricsListen, "metricsListen");
        Objects.requireNonNull(groups, "groups");
        Objects.requireNonNull(adminGroup, "adminGroup");
        if (requestTimeout.isNegative() || requestTimeout.isZero()) {
            throw new IllegalArgumentException("requestTimeout must be positive: " + requestTimeout);
        }
        if (workerThreads < 1 || queueCapacity < 1) {
            throw new IllegalArgumentException("workerThreads and queueCapacity must be at least 1");
        }
    }

    public static ApiServerOptions defaults() {
        return new ApiServerOptions(DEFAULT_REQUEST_TIMEOUT, DEFAULT_WORKER_THREADS, DEFAULT_QUEUE_CAPACITY,
                Optional.empty(), GroupDirectory.system(), Optional.empty());
    }

    public ApiServerOptions withRequestTimeout(Duration timeout) {
        return new ApiServerOptions(timeout, workerThreads, queueCapacity, metricsListen, groups, adminGroup);
    }

    public ApiServerOptions withWorkerThreads(int threads) {
        return new ApiServerOptions(requestTimeout, threads, queueCapacity, metricsListen, groups, adminGroup);
    }

    public ApiServerOptions withMetricsListen(Optional<HostPort> listen) {
        return new ApiServerOptions(requestTimeout, workerThreads, queueCapacity, listen, groups, adminGroup);
    }

    public ApiServerOptions withGroups(GroupDirectory directory) {
        return new ApiServerOptions(requestTimeout, workerThreads, queueCapacity, metricsListen, directory, adminGroup);
    }

    public ApiServerOptions withAdminGroup(Optional<String> group) {
        return new ApiServerOptions(requestTimeout, workerThreads, queueCapacity, metricsListen, groups, group);
    }
}
