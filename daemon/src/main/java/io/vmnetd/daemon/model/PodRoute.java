package io.vmnetd.daemon.model;

import io.vmnetd.netlink.IpPrefix;
import java.net.InetAddress;
import java.util.Optional;

/** A route of the pod's interface: through {@code gateway}, or to a directly attached network when empty. */
public record PodRoute(IpPrefix destination, Optional<InetAddress> gateway) {
    @Override
    public String toString() {
        return destination.network() + gateway.map(g -> " via " + g.getHostAddress()).orElse("");
    }
}
