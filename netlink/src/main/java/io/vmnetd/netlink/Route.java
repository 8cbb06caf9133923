package io.vmnetd.netlink;

import io.vmnetd.netlink.nl.Rtnl;
import java.net.InetAddress;
import java.util.Optional;

/**
 * A route. A default route has a destination of length 0.
 *
 * @param outputIndex the link the route leaves through; 0 when the kernel chooses from the gateway
 */
public record Route(IpPrefix destination, Optional<InetAddress> gateway, int outputIndex, int table, int protocol,
                    int scope, int priority) {

    /** A route through a gateway, in the main table, as `ip route add` makes it. */
    public static Route via(IpPrefix destination, InetAddress gateway, int outputIndex) {
        return new Route(destination.network(), Optional.of(gateway), outputIndex, Rtnl.Rta.TABLE_MAIN,
                Rtnl.Rta.PROT_BOOT, Rtnl.Rta.SCOPE_UNIVERSE, 0);
    }

    /** A route to a directly attached network (scope link). */
    public static Route onLink(IpPrefix destination, int outputIndex) {
        return new Route(destination.network(), Optional.empty(), outputIndex, Rtnl.Rta.TABLE_MAIN,
                Rtnl.Rta.PROT_BOOT, Rtnl.Rta.SCOPE_LINK, 0);
    }

    public boolean isDefault() {
        return destination.length() == 0;
    }
}
