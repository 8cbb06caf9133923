package io.vmnetd.daemon.dhcp;

import java.net.Inet4Address;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * A lease as a server's ACK grants it (RFC 2131 4.4.5): the address with the subnet's prefix length, the router,
 * the server to renew with, and when to renew (T1), rebind (T2) and give up (the lease time), from {@code boundAt}.
 *
 * @param time empty for an infinite lease, which is never renewed
 */
public record DhcpLease(Inet4Address address, int prefixLength, Optional<Inet4Address> router, Inet4Address server,
                        Optional<Duration> time, Duration renewAfter, Duration rebindAfter, Instant boundAt) {
    public DhcpLease {
        Objects.requireNonNull(address, "address");
        Objects.requireNonNull(router, "router");
        Objects.requireNonNull(server, "server");
        if (prefixLength < 1 || prefixLength > 32) {
            throw new IllegalArgumentException("prefix length " + prefixLength);
        }
    }

    public Instant renewAt() {
        return boundAt.plus(renewAfter);
    }

    public Instant rebindAt() {
        return boundAt.plus(rebindAfter);
    }

    public Optional<Instant> expiresAt() {
        return time.map(boundAt::plus);
    }

    /** "10.0.100.57/24 router 10.0.100.1 from 10.0.100.2 for 3600 s". */
    public String describe() {
        return address.getHostAddress() + "/" + prefixLength + router.map(r -> " router " + r.getHostAddress())
                .orElse(" (no router)") + " from " + server.getHostAddress()
                + time.map(t -> " for " + t.toSeconds() + " s").orElse(" without end");
    }
}
