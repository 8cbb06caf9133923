package io.vmnetd.daemon.model;

import io.vmnetd.netlink.IpPrefix;
import java.net.InetAddress;
import java.util.Objects;
import java.util.Optional;

/**
 * What a DHCP lease gives a host interface: its address with the subnet's prefix length, and the router.
 */
public record LeasedAddress(IpPrefix address, Optional<InetAddress> router) {
    public LeasedAddress {
        Objects.requireNonNull(address, "address");
        Objects.requireNonNull(router, "router");
    }
}
