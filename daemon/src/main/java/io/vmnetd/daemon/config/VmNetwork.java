package io.vmnetd.daemon.config;

import io.vmnetd.netlink.VidRange;

import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * A network VMs and pods attach to, carried by a cluster network. It has no MTU of its own: every port
 * inherits the MTU of its cluster network's bridge.
 *
 * @param vlan the access VID; present exactly for {@link VmNetworkType#L2VlanNetwork}
 * @param trunk the tagged VIDs, non-overlapping; non-empty exactly for {@link VmNetworkType#L2VlanTrunkNetwork}
 * @param route how the network's subnet is learned and its gateway checked; empty: not checked
 */
public record VmNetwork(
        String name, String clusterNetwork, VmNetworkType type, OptionalInt vlan, List<VidRange> trunk, Optional<Route> route) {

    public VmNetwork {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(clusterNetwork, "clusterNetwork");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(vlan, "vlan");
        trunk = List.copyOf(trunk);
        Objects.requireNonNull(route, "route");
    }
}
