package io.vmnetd.netlink;

import java.util.Optional;

/**
 * What the link monitor saw. A bridge-port event comes from the bridge's own notification (AF_BRIDGE): a port's
 * VLANs, flags or STP state changed, or it left the bridge.
 *
 * @param portSettings with a bridge-port event: the port's settings (IFLA_PROTINFO), when the kernel sent them
 */
public record LinkEvent(Type type, Optional<Link> link, Optional<PortVlans> port,
                        Optional<Link.BridgePort> portSettings) {

    public enum Type {
        /** A link appeared or changed (RTM_NEWLINK). */
        LINK_UPDATED,
        /** A link disappeared (RTM_DELLINK). */
        LINK_DELETED,
        /** A bridge port's VLANs or state changed. */
        PORT_UPDATED,
        /** A port left its bridge. */
        PORT_REMOVED,
        /** The kernel dropped events (ENOBUFS): anything may have changed, so re-read everything. */
        RESYNC_NEEDED
    }

    public static LinkEvent resyncNeeded() {
        return new LinkEvent(Type.RESYNC_NEEDED, Optional.empty(), Optional.empty(), Optional.empty());
    }

    /** The name of the link concerned, if any. */
    public Optional<String> name() {
        return link.map(Link::name).or(() -> port.map(PortVlans::name));
    }
}
