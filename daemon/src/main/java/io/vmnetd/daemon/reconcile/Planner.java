package io.vmnetd.daemon.reconcile;

import io.vmnetd.daemon.model.DesiredNetwork;
import io.vmnetd.daemon.model.PortVlanSpec;
import io.vmnetd.daemon.model.VlanDiff;
import io.vmnetd.daemon.model.VmPort;
import io.vmnetd.daemon.state.NetworkRegistry.HostInterface;
import io.vmnetd.netlink.Link;
import io.vmnetd.netlink.LinkKind;
import io.vmnetd.netlink.PortVlans;
import io.vmnetd.netlink.VidSet;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Compares one desired cluster network with the kernel and lists the steps that close the gap, in dependency
 * order: bond, its NICs, bridge, ports, VLANs, MTU, up. Pure: reads a {@link KernelView}, changes nothing. A
 * network already as desired yields no step.
 */
public final class Planner {
    /**
     * The default PVID of the bridges vmnetd makes: none. A port joins without any VLAN and forwards nothing until
     * it has exactly its own, so a port may come up as it joins (one message fewer per CNI ADD, and never a moment on
     * a VLAN that is not its own); the uplink's native VLAN is one of its VLANs like the others. The bridge device
     * itself carries no VLAN: vmnetd puts no address on it.
     */
    public static final int MANAGED_DEFAULT_PVID = 0;
    private final DesiredNetwork want;
    private final KernelView have;
    private final List<Step> steps = new ArrayList<>();
    private final List<String> problems = new ArrayList<>();
    private final List<String> portProblems = new ArrayList<>();
    private final PortPlanner ports;

    private final HostVlanPlanner hostVlans;

    private Planner(DesiredNetwork want, KernelView have, List<HostInterface> madeHostInterfaces) {
        this.want = want;
        this.have = have;
        this.ports = new PortPlanner(want, have, steps, portProblems);
        this.hostVlans = new HostVlanPlanner(want, have, madeHostInterfaces, steps, problems);
    }

    private Planner(DesiredNetwork want, KernelView have) {
        this(want, have, List.of());
    }

    /**
     * @param ownedUplinkVids for an adopted network, the uplink VIDs vmnetd added earlier and may remove again
     */
    public static Plan plan(DesiredNetwork want, KernelView have, VidSet ownedUplinkVids) {
        return plan(want, have, ownedUplinkVids, List.of());
    }

    /**
     * @param madeHostInterfaces the interfaces vmnetd made for host networks on this network's bridge, which it
     *     deletes once their host network is gone (the view must then hold the node's addressing)
     */
    public static Plan plan(DesiredNetwork want, KernelView have, VidSet ownedUplinkVids,
                            List<HostInterface> madeHostInterfaces) {
        Planner p = new Planner(want, want.managed() ? afterDefaultPvidCleared(want, have) : have,
                madeHostInterfaces);
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
        return planPorts(want, have, Optional.empty());
    }

    /**
     * Like {@link #planPorts(DesiredNetwork, KernelView)} for the one port of {@code want}, with its pod end as
     * read in the pod: what CHECK compares, every attribute of the port's description.
     */
    public static Plan planPort(DesiredNetwork want, KernelView have, PodView pod) {
        return planPorts(want, have, Optional.of(pod));
    }

    private static Plan planPorts(DesiredNetwork want, KernelView have, Optional<PodView> pod) {
        Planner p = new Planner(want, have);
        Optional<Link> bridge = have.link(want.bridge()).filter(l -> l.kind() instanceof LinkKind.Bridge);
        if (bridge.isEmpty()) {
            p.problems.add(want.bridge() + " does not exist");
        } else {
            int mtu = want.mtu().orElse(bridge.get().mtu());
            p.ports.planJoins(bridge, false, mtu);
            p.ports.planMtus(mtu);
            pod.ifPresent(view -> want.ports().forEach(port -> p.ports.planPod(port, view, mtu)));
            p.ports.planUp();
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

    /**
     * A managed bridge still giving ports a default PVID is set to none by the plan, and the kernel then takes that
     * VID from every port that has it as its untagged PVID: the ports are planned as they will be then.
     */
    private static KernelView afterDefaultPvidCleared(DesiredNetwork want, KernelView have) {
        return have.link(want.bridge())
                .flatMap(l -> l.kindAs(LinkKind.Bridge.class).map(b -> java.util.Map.entry(l.index(), b.defaultPvid())))
                .filter(e -> e.getValue() != MANAGED_DEFAULT_PVID)
                .map(e -> have.withDefaultPvidCleared(e.getKey(), e.getValue()))
                .orElse(have);
    }

    private void planManaged() {
        int mtu = want.mtu().orElseThrow();
        Optional<Link> bond = have.link(want.uplink());
        boolean bondNew = bond.isEmpty();
        boolean reenslaved = false;
        if (bondNew) {
            steps.add(new Steps.CreateBond(want.uplink(), want.bondMode(), want.miimon(), mtu, want.txQueueLength(),
                    want.bondTuning()));
        } else if (!(bond.get().kind() instanceof LinkKind.Bond b)) {
            problems.add(want.uplink() + " exists but is a " + kindName(bond.get()) + ", not a bond");
            return;
        } else {
            reenslaved = BondPlanner.plan(want, have, bond.get(), b, steps);
        }
        planNics(bond, bondNew, reenslaved);

        Optional<Link> bridge = have.link(want.bridge());
        boolean bridgeNew = bridge.isEmpty();
        if (bridgeNew) {
            steps.add(new Steps.CreateBridge(want.bridge(), mtu));
        } else if (!(bridge.get().kind() instanceof LinkKind.Bridge br)) {
            problems.add(want.bridge() + " exists but is a " + kindName(bridge.get()) + ", not a bridge");
            return;
        } else if (!br.vlanFiltering() || br.defaultPvid() != MANAGED_DEFAULT_PVID) {
            steps.add(new Steps.EnableVlanFiltering(want.bridge()));
        }

        boolean uplinkJoins = bondNew || bridgeNew || bond.get().masterIndex() != bridge.get().index();
        if (uplinkJoins) {
            steps.add(new Steps.SetMaster(want.uplink(), want.bridge()));
        }
        planVlans(want.uplink(), want.uplinkVlans(), uplinkJoins
                ? PortVlans.joining(0, want.uplink(), 0, MANAGED_DEFAULT_PVID) : have.vlans(bond.get()));
        ports.planJoins(bridge, bridgeNew, mtu);

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
        ports.planMtus(mtu);
        if (!bondNew && !bond.get().isUp()) {
            steps.add(new Steps.SetUp(want.uplink()));
        }
        if (!bridgeNew && !bridge.get().isUp()) {
            steps.add(new Steps.SetUp(want.bridge()));
        }
        ports.planUp();
        hostVlans.plan(bridgeNew ? Optional.empty() : bridge, mtu);
    }

    /** {@code reenslaved}: a step releases the bond's slaves and enslaves the wanted NICs that exist again. */
    private void planNics(Optional<Link> bond, boolean bondNew, boolean reenslaved) {
        for (String nic : want.nics()) {
            Optional<Link> link = have.link(nic);
            if (link.isEmpty()) {
                problems.add("NIC " + nic + " does not exist");
            } else if (reenslaved) {
                continue;
            } else if (bondNew || link.get().masterIndex() != bond.get().index()) {
                steps.add(new Steps.EnslaveNic(nic, want.uplink()));
            } else if (!link.get().isUp()) {
                steps.add(new Steps.SetUp(nic));
            }
        }
        if (bond.isPresent()) {
            for (Link slave : have.slavesOf(bond.get())) {
                if (!want.nics().contains(slave.name())) {
                    // Released by the re-enslaving step already; the driver leaves a released NIC down.
                    steps.add(reenslaved ? new Steps.SetUp(slave.name()) : new Steps.ReleaseNic(slave.name(), want.uplink()));
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
        ports.planJoins(bridge, false, bridge.get().mtu());
        ports.planMtus(bridge.get().mtu());
        ports.planUp();
        hostVlans.plan(bridge, bridge.get().mtu());
    }

    /** True when a VM port's link shows it as planned: on {@code bridge}, at its MTU, up, with its flags. */
    public static boolean portLinkAsPlanned(DesiredNetwork want, VmPort port, Link bridge, Link link) {
        return PortPlanner.linkAsPlanned(want, port, bridge, link);
    }

    /** True when a VM port has exactly its VLANs. */
    public static boolean portVlansAsPlanned(VmPort port, PortVlans observed) {
        return PortPlanner.vlansAsPlanned(port, observed);
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
