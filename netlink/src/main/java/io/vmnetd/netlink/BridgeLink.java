package io.vmnetd.netlink;

/**
 * A bridge port (or a bridge) as its bridge's AF_BRIDGE dump shows it: one message per port with the port's link
 * attributes and its VLANs. The link carries what that message does: name, master, MTU, flags (up, promiscuous),
 * operstate, MAC, IFLA_LINK and the port's settings (isolated, learning, STP state); not its kind, txqueuelen,
 * promiscuity counter or link-netnsid, which only a link dump or a read by name gives.
 */
public record BridgeLink(Link link, PortVlans vlans) {
}
