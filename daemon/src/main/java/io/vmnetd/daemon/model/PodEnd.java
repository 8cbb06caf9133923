package io.vmnetd.daemon.model;

import io.vmnetd.netlink.IpPrefix;
import io.vmnetd.netlink.MacAddress;
import io.vmnetd.netlink.NetNs;
import java.nio.file.Path;
import java.util.List;

/**
 * The pod's end of a VM port: the veth peer named {@code ifName} inside the pod's network namespace, with the MAC
 * vmnetd chose (or the runtime asked for) and the addresses and routes its IPAM plugin gave. Its MTU is the
 * cluster network's, like the host end's.
 *
 * @param netns where the runtime put the pod's namespace
 * @param netnsId which namespace that was when ADD checked it: a name recycled for another pod's namespace is not
 *     this one, and is never entered for it
 */
public record PodEnd(Path netns, NetNs.Identity netnsId, String ifName, MacAddress mac, List<IpPrefix> addresses,
                     List<PodRoute> routes) {
    public PodEnd {
        addresses = List.copyOf(addresses);
        routes = List.copyOf(routes);
    }

    /** This end with the addresses and routes an IPAM plugin gave. */
    public PodEnd withAddressing(List<IpPrefix> newAddresses, List<PodRoute> newRoutes) {
        return new PodEnd(netns, netnsId, ifName, mac, newAddresses, newRoutes);
    }

    /** True when {@code found} (what is at {@link #netns} now, if anything) is this pod's namespace. */
    public boolean isLiveAs(java.util.Optional<NetNs.Identity> found) {
        return found.isPresent() && found.get().equals(netnsId);
    }
}
