package io.vmnetd.daemon.reconcile;

import io.vmnetd.daemon.model.PortVlanSpec;
import io.vmnetd.netlink.Address;
import io.vmnetd.netlink.BridgeVlan;
import io.vmnetd.netlink.IpPrefix;
import io.vmnetd.netlink.Route;
import io.vmnetd.netlink.nl.Rtnl;
import java.net.InetAddress;
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
    private final Map<String, List<IpPrefix>> addresses = new LinkedHashMap<>();
    private final List<TestRoute> routes = new ArrayList<>();

    /** A route out of {@code link}, with its protocol (RTPROT_*). */
    private record TestRoute(String link, IpPrefix destination, Optional<InetAddress> gateway, int protocol) {}

    /** Gives {@code link} a global address. */
    TestKernel address(String link, String prefix) {
        addresses.computeIfAbsent(link, l -> new ArrayList<>()).add(IpPrefix.parse(prefix));
        return this;
    }

    TestKernel withoutAddresses(String link) {
        addresses.remove(link);
        return this;
    }

    /** Adds a main-table route out of {@code link}; {@code gateway} null for one on the link. */
    TestKernel route(String link, String destination, String gateway, int protocol) {
        routes.add(new TestRoute(link, IpPrefix.parse(destination), Optional.ofNullable(gateway)
                .map(IpPrefix::parseAddress), protocol));
        return this;
    }

    TestKernel withoutRoutes() {
        routes.clear();
        return this;
    }

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
        List<Address> addressList = new ArrayList<>();
        addresses.forEach((name, list) -> list.forEach(p -> addressList.add(new Address(links.get(name).index(), p,
                Rtnl.Rta.SCOPE_UNIVERSE, 0, Optional.empty()))));
        List<Route> routeList = new ArrayList<>();
        for (TestRoute r : routes) {
            routeList.add(new Route(r.destination(), r.gateway(), links.get(r.link()).index(), Rtnl.Rta.TABLE_MAIN,
                    r.protocol(), Rtnl.Rta.SCOPE_UNIVERSE, 0));
        }
        return new KernelView(out, byIndex).withAddressing(new KernelView.Addressing(addressList, routeList));
    }
}
