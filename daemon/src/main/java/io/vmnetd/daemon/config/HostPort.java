package io.vmnetd.daemon.config;

import java.net.InetSocketAddress;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A TCP endpoint as written by the operator. The host stays unresolved until the listener is opened, so that
 * validating a config never waits on DNS.
 *
 * @param host an IPv4 literal, an IPv6 literal (stored without brackets) or a host name
 */
public record HostPort(String host, int port) {

    private static final String LABEL = "[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?";
    private static final Pattern HOST_NAME = Pattern.compile("(?=.{1,253}$)" + LABEL + "(\\." + LABEL + ")*");

    public HostPort {
        Objects.requireNonNull(host, "host");
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("port out of range: " + port + "; allowed: 1..65535");
        }
    }

    /**
     * Parses {@code host:port}, {@code [ipv6]:port}.
     *
     * @throws IllegalArgumentException saying what is wrong
     */
    public static HostPort parse(String text) {
        int colon = text.lastIndexOf(':');
        if (colon < 0) {
            throw new IllegalArgumentException("missing port");
        }
        String host = text.substring(0, colon);
        String port = text.substring(colon + 1);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
            if (IpAddresses.parseIpv6(host).isEmpty()) {
                throw new IllegalArgumentException("invalid IPv6 address \"" + host + "\"");
            }
        } else if (host.contains(":")) {
            throw new IllegalArgumentException("an IPv6 address must be in brackets, e.g. [::1]:9677");
        } else if (host.isEmpty()) {
            throw new IllegalArgumentException("missing host; use 0.0.0.0 or [::] to listen on all addresses");
        } else if (IpAddresses.parseIpv4(host).isEmpty() && (!HOST_NAME.matcher(host).matches() || isNumeric(host))) {
            throw new IllegalArgumentException("invalid host \"" + host + "\"");
        }
        if (!port.matches("\\d{1,5}") || Integer.parseInt(port) < 1 || Integer.parseInt(port) > 65535) {
            throw new IllegalArgumentException("invalid port \"" + port + "\"; allowed: 1..65535");
        }
        return new HostPort(host, Integer.parseInt(port));
    }

    /** Resolves the host; call this when opening the listener, not while validating. */
    public InetSocketAddress toSocketAddress() {
        return new InetSocketAddress(host, port);
    }

    @Override
    public String toString() {
        return (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
    }

    // "10.0.0.300" matches the host name grammar but is a mistyped address, not a name.
    private static boolean isNumeric(String host) {
        return host.matches("[0-9.]+");
    }
}
