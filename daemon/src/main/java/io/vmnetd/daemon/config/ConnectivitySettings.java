package io.vmnetd.daemon.config;

/**
 * The {@code connectivity} section: how often each VM network with a route is checked, and how long one check may
 * take at most. Checks run only when some VM network has a route.
 *
 * @param intervalSeconds the period between two checks of one network on this node, before jitter
 * @param timeoutSeconds the bound on one check's exchanges, once its port is ready: DHCP, ARP and ICMP retries
 *     all fit inside it
 */
public record ConnectivitySettings(int intervalSeconds, int timeoutSeconds) {
    public static final int DEFAULT_INTERVAL_SECONDS = 300;
    public static final int MIN_INTERVAL_SECONDS = 10;
    public static final int MAX_INTERVAL_SECONDS = 86400;
    public static final int DEFAULT_TIMEOUT_SECONDS = 10;
    public static final int MIN_TIMEOUT_SECONDS = 2;
    public static final int MAX_TIMEOUT_SECONDS = 60;

    public ConnectivitySettings {
        if (intervalSeconds < MIN_INTERVAL_SECONDS || intervalSeconds > MAX_INTERVAL_SECONDS) {
            throw new IllegalArgumentException("intervalSeconds out of range: " + intervalSeconds);
        }
        if (timeoutSeconds < MIN_TIMEOUT_SECONDS || timeoutSeconds > MAX_TIMEOUT_SECONDS) {
            throw new IllegalArgumentException("timeoutSeconds out of range: " + timeoutSeconds);
        }
    }

    public static ConnectivitySettings defaults() {
        return new ConnectivitySettings(DEFAULT_INTERVAL_SECONDS, DEFAULT_TIMEOUT_SECONDS);
    }
}
