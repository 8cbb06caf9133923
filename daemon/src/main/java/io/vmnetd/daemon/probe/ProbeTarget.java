package io.vmnetd.daemon.probe;

import io.vmnetd.daemon.config.ClusterNetwork;
import io.vmnetd.daemon.config.Route;
import io.vmnetd.daemon.config.VmNetwork;
import io.vmnetd.daemon.model.PortVlanSpec;
import io.vmnetd.netlink.VidSet;
import java.util.Optional;

/**
 * What one check looks at: a VM network with a route, the bridge it lives on and the VLAN the probe's port joins
 * untagged: an L2VlanNetwork's VID, the native VLAN (1) for an UntaggedNetwork, and for a trunk the route's
 * {@code vlan} or else the trunk's lowest VID.
 */
public record ProbeTarget(String vmNetwork, String clusterNetwork, String bridge, int vid, Route route) {

    /** The target of {@code network}, or empty when it has no route. */
    public static Optional<ProbeTarget> of(VmNetwork network) {
        return network.route().map(route -> new ProbeTarget(network.name(), network.clusterNetwork(),
                ClusterNetwork.bridgeName(network.clusterNetwork()), vid(network, route), route));
    }

    private static int vid(VmNetwork network, Route route) {
        return switch (network.type()) {
            case L2VlanNetwork -> network.vlan().orElseThrow();
            case UntaggedNetwork -> PortVlanSpec.DEFAULT_VID;
            case L2VlanTrunkNetwork -> route.vlan().orElse(VidSet.of(network.trunk()).toArray()[0]);
        };
    }

    /** For messages: "VLAN 100", or "the native VLAN". */
    public String vlanName() {
        return vid == PortVlanSpec.DEFAULT_VID ? "the native VLAN (1)" : "VLAN " + vid;
    }
}
