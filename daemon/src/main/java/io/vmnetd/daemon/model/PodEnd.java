package io.vmnetd.daemon.model;

import io.vmnetd.netlink.IpPrefix;
import io.vmnetd.netlink.MacAddress;
import java.nio.file.Path;
import java.util.List;

/**
 * The pod's end of a VM port: the veth peer named {@code ifName} inside the pod's network namespace, with the MAC
 * vmnetd chose (or the runtime asked for) and the addresses and routes its IPAM plugin gave. Its MTU is the
 * cluster network's, like the host end's.
 */
public record PodEnd(Path netns, String ifName, MacAddress mac, List<IpPrefix> addresses, List<PodRoute> routes) {
    public PodEnd {
        addresses = List.copyOf(addresses);
        routes = List.copyOf(routes);
    }

    /** This end with the addresses and routes an IPAM plugin gave. */
    public PodEnd withAddressing(List<IpPrefix> newAddresses, List<PodRoute> newRoutes) {
        return new PodEnd(netns, ifName, mac, newAddresses, newRoutes);
    }
}
