package io.vmnetd.daemon.reconcile;

import io.vmnetd.netlink.Link;
import io.vmnetd.netlink.LinkKind;
import io.vmnetd.netlink.MacAddress;
import java.util.Optional;

/**
 * The attributes of a link that the {@link Planner} reads: when an RTM_NEWLINK leaves them as they were (a carrier
 * or operstate change, features or multicast lists synced down a bridge, bond and NIC as ports come and go), there
 * is nothing to reconcile. Promiscuity counts: a port's promiscMode keeps its bridge promiscuous. The MAC counts
 * for a bond only (uplink.hardwareAddr): a bridge's follows its ports.
 */
record LinkShape(int index, LinkKind kind, int masterIndex, int mtu, boolean up, int txQueueLength,
                 boolean promiscuous, Optional<MacAddress> mac) {
    static LinkShape of(Link link) {
        return new LinkShape(link.index(), link.kind(), link.masterIndex(), link.mtu(), link.isUp(),
                link.txQueueLength(), link.isPromiscuous(),
                link.kind() instanceof LinkKind.Bond ? link.mac() : Optional.empty());
    }
}
