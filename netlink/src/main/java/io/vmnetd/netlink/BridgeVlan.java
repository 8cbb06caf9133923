package io.vmnetd.netlink;

/**
 * VLAN membership of a bridge port for a range of VIDs: egress-untagged or tagged, and whether the (single) VID is
 * the port's PVID, i.e. where untagged ingress frames go.
 */
public record BridgeVlan(VidRange vids, boolean pvid, boolean untagged) {
    public BridgeVlan {
        Arguments.notNull("vids", vids);
        if (pvid && !vids.isSingle()) {
            throw new InvalidArgumentException("pvid", "a port has one PVID; " + vids + " is a range");
        }
    }

    public static BridgeVlan tagged(VidRange vids) {
        return new BridgeVlan(vids, false, false);
    }

    public static BridgeVlan tagged(int vid) {
        return tagged(VidRange.of(vid));
    }

    /** An access VLAN: untagged ingress goes to {@code vid} and egress leaves untagged. */
    public static BridgeVlan access(int vid) {
        return new BridgeVlan(VidRange.of(vid), true, true);
    }

    @Override
    public String toString() {
        return vids + (pvid ? " PVID" : "") + (untagged ? " Egress Untagged" : "");
    }
}
