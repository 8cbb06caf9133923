package io.vmnetd.netlink;

import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;

/** The VLANs of one bridge port (or of the bridge device itself), as ranges with their flags. */
public record PortVlans(int index, String name, int masterIndex, List<BridgeVlan> vlans) {
    public PortVlans {
        vlans = List.copyOf(vlans);
    }

    /**
     * What Linux gives a port as it joins a bridge: the bridge's default PVID, untagged ({@code defaultPvid} 0:
     * nothing).
     */
    public static PortVlans joining(int index, String name, int masterIndex, int defaultPvid) {
        return new PortVlans(index, name, masterIndex,
                defaultPvid == 0 ? List.of() : List.of(BridgeVlan.access(defaultPvid)));
    }

    public VidSet vids() {
        List<VidRange> ranges = new ArrayList<>();
        for (BridgeVlan v : vlans) {
            ranges.add(v.vids());
        }
        return VidSet.of(ranges);
    }

    public VidSet untagged() {
        List<VidRange> ranges = new ArrayList<>();
        for (BridgeVlan v : vlans) {
            if (v.untagged()) {
                ranges.add(v.vids());
            }
        }
        return VidSet.of(ranges);
    }

    public OptionalInt pvid() {
        for (BridgeVlan v : vlans) {
            if (v.pvid()) {
                return OptionalInt.of(v.vids().first());
            }
        }
        return OptionalInt.empty();
    }
}
