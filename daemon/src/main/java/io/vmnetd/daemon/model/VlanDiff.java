package io.vmnetd.daemon.model;

import io.vmnetd.netlink.BridgeVlan;
import io.vmnetd.netlink.VidRange;
import java.util.List;

/** VLANs to (re)add with their flags and ranges to delete on one port: at most one message each. */
public record VlanDiff(List<BridgeVlan> add, List<VidRange> delete) {
    public VlanDiff {
        add = List.copyOf(add);
        delete = List.copyOf(delete);
    }

    public boolean isEmpty() {
        return add.isEmpty() && delete.isEmpty();
    }
}
