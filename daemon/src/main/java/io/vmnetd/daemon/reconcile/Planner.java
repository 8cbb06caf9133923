package io.vmnetd.daemon.reconcile;

import io.vmnetd.daemon.model.DesiredNetwork;
import io.vmnetd.daemon.model.DesiredPort;
import io.vmnetd.daemon.model.PortVlanSpec;
import io.vmnetd.daemon.model.VlanDiff;
import io.vmnetd.netlink.Link;
import io.vmnetd.netlink.LinkKind;
import io.vmnetd.netlink.PortVlans;
import io.vmnetd.netlink.VidSet;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Compares one desired cluster network with the kernel and lists the steps that close the gap, in dependency
 * order: bond, its NICs, bridge, ports, VLANs, MTU, up. Pure: reads a {@link KernelView}, changes nothing. A
 * network already as desired yields no step.
 */
public final class Planner {
    private final DesiredNetwork want;
    private final KernelView have;
    private final List<Step> steps = new ArrayList<>();
    private final List<String> problems = new ArrayList<>();
    private final List<String> portProblems = new ArrayList<>();

    private Planner(DesiredNetwork want, KernelView have) {
        this.want = want;
        this.have = have;
    }

    /**
     * @param ownedUplinkVids for an adopted network, the uplink VIDs vmnetd added earlier and may remove again
     */
    public static Plan plan(DesiredNetwork want, KernelView have, VidSet ownedUplinkVids) {
        Planner p = new Planner(want, have);
        if (want.managed()) {
            p.planManaged();
        } else {
            p.planAdopted(ownedUplinkVids);
        }
        return new Plan(want.name(), p.steps, p.problems, p.portProblems);
    }

    /**
     * Plans only {@code want}'s VM ports (master, VLANs, MTU, up) against a view that holds the bridge and those
     * ports: what a link event on a VM port calls for, without reading the whole node.
     */
    public static Plan planPorts(DesiredNetwork want, KernelView have) {
        Planner p = new Planner(want, have);
        Optional<Link> bridge = have.link(want.bridge()).filter(l -> l.kind() instanceof LinkKind.Bridge);
        if (bridge.isEmpty()) {
            p.problems.add(want.bridge() + " does not exist");
        } else {
            int mtu = want.mtu().orElse(bridge.get().mtu());
            p.planPorts(bridge, false, mtu);
            p.planPortMtus(mtu);
            p.planPortsUp();
        }
        return new Plan(want.name(), p.steps, p.problems, p.portProblems);
    }

    /** Takes a removed cluster network down: bridge and bond go, their NICs come back up on their own. */
    public static Plan teardown(String network, String bridge, String bond, List<String> nics, KernelView have) {
        List<Step> steps = new ArrayList<>();
        have.link(bridge).filter(l -> l.kind() instanceof LinkKind.Bridge)
                .ifPresent(l -> steps.add(new Steps.DeleteLink(bridge, "cluster network " + network + " was removed")));
        have.link(bond).filter(l -> l.kind() instanceof LinkKind.Bond)
                .ifPresent(l -> steps.add(new Steps.DeleteLink(bond, "cluster network " + network + " was removed")));
        for (String nic : nics) {
            have.link(nic).ifPresent(l -> steps.add(new Steps.SetUp(nic)));
        }
        return new Plan(network, steps, List.of());
    }

    private void planManaged() {
        int mtu = want.mtu().orElseThrow();
        Optional<Link> bond = have.link(want.uplink());
        boolean bondNew = bond.isEmpty();
        Steps.CreateBond createBond = new Steps.CreateBond(want.uplink(), want.bondMode(), want.miimon(), mtu,
                want.txQueueLength());
        if (bondNew) {
            steps.add(createBond);
        } else if (!(bond.get().kind() instanceof LinkKind.Bond b)) {
            problems.add(want.uplink() + " exists but is a " + kindName(bond.get()) + ", not a bond");
            return;
        } else if (b.mode() != want.bondMode()) {
            steps.add(new Steps.ReplaceBond(want.uplink(), b.mode(), createBond));
            bondNew = true;
        } else if (b.miimon() != want.miimon()) {
            steps.add(new Steps.SetMiimon(want.uplink(), want.miimon()));
        }
        planNics(bond, bondNew);

        Optional<Link> bridge = have.link(want.bridge());
        boolean bridgeNew = bridge.isEmpty();
        if (bridgeNew) {
            steps.add(new Steps.CreateBridge(want.bridge(), mtu));
        } else if (!(bridge.get().kind() instanceof LinkKind.Bridge br)) {
            problems.add(want.bridge() + " exists but is a " + kindName(bridge.get()) + ", not a bridge");
            return;
        } else if (!br.vlanFiltering() || br.defaultPvid() != PortVlanSpec.DEFAULT_VID) {
            // Ports joining the bridge are planned as getting VLAN 1 (KernelView.freshPort): so must it be.
            steps.add(new Steps.EnableVlanFiltering(want.bridge()));
        }

        boolean uplinkJoins = bondNew || bridgeNew || bond.get().masterIndex() != bridge.get().index();
        if (uplinkJoins) {
            steps.add(new Steps.SetMaster(want.uplink(), want.bridge()));
        }
        planVlans(want.uplink(), want.uplinkVlans(), uplinkJoins ? KernelView.freshPort(want.uplink()) : have.vlans(bond.get()));
        planPorts(bridge, bridgeNew, mtu);

        if (!bondNew) {
            if (bond.get().mtu() != mtu) {
                steps.add(new Steps.SetMtu(want.uplink(), mtu));
            } else {
                // The bond passes its MTU to its NICs; one changed behind its back is put right directly.
                for (String nic : want.nics()) {
                    have.link(nic).filter(l -> l.mtu() != mtu && l.masterIndex() == bond.get().index())
                            .ifPresent(l -> steps.add(new Steps.SetMtu(nic, mtu)));
                }
            }
            want.txQueueLength().ifPresent(q -> {
                if (bond.get().txQueueLength() != q) {
                    steps.add(new Steps.SetTxQueueLength(want.uplink(), q));
                }
            });
        }
        if (!bridgeNew && bridge.get().mtu() != mtu) {
            steps.add(new Steps.SetMtu(want.bridge(), mtu));
        }
        planPortMtus(mtu);
        if (!bondNew && !bond.get().isUp()) {
            steps.add(new Steps.SetUp(want.uplink()));
        }
        if (!bridgeNew && !bridge.get().isUp()) {
            steps.add(new Steps.SetUp(want.bridge()));
        }
        planPortsUp();
    }

    private void planNics(Optional<Link> bond, boolean bondNew) {
        for (String nic : want.nics()) {
            Optional<Link> link = have.link(nic);
            if (link.isEmpty()) {
                problems.add("NIC " + nic + " does not exist");
            } else if (bondNew || link.get().masterIndex() != bond.get().index()) {
                steps.add(new Steps.EnslaveNic(nic, want.uplink()));
            } else if (!link.get().isUp()) {
                steps.add(new Steps.SetUp(nic));
            }
        }
        if (bond.isPresent()) {
            for (Link slave : have.slavesOf(bond.get())) {
                if (!want.nics().contains(slave.name())) {
                    // A replaced bond has released its slaves already; the driver leaves them down.
                    steps.add(bondNew ? new Steps.SetUp(slave.name()) : new Steps.ReleaseNic(slave.name(), want.uplink()));
                }
            }
        }
    }

    /** mgmt: the bridge and uplink are someone else's; only VIDs and vmnetd's own ports are touched. */
    private void planAdopted(VidSet ownedUplinkVids) {
        Optional<Link> bridge = have.link(want.bridge());
        if (bridge.isEmpty() || !(bridge.get().kind() instanceof LinkKind.Bridge)) {
            problems.add(want.bridge() + " does not exist; VM networks on " + want.name() + " wait for it");
            return;
        }
        Optional<Link> uplink = have.link(want.uplink()).filter(l -> l.masterIndex() == bridge.get().index());
        if (uplink.isPresent()) {
            PortVlans observed = have.vlans(uplink.get());
            VidSet keep = observed.pvid().isPresent() ? VidSet.of(observed.pvid().getAsInt()) : VidSet.empty();
            VidSet add = want.uplinkVids().minus(observed.vids());
            VidSet remove = ownedUplinkVids.minus(want.uplinkVids()).minus(keep).intersect(observed.vids());
            VlanDiff diff = new VlanDiff(PortVlanSpec.trunk(add).entries(), remove.ranges());
            if (!diff.isEmpty()) {
                steps.add(new Steps.SetPortVlans(want.uplink(), diff));
            }
        } else if (!want.uplinkVids().isEmpty()) {
            problems.add(want.uplink() + " is not a port of " + want.bridge() + "; VLANs " + want.uplinkVids()
                    + " cannot reach the network");
        }
        planPorts(bridge, false, bridge.get().mtu());
        planPortMtus(bridge.get().mtu());
        planPortsUp();
    }

    /**
     * True when a VM port's link is as {@link #planPorts} and the rest want it: on {@code bridge}, at the network's
     * MTU (an adopted bridge's own for mgmt), and up. Its VLANs are not part of the link.
     */
    public static boolean portLinkAsPlanned(DesiredNetwork want, Link bridge, Link port) {
        return port.masterIndex() == bridge.index() && port.mtu() == want.mtu().orElse(bridge.mtu()) && port.isUp();
    }

    /** True when a VM port has exactly its VLANs, as {@link #planVlans} wants them. */
    public static boolean portVlansAsPlanned(DesiredPort port, PortVlans observed) {
        return port.vlans().diff(observed).isEmpty();
    }

    private void planPorts(Optional<Link> bridge, boolean bridgeNew, int mtu) {
        for (DesiredPort port : want.ports()) {
            Optional<Link> link = have.link(port.hostIfName());
            if (link.isEmpty()) {
                portProblems.add("VM port " + port.hostIfName() + " of " + port.owner() + " does not exist");
                continue;
            }
            boolean joins = bridgeNew || link.get().masterIndex() != bridge.get().index();
            if (joins) {
                steps.add(new Steps.SetMaster(port.hostIfName(), want.bridge()));
            }
            planVlans(port.hostIfName(), port.vlans(), joins ? KernelView.freshPort(port.hostIfName()) : have.vlans(link.get()));
        }
    }

    private void planPortMtus(int mtu) {
        for (DesiredPort port : want.ports()) {
            have.link(port.hostIfName()).filter(l -> l.mtu() != mtu).ifPresent(l -> {
                steps.add(new Steps.SetMtu(port.hostIfName(), mtu));
                steps.add(new Steps.SetContainerMtu(Path.of(port.netns()), port.containerIfName(), mtu, port.owner()));
            });
        }
    }

    private void planPortsUp() {
        for (DesiredPort port : want.ports()) {
            have.link(port.hostIfName()).filter(l -> !l.isUp()).ifPresent(l -> steps.add(new Steps.SetUp(port.hostIfName())));
        }
    }

    private void planVlans(String port, PortVlanSpec spec, PortVlans observed) {
        VlanDiff diff = spec.diff(observed);
        if (!diff.isEmpty()) {
            steps.add(new Steps.SetPortVlans(port, diff));
        }
    }

    private static String kindName(Link link) {
        String k = link.kind().kernelName();
        return k == null ? "device" : k;
    }
}
