package io.vmnetd.daemon.api;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Counts the connections of a listener and refuses those over its caps. On the Unix socket the caller's uid is known
 * (SO_PEERCRED): root may use every slot, non-root callers together only {@link ApiLimits#maxNonRootConnections()}
 * and each of them {@code perUser}, so that a group member opening thousands of connections never locks out the
 * CNI shim, which runs as root. The TCP metrics listener has no identity and only a total.
 */
final class ConnectionGate {

    private static final int ROOT = 0;

    private final String listener;
    private final int total;
    private final int nonRoot;
    private final int perUser;
    private final Map<Integer, Integer> byUid = new HashMap<>();
    private int open;
    private int openNonRoot;

    private ConnectionGate(String listener, int total, int nonRoot, int perUser) {
        this.listener = listener;
        this.total = total;
        this.nonRoot = nonRoot;
        this.perUser = perUser;
    }

    static ConnectionGate forUnixSocket(ApiLimits limits) {
        return new ConnectionGate("API socket", limits.maxConnections(), limits.maxNonRootConnections(),
                limits.maxConnectionsPerUser());
    }

    static ConnectionGate forMetrics(ApiLimits limits) {
        return new ConnectionGate("metrics listener", limits.metricsMaxConnections(), 0, 0);
    }

    /** Takes a slot for a caller of {@code uid}, or says why not. Give it back with {@link #release(int)}. */
    synchronized Optional<String> admit(int uid) {
        if (open >= total) {
            return Optional.of(listener + " is at its cap of " + total + " connections");
        }
        if (uid != ROOT) {
            int mine = byUid.getOrDefault(uid, 0);
            if (mine >= perUser) {
                return Optional.of("uid " + uid + " already holds " + perUser + " connections to the " + listener
                        + " (api.maxConnectionsPerUser)");
            }
            if (openNonRoot >= nonRoot) {
                return Optional.of("non-root callers together hold " + nonRoot + " connections to the " + listener
                        + ", the half of api.maxConnections kept apart from root");
            }
            byUid.put(uid, mine + 1);
            openNonRoot++;
        }
        open++;
        return Optional.empty();
    }

    /** A slot for the metrics listener, where every caller is anonymous and only the total counts. */
    Optional<String> admitAnonymous() {
        return admit(ROOT);
    }

    synchronized void release(int uid) {
        open--;
        if (uid != ROOT) {
            openNonRoot--;
            byUid.computeIfPresent(uid, (k, n) -> n == 1 ? null : n - 1);
        }
    }

    synchronized int open() {
        return open;
    }
}
