package io.vmnetd.daemon.model;

import io.vmnetd.netlink.Arguments;
import io.vmnetd.netlink.BridgeVlan;
import io.vmnetd.netlink.PortVlans;
import io.vmnetd.netlink.VidRange;
import io.vmnetd.netlink.VidSet;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;
import java.util.stream.IntStream;

/**
 * The VLANs a bridge port should carry: the VID set, which of them leave untagged, and the PVID that untagged
 * ingress frames join.
 */
public record PortVlanSpec(VidSet vids, OptionalInt pvid, VidSet untagged) {
    /** VLAN 1: the bridge's default PVID, which Linux gives every new port. */
    public static final int DEFAULT_VID = 1;

    public PortVlanSpec {
        if (pvid.isPresent() && !vids.contains(pvid.getAsInt())) {
            throw new IllegalArgumentException("PVID " + pvid.getAsInt() + " is not among the port's VIDs " + vids);
        }
        if (!vids.containsAll(untagged)) {
            throw new IllegalArgumentException("untagged VIDs " + untagged + " are not all among the port's VIDs " + vids);
        }
    }

    /** An access port: untagged frames join {@code vid} and leave untagged. */
    public static PortVlanSpec access(int vid) {
        Arguments.vid("vlan", vid);
        VidSet v = VidSet.of(vid);
        return new PortVlanSpec(v, OptionalInt.of(vid), v);
    }

    /** The native VLAN only: what an untagged network's port and an uplink without VM VLANs carry. */
    public static PortVlanSpec nativeOnly() {
        return access(DEFAULT_VID);
    }

    /** Tagged VIDs only. */
    public static PortVlanSpec trunk(VidSet vids) {
        return new PortVlanSpec(vids, OptionalInt.empty(), VidSet.empty());
    }

    /** This spec plus tagged {@code more} (VIDs already present keep their flags). */
    public PortVlanSpec withTagged(VidSet more) {
        return new PortVlanSpec(vids.union(more), pvid, untagged);
    }

    /** This spec plus the native VLAN as PVID and untagged, unless another PVID is already set. */
    public PortVlanSpec withNative() {
        VidSet one = VidSet.of(DEFAULT_VID);
        return new PortVlanSpec(vids.union(one), pvid.isPresent() ? pvid : OptionalInt.of(DEFAULT_VID),
                untagged.union(one));
    }

    /** As bridge entries, the fewest ranges per flag combination; the PVID always alone. */
    public List<BridgeVlan> entries() {
        List<BridgeVlan> out = new ArrayList<>();
        pvid.ifPresent(p -> out.add(new BridgeVlan(VidRange.of(p), true, untagged.contains(p))));
        VidSet rest = pvid.isPresent() ? vids.minus(VidSet.of(pvid.getAsInt())) : vids;
        for (VidRange r : rest.intersect(untagged).ranges()) {
            out.add(new BridgeVlan(r, false, true));
        }
        for (VidRange r : rest.minus(untagged).ranges()) {
            out.add(new BridgeVlan(r, false, false));
        }
        return out;
    }

    /** What must change on a port that now has {@code observed} to make it carry exactly this spec. */
    public VlanDiff diff(PortVlans observed) {
        return diff(observed, observed.vids());
    }

    /**
     * Like {@link #diff(PortVlans)}, but removes only VIDs in {@code removable}: for ports vmnetd shares with
     * someone else (the adopted mgmt uplink), where it may take away only what it added itself.
     */
    public VlanDiff diff(PortVlans observed, VidSet removable) {
        if (carriedExactlyBy(observed)) {
            return new VlanDiff(List.of(), List.of());
        }
        VidSet present = observed.vids();
        VidSet presentUntagged = observed.untagged();
        int presentPvid = observed.pvid().orElse(0);
        VidSet wrong = VidSet.of(IntStream.of(vids.toArray())
                .filter(vid -> !sameFlags(vid, present, presentUntagged, presentPvid)).toArray());
        OptionalInt pvidToSet = pvid.isPresent() && wrong.contains(pvid.getAsInt()) ? pvid : OptionalInt.empty();
        List<BridgeVlan> add = new PortVlanSpec(wrong, pvidToSet, untagged.intersect(wrong)).entries();
        VidSet delete = present.minus(vids).intersect(removable);
        return new VlanDiff(add, delete.ranges());
    }

    /**
     * True when {@code observed} is exactly this spec: every VID it lists is one of ours with our PVID and untagged
     * flags, in ascending entries that cover each of our VIDs once. What a reconcile finds on almost every port, told
     * without building a set; anything else (other order, overlaps) is left to the full comparison.
     */
    private boolean carriedExactlyBy(PortVlans observed) {
        int covered = 0;
        int last = 0;
        boolean pvidSeen = false;
        for (BridgeVlan b : observed.vlans()) {
            VidRange r = b.vids();
            if (r.first() <= last) {
                return false;
            }
            for (int vid = r.first(); vid <= r.last(); vid++) {
                boolean isPvid = pvid.isPresent() && pvid.getAsInt() == vid;
                if (!vids.contains(vid) || untagged.contains(vid) != b.untagged() || isPvid != b.pvid()) {
                    return false;
                }
                pvidSeen |= isPvid;
            }
            covered += r.last() - r.first() + 1;
            last = r.last();
        }
        return covered == vids.size() && pvidSeen == pvid.isPresent();
    }

    /** Present with the same PVID and untagged flags; re-adding a VID with other flags replaces them. */
    private boolean sameFlags(int vid, VidSet present, VidSet presentUntagged, int presentPvid) {
        boolean wantPvid = pvid.isPresent() && pvid.getAsInt() == vid;
        return present.contains(vid) && wantPvid == (presentPvid == vid)
                && untagged.contains(vid) == presentUntagged.contains(vid);
    }

    @Override
    public String toString() {
        return vids + pvid.stream().mapToObj(p -> " pvid " + p).findFirst().orElse("")
                + (untagged.isEmpty() ? "" : " untagged " + untagged);
    }
}
