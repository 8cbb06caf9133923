package io.vmnetd.daemon.api;

import io.vmnetd.daemon.config.ApiSettings;
import java.time.Duration;

/**
 * Every bound that keeps one client, or many, from starving the daemon: connections, workers and their queues, and
 * the memory that request bodies may hold. README.md ("Limits") lists them with their defaults.
 *
 * <p>Root's share: on the Unix socket, non-root callers together may hold at most half of {@code maxConnections},
 * half of each worker queue and half of the body budget, so that root (the CNI shim, and the operator's own tools)
 * always finds room however hard a socket-group member pushes.
 *
 * @param maxConnections Unix socket connections at once, all callers together; over it a new one is closed at once
 * @param maxConnectionsPerUser connections at once of one non-root uid
 * @param cniWorkers threads that run CNI calls; a call blocks one on netlink, locks and IPAM plugins
 * @param cniQueue CNI calls that may wait for a worker; past it ADD/CHECK/STATUS/GC get CNI error 11 "busy"
 * @param apiWorkers threads for every other endpoint (status, networks, ports, links, config, readyz, metrics)
 * @param apiQueue such calls that may wait; past it 503 with Retry-After
 * @param bodyBudgetBytes request body bytes held at once across all connections (received, queued or in work)
 * @param metricsMaxConnections connections at once on the TCP metrics listener
 * @param metricsRequestTimeout how long a metrics client may take to send its request
 */
public record ApiLimits(int maxConnections, int maxConnectionsPerUser, int cniWorkers, int cniQueue,
        int apiWorkers, int apiQueue, long bodyBudgetBytes, int metricsMaxConnections,
        Duration metricsRequestTimeout) {

    public static final int DEFAULT_MAX_CONNECTIONS = ApiSettings.DEFAULT_MAX_CONNECTIONS;
    public static final int DEFAULT_MAX_CONNECTIONS_PER_USER = ApiSettings.DEFAULT_MAX_CONNECTIONS_PER_USER;
    public static final int DEFAULT_CNI_WORKERS = ApiSettings.DEFAULT_CNI_WORKERS;
    public static final int DEFAULT_CNI_QUEUE = 128;
    public static final int DEFAULT_API_WORKERS = 4;
    public static final int DEFAULT_API_QUEUE = 64;
    public static final long DEFAULT_BODY_BUDGET_BYTES = 32L * 1024 * 1024;
    public static final int DEFAULT_METRICS_MAX_CONNECTIONS = 64;
    public static final Duration DEFAULT_METRICS_REQUEST_TIMEOUT = Duration.ofSeconds(5);
    /** A request body larger than this gets 413, whatever the budget. */
    public static final int MAX_BODY_BYTES = 1024 * 1024;
    /** Requests that one connection may pipeline ahead of the one being answered. */
    public static final int MAX_PIPELINED = 16;

    public ApiLimits {
        positive("maxConnections", maxConnections);
        positive("maxConnectionsPerUser", maxConnectionsPerUser);
        positive("cniWorkers", cniWorkers);
        positive("cniQueue", cniQueue);
        positive("apiWorkers", apiWorkers);
        positive("apiQueue", apiQueue);
        positive("metricsMaxConnections", metricsMaxConnections);
        if (bodyBudgetBytes < MAX_BODY_BYTES) {
            throw new IllegalArgumentException("bodyBudgetBytes must hold at least one largest body ("
                    + MAX_BODY_BYTES + "): " + bodyBudgetBytes);
        }
        if (metricsRequestTimeout.isNegative() || metricsRequestTimeout.isZero()) {
            throw new IllegalArgumentException("metricsRequestTimeout must be positive: " + metricsRequestTimeout);
        }
    }

    public static ApiLimits defaults() {
        return new ApiLimits(DEFAULT_MAX_CONNECTIONS, DEFAULT_MAX_CONNECTIONS_PER_USER, DEFAULT_CNI_WORKERS,
                DEFAULT_CNI_QUEUE, DEFAULT_API_WORKERS, DEFAULT_API_QUEUE, DEFAULT_BODY_BUDGET_BYTES,
                DEFAULT_METRICS_MAX_CONNECTIONS, DEFAULT_METRICS_REQUEST_TIMEOUT);
    }

    /** The defaults with what the configuration's {@code api:} section sets. */
    public static ApiLimits of(ApiSettings settings) {
        ApiLimits defaults = defaults();
        return defaults.withConnections(settings.maxConnections(), settings.maxConnectionsPerUser())
                .withCniWorkers(settings.cniWorkers(), Math.max(defaults.cniQueue(), 8 * settings.cniWorkers()));
    }

    /** Connections that non-root callers may hold together: the other half is root's. */
    public int maxNonRootConnections() {
        return Math.max(1, maxConnections / 2);
    }

    public ApiLimits withConnections(int total, int perUser) {
        return new ApiLimits(total, perUser, cniWorkers, cniQueue, apiWorkers, apiQueue, bodyBudgetBytes,
                metricsMaxConnections, metricsRequestTimeout);
    }

    public ApiLimits withCniWorkers(int workers, int queue) {
        return new ApiLimits(maxConnections, maxConnectionsPerUser, workers, queue, apiWorkers, apiQueue,
                bodyBudgetBytes, metricsMaxConnections, metricsRequestTimeout);
    }

    public ApiLimits withApiWorkers(int workers, int queue) {
        return new ApiLimits(maxConnections, maxConnectionsPerUser, cniWorkers, cniQueue, workers, queue,
                bodyBudgetBytes, metricsMaxConnections, metricsRequestTimeout);
    }

    public ApiLimits withBodyBudget(long bytes) {
        return new ApiLimits(maxConnections, maxConnectionsPerUser, cniWorkers, cniQueue, apiWorkers, apiQueue,
                bytes, metricsMaxConnections, metricsRequestTimeout);
    }

    public ApiLimits withMetrics(int connections, Duration requestTimeout) {
        return new ApiLimits(maxConnections, maxConnectionsPerUser, cniWorkers, cniQueue, apiWorkers, apiQueue,
                bodyBudgetBytes, connections, requestTimeout);
    }

    private static void positive(String name, int value) {
        if (value < 1) {
            throw new IllegalArgumentException(name + " must be at least 1: " + value);
        }
    }
}
