package io.vmnetd.daemon.state;

import io.vmnetd.daemon.model.DesiredPort;
import io.vmnetd.daemon.model.NetworkPort;
import io.vmnetd.daemon.model.PortVlanSpec;
import java.time.Instant;
import java.util.Optional;

/**
 * One CNI attachment (container id + interface name) as journaled: enough to rebuild the port after a restart,
 * to answer CHECK, and to undo everything on DEL.
 *
 * @param vmNetwork the VM network of the daemon's config, or empty for a netconf naming only a bridge and VLAN
 * @param netconf the network configuration as the runtime sent it: IPAM DEL and GC need it again
 * @param ipamResult the IPAM plugin's result (JSON), if an IPAM plugin ran
 * @param state {@link State#ADDING} from before the first link is made until ADD succeeds
 */
public record Attachment(
        String containerId,
        String ifName,
        String netns,
        Optional<String> vmNetwork,
        String clusterNetwork,
        String hostIfName,
        String mac,
        PortVlanSpec vlans,
        String cniVersion,
        String netconf,
        Optional<String> ipamResult,
        State state,
        Instant created) {

    public enum State { ADDING, READY }

    public AttachmentKey key() {
        return new AttachmentKey(containerId, ifName);
    }

    public Attachment withState(State newState) {
        return new Attachment(containerId, ifName, netns, vmNetwork, clusterNetwork, hostIfName, mac, vlans,
                cniVersion, netconf, ipamResult, newState, created);
    }

    public Attachment withIpamResult(Optional<String> result) {
        return new Attachment(containerId, ifName, netns, vmNetwork, clusterNetwork, hostIfName, mac, vlans,
                cniVersion, netconf, result, state, created);
    }

    public Attachment withMac(String newMac) {
        return new Attachment(containerId, ifName, netns, vmNetwork, clusterNetwork, hostIfName, newMac, vlans,
                cniVersion, netconf, ipamResult, state, created);
    }

    /** The port the reconciler keeps for this attachment. */
    public NetworkPort port() {
        return new NetworkPort(clusterNetwork, new DesiredPort(hostIfName, netns, ifName, vlans,
                "container " + shortId() + "/" + ifName));
    }

    private String shortId() {
        return containerId.length() > 12 ? containerId.substring(0, 12) : containerId;
    }
}
