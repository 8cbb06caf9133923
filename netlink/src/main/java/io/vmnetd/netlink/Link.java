package io.vmnetd.netlink;

import io.vmnetd.netlink.nl.Rtnl;
import java.util.Optional;

/**
 * A network interface as the kernel reports it: the attributes every link has, plus its {@link LinkKind}.
 *
 * @param parentIndex IFLA_LINK: the VLAN's or macvlan's lower device, the veth's peer; 0 when none
 * @param parentNetnsId IFLA_LINK_NETNSID: set when the parent lives in another namespace (a veth peer moved away)
 * @param masterIndex the bridge or bond this link is enslaved to; 0 when none
 * @param slaveKind "bridge" or "bond" when enslaved
 * @param bridgePort the port's bridge settings when its master is a bridge
 */
public record Link(
        int index,
        String name,
        LinkKind kind,
        int flags,
        int mtu,
        int minMtu,
        int maxMtu,
        int txQueueLength,
        Optional<MacAddress> mac,
        OperState operState,
        int masterIndex,
        int parentIndex,
        Optional<Integer> parentNetnsId,
        Optional<String> slaveKind,
        Optional<BridgePort> bridgePort,
        int promiscuity) {

    public boolean isUp() {
        return (flags & Rtnl.IFF_UP) != 0;
    }

    public boolean isPromiscuous() {
        return (flags & Rtnl.IFF_PROMISC) != 0;
    }

    public boolean hasCarrier() {
        return (flags & Rtnl.IFF_LOWER_UP) != 0;
    }

    public boolean hasMaster() {
        return masterIndex != 0;
    }

    public <K extends LinkKind> Optional<K> kindAs(Class<K> type) {
        return type.isInstance(kind) ? Optional.of(type.cast(kind)) : Optional.empty();
    }

    /** A bridge port's settings (IFLA_INFO_SLAVE_DATA of kind "bridge"). */
    public record BridgePort(int state, boolean learning, boolean isolated) {
        public boolean isForwarding() {
            return state == Rtnl.BrState.FORWARDING;
        }
    }
}
