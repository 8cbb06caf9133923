package io.vmnetd.daemon.state;

import io.vmnetd.daemon.model.NetworkPort;
import io.vmnetd.daemon.model.VmPort;
import java.time.Instant;
import java.util.Optional;

/**
 * One CNI attachment (container id + interface name) as journaled: the VM port it made, and what DEL, GC and CHECK
 * need again — the network configuration as the runtime sent it and the IPAM plugin's result.
 *
 * @param vmNetwork the VM network of the daemon's config, or empty for a netconf naming only a bridge and VLAN
 * @param port the VM port, described once: what ADD created and what the reconciler keeps
 * @param netconf the network configuration as the runtime sent it: IPAM DEL and GC need it again
 * @param ipamResult the IPAM plugin's result (JSON), if an IPAM plugin ran: ADD's result is built from it
 * @param state see {@link State}
 */
public record Attachment(
        AttachmentKey key,
        Optional<String> vmNetwork,
        String clusterNetwork,
        VmPort port,
        String cniVersion,
        String netconf,
        Optional<String> ipamResult,
        State state,
        Instant created) {

    /**
     * ADDING from before anything is made until ADD succeeds, READY while the port is live (the reconciler keeps
     * only these), DELETING from before DEL takes anything away until it is all gone. After a crash, ADDING and
     * DELETING entries are undone: the runtime never got an answer and will call again.
     */
    public enum State { ADDING, READY, DELETING }

    public Attachment withState(State newState) {
        return new Attachment(key, vmNetwork, clusterNetwork, port, cniVersion, netconf, ipamResult, newState, created);
    }

    /** This attachment once IPAM answered: the result, and the pod end's addresses and routes from it. */
    public Attachment withIpam(String result, VmPort addressed) {
        return new Attachment(key, vmNetwork, clusterNetwork, addressed, cniVersion, netconf, Optional.of(result),
                state, created);
    }

    public String hostIfName() {
        return port.hostIfName();
    }

    /** The live port the reconciler keeps for this attachment. */
    public NetworkPort networkPort() {
        return new NetworkPort(clusterNetwork, port);
    }

    /** "container 3f2a1b0c9d8e/net1": who a port is for, in messages. */
    public static String owner(AttachmentKey key) {
        String id = key.containerId();
        return "container " + (id.length() > 12 ? id.substring(0, 12) : id) + "/" + key.ifName();
    }
}
