package io.vmnetd.daemon.cni;

import io.vmnetd.daemon.config.Config;
import io.vmnetd.daemon.model.VmPort;
import io.vmnetd.netlink.Link;
import io.vmnetd.netlink.VidSet;
import io.vmnetd.netlink.nl.BatchException;
import io.vmnetd.netlink.nl.NetlinkException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * What the CNI verbs need of the node's networks, and nothing more: the config they resolve netconfs against, and
 * a VM port made, addressed, checked or removed under its cluster network's lock by the same planner and steps the
 * reconciler repairs it with. Implemented over the reconciler; faked in tests.
 */
public interface Networks {
    Config config();

    /** The link {@code name} of the node as the kernel has it now. */
    Optional<Link> link(String name);

    /** The kernel's MTU of {@code bridge}, for a network adopted from the node (mgmt); empty when it is absent. */
    default OptionalInt bridgeMtu(String bridge) {
        return link(bridge).map(l -> OptionalInt.of(l.mtu())).orElse(OptionalInt.empty());
    }

    /**
     * Makes {@code port} of {@code clusterNetwork} exactly as described (the pair if missing, master, VLANs, flags,
     * MTU, up) and answers the bridge and the host end as they are then. {@code isNew}: the caller knows there is no
     * such port yet (a leftover of the same name is replaced), so it is not read first.
     *
     * @throws NotReady when the network cannot take the port yet (its bridge is being made)
     */
    AppliedPort applyPort(String clusterNetwork, VmPort port, boolean isNew);

    /** Gives the pod end of an applied port the addresses and routes of its description. */
    void addressPort(String clusterNetwork, VmPort port);

    /** What differs between {@code port} and the kernel; empty when nothing does. */
    List<String> checkPort(String clusterNetwork, VmPort port);

    /** Removes a VM port's links; {@code clusterNetwork} empty for a port no attachment describes. */
    void removePort(Optional<String> clusterNetwork, String hostIfName);

    /** The node's links, as one dump. */
    List<Link> links();

    /** Deletes exactly {@code link} (by its index: a new link of the same name is left alone); gone is fine. */
    void removeLink(Link link);

    /**
     * Deletes exactly these links (by index), as many at once as the kernel takes; gone is fine.
     *
     * @return the names of the links it deleted
     * @throws BatchException naming each link it could not delete and why, with the names of those it deleted
     */
    default List<String> removeLinks(List<Link> links) {
        List<String> deleted = new ArrayList<>();
        List<NetlinkException> failures = new ArrayList<>();
        for (Link link : links) {
            try {
                removeLink(link);
                deleted.add(link.name());
            } catch (NetlinkException e) {
                failures.add(e);
            }
        }
        if (!failures.isEmpty()) {
            throw new BatchException("delete links", links.size(), failures, deleted);
        }
        return deleted;
    }

    /**
     * Makes {@code change} to the live attachments, and reconciles {@code clusterNetwork} at once when that changes
     * what its uplink carries: the first port of a VID needs it carried before ADD answers, the last one's DEL gives
     * it back.
     */
    void changePorts(String clusterNetwork, VidSet portVids, Runnable change);

    /** What keeps {@code clusterNetwork} from its desired state (empty: nothing). */
    List<String> problems(String clusterNetwork);

    /** The network cannot take a port now; nothing was changed, and a later call may succeed. */
    final class NotReady extends RuntimeException {
        private static final long serialVersionUID = 1L;

        public NotReady(String why) {
            super(why);
        }
    }

    /** The bridge and the port's host end, with their MACs: what ADD's result names. */
    record AppliedPort(String bridge, Optional<io.vmnetd.netlink.MacAddress> bridgeMac, String hostEnd,
                       io.vmnetd.netlink.MacAddress hostMac) {}
}
