package io.vmnetd.daemon.reconcile;

import io.vmnetd.daemon.model.PortVlanSpec;
import io.vmnetd.netlink.BridgeVlan;
import io.vmnetd.netlink.Link;
import io.vmnetd.netlink.PortVlans;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** A hand-built kernel state for the planner: links by name, and the bridge VLANs of ports by port name. */
final class TestKernel {
    private final Map<String, TestLink> links = new LinkedHashMap<>();
    private final Map<String, List<BridgeVlan>> vlans = new HashMap<>();

    TestKernel with(TestLink link) {
        links.put(link.name(), link);
        return this;
    }

    /** The link to change; it must exist. */
    TestLink link(String name) {
        TestLink l = links.get(name);
        if (l == null) {
            throw new IllegalArgumentException("no link " + name + " in this test kernel");
        }
        return l;
    }

    /** Removes a link and its VLANs, as deleting it would. */
    TestKernel without(String name) {
        link(name);
        links.remove(name);
        vlans.remove(name);
        return this;
    }

    TestKernel vlans(String port, PortVlanSpec spec) {
        return vlans(port, spec.entries());
    }

    TestKernel vlans(String port, List<BridgeVlan> entries) {
        vlans.put(port, List.copyOf(entries));
        return this;
    }

    KernelView view() {
        List<Link> out = new ArrayList<>();
        Map<Integer, PortVlans> byIndex = new HashMap<>();
        for (TestLink l : links.values()) {
            Optional<TestLink> master = l.master().map(links::get);
            int masterIndex = master.map(TestLink::index).orElse(0);
            Optional<String> slaveKind = master.map(m -> m.kind().kernelName());
            int parentIndex = l.parent().map(links::get).map(TestLink::index).orElse(0);
            out.add(l.build(masterIndex, slaveKind, parentIndex));
            List<BridgeVlan> v = vlans.get(l.name());
            if (v != null) {
                byIndex.put(l.index(), new PortVlans(l.index(), l.name(), masterIndex, v));
            }
        }
        return new KernelView(out, byIndex);
    }
}
