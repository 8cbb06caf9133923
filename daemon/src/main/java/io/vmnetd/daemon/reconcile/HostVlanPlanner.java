package io.vmnetd.daemon.reconcile;

import io.vmnetd.daemon.model.DesiredNetwork;
import io.vmnetd.daemon.model.HostVlan;
import io.vmnetd.daemon.state.NetworkRegistry.HostInterface;
import io.vmnetd.netlink.Address;
import io.vmnetd.netlink.IpPrefix;
import io.vmnetd.netlink.Link;
import io.vmnetd.netlink.LinkKind;
import io.vmnetd.netlink.PortVlans;
import io.vmnetd.netlink.Route;
import io.vmnetd.netlink.nl.Rtnl;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Plans a network's host interfaces (hostNetworks) against the kernel, for the {@link Planner}, after the bridge
 * is as wanted: the bridge a tagged member of each VLAN, the 802.1Q link at the network's MTU and up, exactly its
 * address (global scope; the kernel's link-local ones stay) and its routes. An interface vmnetd made for a host
 * network that is gone is deleted, and the bridge leaves a VLAN vmnetd made it join.
 */
final class HostVlanPlanner {
    /** The adopted mgmt bridge, whose addresses are the node's management addresses. */
    static final String MGMT_BRIDGE = "mgmt-br";

    private final DesiredNetwork want;
    private final KernelView have;
    private final List<HostInterface> made;
    private final List<Step> steps;
    private final List<String> problems;

    /** @param made what vmnetd made earlier for host networks on this network's bridge */
    HostVlanPlanner(DesiredNetwork want, KernelView have, List<HostInterface> made, List<Step> steps,
                    List<String> problems) {
        this.want = want;
        this.have = have;
        this.made = made;
        this.steps = steps;
        this.problems = problems;
    }

    /** {@code bridge}: as read; empty when this plan makes it (then with no VLAN of its own: default PVID 0). */
    void plan(Optional<Link> bridge, int mtu) {
        PortVlans self = bridge.map(have::vlans)
                .orElse(PortVlans.joining(0, want.bridge(), 0, Planner.MANAGED_DEFAULT_PVID));
        for (HostVlan h : want.hostVlans()) {
            planOne(h, bridge, self, mtu);
        }
        planRemovals(bridge, self);
    }

    private void planOne(HostVlan h, Optional<Link> bridge, PortVlans self, int mtu) {
        Optional<Link> link = have.link(h.ifName());
        if (link.isPresent() && !isOurs(h.ifName())) {
            // On the adopted mgmt bridge, an interface of that name is the installer's (the management VLAN, say).
            problems.add("host network " + h.name() + ": " + h.ifName() + " exists and is not vmnetd's; it is left "
                    + "as it is");
            return;
        }
        boolean member = self.vids().contains(h.vid()) && !self.untagged().contains(h.vid());
        if (!member) {
            steps.add(new HostVlanSteps.AddBridgeVlan(want.bridge(), h.vid()));
        }
        if (link.isPresent() && !isVlanOf(link.get(), bridge, h.vid())) {
            steps.add(new Steps.DeleteLink(h.ifName(), "not VLAN " + h.vid() + " of " + want.bridge()));
            link = Optional.empty();
        }
        if (link.isEmpty()) {
            steps.add(new HostVlanSteps.CreateVlanLink(h.ifName(), want.bridge(), h.vid(), mtu));
        } else if (link.get().mtu() != mtu) {
            steps.add(new Steps.SetMtu(h.ifName(), mtu));
        }
        if (link.isPresent() && !link.get().isUp()) {
            steps.add(new Steps.SetUp(h.ifName()));
        }
        planAddressing(h, link);
    }

    /**
     * True when an interface of that name is vmnetd's to change: one it made, or any on a bridge vmnetd manages
     * (everything on data-br is vmnetd's; a registry lost with a damaged file is then filled in again).
     */
    boolean isOurs(String ifName) {
        return want.managed() || made.stream().anyMatch(m -> m.ifName().equals(ifName));
    }

    private boolean isVlanOf(Link link, Optional<Link> bridge, int vid) {
        return link.kind() instanceof LinkKind.Vlan v && v.id() == vid && bridge.isPresent()
                && link.parentIndex() == bridge.get().index();
    }

    /** Exactly the wanted address, and the wanted routes through the gateway once the address is there. */
    private void planAddressing(HostVlan h, Optional<Link> link) {
        if (h.keepsHeldAddress()) {
            // No lease bound since the start: what a lease from before a restart left stays until the new one.
            return;
        }
        Optional<IpPrefix> address = h.address().filter(a -> !overlapsMgmt(h, a));
        List<IpPrefix> present = link.map(l -> have.globalAddresses(l.index()).stream().map(Address::prefix).toList())
                .orElse(List.of());
        for (IpPrefix p : present) {
            if (!address.equals(Optional.of(p))) {
                steps.add(new HostVlanSteps.DeleteAddress(h.ifName(), p));
            }
        }
        address.filter(a -> !present.contains(a)).ifPresent(a -> steps.add(new HostVlanSteps.AddAddress(h.ifName(), a)));

        List<Route> ours = link.map(l -> have.routesVia(l.index()).stream()
                .filter(r -> r.protocol() == Rtnl.Rta.PROT_STATIC).toList()).orElse(List.of());
        Set<RouteKey> wanted = new HashSet<>();
        if (address.isPresent() && h.gateway().isPresent()) {
            for (IpPrefix dst : h.routes()) {
                RouteKey r = new RouteKey(dst.network(), h.gateway());
                wanted.add(r);
                if (ours.stream().noneMatch(o -> RouteKey.of(o).equals(r))) {
                    steps.add(new HostVlanSteps.AddRoute(h.ifName(), dst.network(), h.gateway().get()));
                }
            }
        } else if (address.isPresent() && !h.routes().isEmpty()) {
            problems.add("host network " + h.name() + ": its DHCP lease names no router; routes " + h.routes()
                    + " are not set");
        }
        for (Route r : ours) {
            if (!wanted.contains(RouteKey.of(r))) {
                steps.add(new HostVlanSteps.DeleteRoute(h.ifName(), r.destination(), r.gateway()));
            }
        }
    }

    /** What makes a route on a host interface the one wanted (the kernel fills in metric and scope its own way). */
    private record RouteKey(IpPrefix destination, Optional<java.net.InetAddress> gateway) {
        static RouteKey of(Route r) {
            return new RouteKey(r.destination(), r.gateway());
        }
    }

    /**
     * True (and reported) when {@code address}'s subnet overlaps one of mgmt-br's: the node's management address
     * must stay the only way into its own subnet.
     */
    private boolean overlapsMgmt(HostVlan h, IpPrefix address) {
        Optional<Link> mgmt = have.link(MGMT_BRIDGE);
        if (mgmt.isEmpty()) {
            return false;
        }
        // mgmt-br's own addresses, and those of the installer's VLAN links on it (a management VLAN).
        List<Link> carriers = new ArrayList<>(List.of(mgmt.get()));
        for (Link l : have.links()) {
            if (l.parentIndex() == mgmt.get().index() && l.kind() instanceof LinkKind.Vlan
                    && !(want.name().equals("mgmt") && isOurs(l.name()))) {
                carriers.add(l);
            }
        }
        for (Link carrier : carriers) {
            for (Address a : have.globalAddresses(carrier.index())) {
                if (overlap(a.prefix(), address)) {
                    problems.add("host network " + h.name() + ": address " + address + " overlaps " + a.prefix()
                            + " of " + carrier.name() + " (the node's management address); it is not set");
                    return true;
                }
            }
        }
        return false;
    }

    /** True when the two subnets share an address. */
    static boolean overlap(IpPrefix a, IpPrefix b) {
        IpPrefix wider = a.length() <= b.length() ? a : b;
        IpPrefix narrower = wider == a ? b : a;
        return wider.contains(narrower.address());
    }

    /** Interfaces made for host networks no longer wanted here go; so does the bridge's VLAN, if vmnetd added it. */
    private void planRemovals(Optional<Link> bridge, PortVlans self) {
        Set<Integer> wantedVids = new HashSet<>();
        Set<String> wantedNames = new HashSet<>();
        for (HostVlan h : want.hostVlans()) {
            wantedVids.add(h.vid());
            wantedNames.add(h.ifName());
        }
        List<Integer> removedVids = new ArrayList<>();
        for (HostInterface m : made) {
            if (wantedNames.contains(m.ifName())) {
                continue;
            }
            have.link(m.ifName()).filter(l -> isVlanOf(l, bridge, m.vid())).ifPresent(l -> steps.add(
                    new Steps.DeleteLink(m.ifName(), "its host network was removed")));
            if (m.bridgeVidAdded() && !wantedVids.contains(m.vid()) && self.vids().contains(m.vid())
                    && bridge.isPresent() && !removedVids.contains(m.vid())) {
                removedVids.add(m.vid());
                steps.add(new HostVlanSteps.RemoveBridgeVlan(want.bridge(), m.vid()));
            }
        }
    }
}
