package io.vmnetd.daemon.config;

/**
 * The {@code api:} section: the limits of the API socket that an operator may have to change. Read at start only;
 * README.md ("Limits") lists these and the fixed ones.
 *
 * @param maxConnections connections to the socket at once, all callers together; non-root callers get at most half
 * @param maxConnectionsPerUser connections at once of one non-root uid
 * @param cniWorkers CNI calls worked on at once (each may wait up to cni.ipamTimeoutSeconds on an IPAM plugin)
 */
public record ApiSettings(int maxConnections, int maxConnectionsPerUser, int cniWorkers) {
    public static final int DEFAULT_MAX_CONNECTIONS = 1024;
    public static final IntRange MAX_CONNECTIONS = new IntRange(16, 16384);
    public static final int DEFAULT_MAX_CONNECTIONS_PER_USER = 32;
    public static final IntRange MAX_CONNECTIONS_PER_USER = new IntRange(1, 1024);
    public static final int DEFAULT_CNI_WORKERS = 16;
    public static final IntRange CNI_WORKERS = new IntRange(1, 256);

    public static ApiSettings defaults() {
        return new ApiSettings(DEFAULT_MAX_CONNECTIONS, DEFAULT_MAX_CONNECTIONS_PER_USER, DEFAULT_CNI_WORKERS);
    }
}
