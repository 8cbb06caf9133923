package io.vmnetd.daemon.model;

import io.vmnetd.daemon.config.VmNetwork;
import io.vmnetd.netlink.VidSet;

/** How each kind of VM network maps onto the VLANs of a VM's bridge port. */
public final class VmNetworkVlans {
    private VmNetworkVlans() {}

    /**
     * L2VlanNetwork: an access port on its VID (VLAN 1 gone); UntaggedNetwork: the native VLAN; trunk: its
     * ranges, tagged, and nothing untagged.
     */
    public static PortVlanSpec portVlans(VmNetwork network) {
        return switch (network.type()) {
            case L2VlanNetwork -> PortVlanSpec.access(network.vlan().orElseThrow());
            case UntaggedNetwork -> PortVlanSpec.nativeOnly();
            case L2VlanTrunkNetwork -> PortVlanSpec.trunk(VidSet.of(network.trunk()));
        };
    }

    /** The tagged VIDs the cluster network's uplink must carry for this VM network. */
    public static VidSet uplinkVids(VmNetwork network) {
        PortVlanSpec port = portVlans(network);
        return port.vids().minus(VidSet.of(PortVlanSpec.DEFAULT_VID));
    }
}
