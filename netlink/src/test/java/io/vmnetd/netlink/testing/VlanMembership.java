package io.vmnetd.netlink.testing;

import com.fasterxml.jackson.databind.JsonNode;
import io.vmnetd.netlink.PortVlans;
import io.vmnetd.netlink.VidRange;
import io.vmnetd.netlink.VidSet;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;

/**
 * One device's bridge VLANs reduced to what two readers can be compared on: the member VIDs, the egress-untagged
 * ones and the PVID. Built from the library's {@link PortVlans} or from {@code bridge -j vlan show}, whatever ranges
 * either used.
 */
public record VlanMembership(VidSet vids, VidSet untagged, OptionalInt pvid) {
    public static final VlanMembership NONE = new VlanMembership(VidSet.empty(), VidSet.empty(), OptionalInt.empty());

    public static VlanMembership of(PortVlans port) {
        return new VlanMembership(port.vids(), port.untagged(), port.pvid());
    }

    public static VlanMembership of(String vids, String untagged, int pvid) {
        return new VlanMembership(VidSet.parse(vids), VidSet.parse(untagged), pvid == 0 ? OptionalInt.empty() : OptionalInt.of(pvid));
    }

    /**
     * Reads the "vlans" array iproute2 prints for one device: entries {@code {"vlan": N}}, with {@code "vlanEnd": M}
     * when it prints a range, and {@code "flags": ["PVID", "Egress Untagged"]} when set.
     */
    public static VlanMembership fromBridgeJson(JsonNode vlans) {
        List<VidRange> all = new ArrayList<>();
        List<VidRange> untagged = new ArrayList<>();
        OptionalInt pvid = OptionalInt.empty();
        for (JsonNode v : vlans) {
            int first = v.get("vlan").asInt();
            VidRange range = VidRange.of(first, v.path("vlanEnd").asInt(first));
            all.add(range);
            for (JsonNode flag : v.path("flags")) {
                switch (flag.asText()) {
                    case "PVID" -> {
                        if (pvid.isPresent()) {
                            throw new AssertionError("bridge printed two PVIDs for one device: " + vlans);
                        }
                        pvid = OptionalInt.of(first);
                    }
                    case "Egress Untagged" -> untagged.add(range);
                    default -> throw new AssertionError("unexpected flag " + flag + " in " + v);
                }
            }
        }
        return new VlanMembership(VidSet.of(all), VidSet.of(untagged), pvid);
    }

    @Override
    public String toString() {
        return "vids=" + vids + " untagged=" + untagged + " pvid=" + (pvid.isPresent() ? pvid.getAsInt() : "none");
    }
}
