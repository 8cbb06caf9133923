package io.vmnetd.daemon.model;

import io.vmnetd.netlink.IpPrefix;
import java.net.InetAddress;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * What a DHCP lease gives a host interface: its address with the subnet's prefix length, and the router; with the
 * server that granted it and its times, for {@code /v1/networks}.
 *
 * @param expiresAt empty for a lease without end
 */
public record LeasedAddress(IpPrefix address, Optional<InetAddress> router, Optional<InetAddress> server,
                            Optional<Instant> boundAt, Optional<Instant> renewAt, Optional<Instant> expiresAt) {
    public LeasedAddress {
        Objects.requireNonNull(address, "address");
        Objects.requireNonNull(router, "router");
        Objects.requireNonNull(server, "server");
        Objects.requireNonNull(boundAt, "boundAt");
        Objects.requireNonNull(renewAt, "renewAt");
        Objects.requireNonNull(expiresAt, "expiresAt");
    }

    /** Only what addresses the interface. */
    public LeasedAddress(IpPrefix address, Optional<InetAddress> router) {
        this(address, router, Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty());
    }
}
