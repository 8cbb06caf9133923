package io.vmnetd.daemon.model;

import io.vmnetd.netlink.IpPrefix;
import java.net.InetAddress;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A host network as the planner makes it on its cluster network's bridge: the 802.1Q link {@code ifName} of VLAN
 * {@code vid}, the bridge itself a tagged member of that VLAN, at the network's MTU and up, with its address and
 * routes.
 *
 * @param name the host network's name in the config
 * @param address the static address, or the DHCP lease's; empty while a DHCP lease is sought
 * @param gateway the next hop of {@code routes}: the static gateway, or the lease's router
 * @param dhcp true when the address comes from a DHCP lease
 * @param keepsHeldAddress a DHCP lease is sought: the addresses and routes the interface holds stay as they are
 */
public record HostVlan(String name, String ifName, int vid, Optional<IpPrefix> address, Optional<InetAddress> gateway,
                       List<IpPrefix> routes, boolean dhcp, boolean keepsHeldAddress) {

    public HostVlan {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(ifName, "ifName");
        Objects.requireNonNull(address, "address");
        Objects.requireNonNull(gateway, "gateway");
        routes = List.copyOf(routes);
    }

    /** A host VLAN whose addresses are exactly {@code address}. */
    public HostVlan(String name, String ifName, int vid, Optional<IpPrefix> address, Optional<InetAddress> gateway,
                    List<IpPrefix> routes, boolean dhcp) {
        this(name, ifName, vid, address, gateway, routes, dhcp, false);
    }
}
