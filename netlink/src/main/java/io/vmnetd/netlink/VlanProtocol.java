package io.vmnetd.netlink;

import io.vmnetd.netlink.nl.Rtnl;

/** The tag protocol of a VLAN subinterface or a VLAN-filtering bridge. */
public enum VlanProtocol {
    IEEE_802_1Q(Rtnl.ETH_P_8021Q, "802.1Q"),
    IEEE_802_1AD(Rtnl.ETH_P_8021AD, "802.1ad");

    private final int ethertype;
    private final String displayName;

    VlanProtocol(int ethertype, String displayName) {
        this.ethertype = ethertype;
        this.displayName = displayName;
    }

    public int ethertype() {
        return ethertype;
    }

    /** The spelling iproute2 uses in its JSON output. */
    public String displayName() {
        return displayName;
    }

    public static VlanProtocol ofEthertype(int ethertype) {
        for (VlanProtocol p : values()) {
            if (p.ethertype == ethertype) {
                return p;
            }
        }
        throw new io.vmnetd.netlink.nl.NetlinkParseException(String.format("unknown VLAN protocol 0x%04x", ethertype));
    }
}
