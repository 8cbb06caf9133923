package io.vmnetd.daemon.model;

import io.vmnetd.netlink.BridgeVlan;
import io.vmnetd.netlink.PortVlans;
import io.vmnetd.netlink.VidRange;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.TreeMap;

/**
 * How a Linux bridge applies VLAN adds and deletes to one port, VID by VID (net/bridge/br_vlan.c): adding a VID
 * sets its untagged flag as given; with the PVID flag it becomes the PVID, without it a VID that was the PVID
 * stops being it; deleting a VID that is the PVID leaves the port without one. Adds run before deletes, in order,
 * as {@code SetPortVlans} sends them.
 */
final class KernelVlanModel {
    /** The port's VIDs with their untagged flag, and its PVID. */
    record State(Map<Integer, Boolean> untaggedByVid, OptionalInt pvid) {
        State {
            untaggedByVid = Map.copyOf(untaggedByVid);
        }
    }

    private KernelVlanModel() {}

    static State of(PortVlanSpec spec) {
        Map<Integer, Boolean> vids = new TreeMap<>();
        for (int vid : spec.vids().toArray()) {
            vids.put(vid, spec.untagged().contains(vid));
        }
        return new State(vids, spec.pvid());
    }

    static State of(PortVlans port) {
        return apply(new State(Map.of(), OptionalInt.empty()), port.vlans(), List.of());
    }

    static State apply(PortVlans observed, VlanDiff diff) {
        return apply(of(observed), diff.add(), diff.delete());
    }

    private static State apply(State start, List<BridgeVlan> add, List<VidRange> delete) {
        Map<Integer, Boolean> vids = new TreeMap<>(start.untaggedByVid());
        int pvid = start.pvid().orElse(0);
        for (BridgeVlan v : add) {
            for (int vid = v.vids().first(); vid <= v.vids().last(); vid++) {
                vids.put(vid, v.untagged());
                if (v.pvid()) {
                    pvid = vid;
                } else if (pvid == vid) {
                    pvid = 0;
                }
            }
        }
        for (VidRange r : delete) {
            for (int vid = r.first(); vid <= r.last(); vid++) {
                vids.remove(vid);
                if (pvid == vid) {
                    pvid = 0;
                }
            }
        }
        return new State(vids, pvid == 0 ? OptionalInt.empty() : OptionalInt.of(pvid));
    }

    /** The state as the kernel would report it: one entry per VID. */
    static PortVlans toPortVlans(State state) {
        List<BridgeVlan> out = new ArrayList<>();
        new TreeMap<>(state.untaggedByVid()).forEach((vid, untagged) -> out.add(new BridgeVlan(VidRange.of(vid),
                state.pvid().isPresent() && state.pvid().getAsInt() == vid, untagged)));
        return new PortVlans(7, "vm1", 3, out);
    }
}
