package io.vmnetd.daemon.reconcile;

import io.vmnetd.netlink.BridgeVlan;
import io.vmnetd.netlink.VidRange;
import io.vmnetd.netlink.VidSet;
import io.vmnetd.daemon.model.DesiredNetwork;
import io.vmnetd.daemon.model.PortVlanSpec;
import io.vmnetd.daemon.model.VmPort;
import io.vmnetd.netlink.BridgeLink;
import io.vmnetd.netlink.LinkKind;
import io.vmnetd.netlink.Address;
import io.vmnetd.netlink.Link;
import io.vmnetd.netlink.Route;
import io.vmnetd.netlink.nl.Rtnl;
import io.vmnetd.netlink.sys.Native;
import io.vmnetd.netlink.PortVlans;
import io.vmnetd.netlink.RtNetlink;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.nio.file.Path;
import java.util.Set;

/**
 * One read of the kernel, no changes: every link and every bridge port's VLANs ({@link #read}, two dumps), or what
 * one network's plan needs ({@link #readNetwork}, one dump).
 */
public final class KernelView {
    private final Map<String, Link> byName = new HashMap<>();
    private final Map<Integer, Link> byIndex = new HashMap<>();
    private final Map<Integer, PortVlans> vlans;
    private final Set<Path> goneNamespaces;
    private final Optional<Addressing> addressing;

    /** The addresses and main-table routes of the node, read only when host interfaces need them. */
    public record Addressing(List<Address> addresses, List<Route> routes) {
        public Addressing {
            addresses = List.copyOf(addresses);
            routes = List.copyOf(routes);
        }

        public static Addressing read(RtNetlink rtnl) {
            List<Route> routes = new ArrayList<>(rtnl.routes().list(Native.AF_INET));
            routes.addAll(rtnl.routes().list(Native.AF_INET6));
            return new Addressing(rtnl.addresses().list(Optional.empty()), routes);
        }
    }

    public KernelView(List<Link> links, Map<Integer, PortVlans> vlans) {
        this(links, vlans, Set.of(), Optional.empty());
    }

    private KernelView(List<Link> links, Map<Integer, PortVlans> vlans, Set<Path> goneNamespaces,
                       Optional<Addressing> addressing) {
        for (Link l : links) {
            byName.put(l.name(), l);
            byIndex.put(l.index(), l);
        }
        this.vlans = Collections.unmodifiableMap(vlans); // each caller's own, never changed after
        this.goneNamespaces = Set.copyOf(goneNamespaces);
        this.addressing = addressing;
    }

    /**
     * This view, knowing that the pod namespaces {@code gone} no longer exist: a VM port whose host end is missing
     * is made again only while its pod's namespace is there.
     */
    public KernelView withGoneNamespaces(Set<Path> gone) {
        return new KernelView(List.copyOf(byIndex.values()), vlans, gone, addressing);
    }

    /** This view with the node's addresses and routes. */
    public KernelView withAddressing(Addressing read) {
        return new KernelView(List.copyOf(byIndex.values()), vlans, goneNamespaces, Optional.of(read));
    }

    /**
     * The addresses of the link with {@code index} whose scope is global: the kernel's own link-local ones are not
     * anybody's configuration. Empty when this view was read without addresses.
     */
    public List<Address> globalAddresses(int index) {
        return addressing.map(a -> a.addresses().stream()
                .filter(x -> x.index() == index && x.scope() == Rtnl.Rta.SCOPE_UNIVERSE).toList()).orElse(List.of());
    }

    /** The main table's routes out of the link with {@code index}. */
    public List<Route> routesVia(int index) {
        return addressing.map(a -> a.routes().stream().filter(r -> r.outputIndex() == index).toList())
                .orElse(List.of());
    }

    public boolean namespaceGone(Path netns) {
        return goneNamespaces.contains(netns);
    }

    public static KernelView read(RtNetlink rtnl) {
        return new KernelView(rtnl.links().list(), rtnl.bridgeVlans().listAll());
    }

    /**
     * What one network's plan reads, in one dump of the node instead of two: the bridges' AF_BRIDGE dump gives
     * every bridge port with its master, MTU, flags, port settings and VLANs (all a VM port is planned by, see
     * {@link PortPlanner}); the network's bridge, uplink and NICs, whose kind and kind data count, are read by name;
     * the bond's slaves by a dump the kernel filters to them; a VM port that is on no bridge by name. A plan that
     * also needs links of other names (host VLAN interfaces, which look at every VLAN link on mgmt-br) reads the
     * whole node with {@link #read}.
     */
    static KernelView readNetwork(RtNetlink rtnl, DesiredNetwork n) {
        Map<String, Link> links = new HashMap<>();
        Map<Integer, PortVlans> vlans = new HashMap<>();
        for (BridgeLink p : rtnl.bridgeVlans().listPorts()) {
            links.put(p.link().name(), p.link());
            vlans.put(p.link().index(), p.vlans());
        }
        List<String> named = new ArrayList<>(List.of(n.bridge(), n.uplink()));
        named.addAll(n.nics());
        for (String name : named) {
            Optional<Link> read = rtnl.links().find(name);
            if (read.isPresent()) {
                links.put(name, read.get());
            } else {
                links.remove(name); // gone since the dump
            }
        }
        Link uplink = links.get(n.uplink());
        if (uplink != null && uplink.kind() instanceof LinkKind.Bond) {
            for (Link slave : rtnl.links().listEnslavedTo(uplink.index())) {
                links.putIfAbsent(slave.name(), slave);
            }
        }
        for (VmPort p : n.ports()) {
            if (!links.containsKey(p.hostIfName())) {
                rtnl.links().find(p.hostIfName()).ifPresent(l -> links.put(l.name(), l));
            }
        }
        return new KernelView(new ArrayList<>(links.values()), vlans);
    }

    public Optional<Link> link(String name) {
        return Optional.ofNullable(byName.get(name));
    }

    public Optional<Link> link(int index) {
        return Optional.ofNullable(byIndex.get(index));
    }

    public List<Link> links() {
        return List.copyOf(byIndex.values());
    }

    /** A port's VLANs; a port without any reads as empty. */
    public PortVlans vlans(Link link) {
        PortVlans v = vlans.get(link.index());
        return v != null ? v : new PortVlans(link.index(), link.name(), link.masterIndex(), List.of());
    }

    public Map<Integer, PortVlans> allVlans() {
        return vlans;
    }

    public List<Link> slavesOf(Link master) {
        List<Link> out = new ArrayList<>();
        for (Link l : byIndex.values()) {
            if (l.masterIndex() == master.index()) {
                out.add(l);
            }
        }
        return out;
    }

    /** What Linux gives a port as it joins {@code bridge} (empty: one vmnetd is about to make, without default PVID). */
    static PortVlans joining(String name, Optional<Link> bridge) {
        int defaultPvid = bridge.flatMap(b -> b.kindAs(io.vmnetd.netlink.LinkKind.Bridge.class))
                .map(io.vmnetd.netlink.LinkKind.Bridge::defaultPvid).orElse(Planner.MANAGED_DEFAULT_PVID);
        return PortVlans.joining(0, name, 0, defaultPvid);
    }

    /**
     * This view after the bridge with {@code bridgeIndex} stops giving ports default PVID {@code oldPvid}: the kernel
     * then removes that VID from every port (and the bridge itself) that has it as its PVID, untagged.
     */
    KernelView withDefaultPvidCleared(int bridgeIndex, int oldPvid) {
        Map<Integer, PortVlans> after = new HashMap<>(vlans);
        for (Map.Entry<Integer, PortVlans> e : vlans.entrySet()) {
            PortVlans v = e.getValue();
            boolean onBridge = v.masterIndex() == bridgeIndex || v.index() == bridgeIndex;
            if (onBridge && v.pvid().orElse(-1) == oldPvid && v.untagged().contains(oldPvid)) {
                List<BridgeVlan> kept = new ArrayList<>();
                for (BridgeVlan b : v.vlans()) {
                    for (VidRange r : VidSet.of(List.of(b.vids())).minus(VidSet.of(oldPvid)).ranges()) {
                        kept.add(new BridgeVlan(r, false, b.untagged()));
                    }
                }
                after.put(e.getKey(), new PortVlans(v.index(), v.name(), v.masterIndex(), kept));
            }
        }
        return new KernelView(List.copyOf(byIndex.values()), after, goneNamespaces, addressing);
    }
}
