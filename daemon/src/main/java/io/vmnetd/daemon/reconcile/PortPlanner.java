package io.vmnetd.daemon.reconcile;

import io.vmnetd.daemon.model.DesiredNetwork;
import io.vmnetd.daemon.model.PodEnd;
import io.vmnetd.daemon.model.VlanDiff;
import io.vmnetd.daemon.model.VmPort;
import io.vmnetd.netlink.IpPrefix;
import io.vmnetd.netlink.Link;
import io.vmnetd.netlink.PortVlans;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Plans a network's VM ports against the kernel, for the {@link Planner}, in its phases: join (make the pair if
 * it is missing, put it on the bridge with exactly its VLANs and flags), MTU, up. The one place that knows what a
 * VM port must be: CNI ADD, the reconciler and CHECK all plan ports here.
 */
final class PortPlanner {
    private final DesiredNetwork want;
    private final KernelView have;
    private final List<Step> steps;
    private final List<String> portProblems;
    /** Ports this plan puts on the bridge: JoinPort brings them up too. */
    private final Set<String> joined = new HashSet<>();

    PortPlanner(DesiredNetwork want, KernelView have, List<Step> steps, List<String> portProblems) {
        this.want = want;
        this.have = have;
        this.steps = steps;
        this.portProblems = portProblems;
    }

    /**
     * Joins every port to {@code bridge} ({@code bridgeNew}: about to be made), with exactly its VLANs and flags; a
     * missing port is made first while its pod's namespace exists. The bridge is made promiscuous when a port asks.
     */
    void planJoins(Optional<Link> bridge, boolean bridgeNew, int mtu) {
        for (VmPort port : want.ports()) {
            Optional<Link> link = have.link(port.hostIfName());
            if (link.isEmpty()) {
                planCreate(port, bridge, mtu);
                continue;
            }
            boolean joins = bridgeNew || link.get().masterIndex() != bridge.get().index();
            if (joins) {
                planJoin(port, bridge);
                continue;
            }
            planVlans(port, have.vlans(link.get()));
            boolean isolated = link.get().bridgePort().map(Link.BridgePort::isolated).orElse(false);
            if (isolated != port.isolated()) {
                steps.add(new PortSteps.SetIsolated(port.hostIfName(), port.isolated()));
            }
        }
        if (want.promiscuousBridge() && (bridgeNew || !bridge.get().isPromiscuous())) {
            steps.add(new PortSteps.SetPromiscuous(want.bridge()));
        }
    }

    private void planCreate(VmPort port, Optional<Link> bridge, int mtu) {
        PodEnd pod = port.pod();
        if (have.namespaceGone(pod.netns())) {
            portProblems.add("VM port " + port.hostIfName() + " of " + port.owner() + " is gone with its pod's namespace "
                    + pod.netns());
            return;
        }
        steps.add(new PortSteps.CreatePort(port.hostIfName(), port.hostMac(), pod, mtu));
        if (!pod.addresses().isEmpty() || !pod.routes().isEmpty()) {
            steps.add(new PortSteps.AddPodAddressing(pod));
        }
        planJoin(port, bridge);
    }

    /** Onto the bridge with exactly its VLANs and flags, and up: one step, applied in as few messages as can be. */
    private void planJoin(VmPort port, Optional<Link> bridge) {
        joined.add(port.hostIfName());
        steps.add(new PortSteps.JoinPort(port.hostIfName(), want.bridge(), port.vlans(),
                KernelView.joining(port.hostIfName(), bridge), port.isolated()));
    }

    private void planVlans(VmPort port, PortVlans observed) {
        VlanDiff diff = port.vlans().diff(observed);
        if (!diff.isEmpty()) {
            steps.add(new Steps.SetPortVlans(port.hostIfName(), diff));
        }
    }

    /** Host and pod ends at {@code mtu}; a port made by this plan already is. */
    void planMtus(int mtu) {
        for (VmPort port : want.ports()) {
            have.link(port.hostIfName()).filter(l -> l.mtu() != mtu).ifPresent(l -> {
                steps.add(new Steps.SetMtu(port.hostIfName(), mtu));
                steps.add(new PortSteps.SetPodMtu(port.pod(), mtu));
            });
        }
    }

    void planUp() {
        for (VmPort port : want.ports()) {
            boolean down = have.link(port.hostIfName()).map(l -> !l.isUp()).orElse(false);
            if (down && !joined.contains(port.hostIfName())) {
                steps.add(new Steps.SetUp(port.hostIfName()));
            }
        }
    }

    /**
     * For CHECK: the pod end as read in the pod's namespace against the description, when the host end exists (a
     * missing host end is planned whole by {@link #planJoins}).
     */
    void planPod(VmPort port, PodView pod, int mtu) {
        if (have.link(port.hostIfName()).isEmpty()) {
            return;
        }
        PodEnd want = port.pod();
        if (pod.link().isEmpty()) {
            portProblems.add(want.ifName() + " is missing from " + want.netns());
            return;
        }
        Link link = pod.link().get();
        if (!link.mac().equals(Optional.of(want.mac()))) {
            steps.add(new PortSteps.SetPodMac(want, link.mac().map(Object::toString).orElse("none")));
        }
        if (link.mtu() != mtu && have.link(port.hostIfName()).get().mtu() == mtu) {
            steps.add(new PortSteps.SetPodMtu(want, mtu));
        }
        Set<IpPrefix> present = new HashSet<>(pod.addresses());
        if (!present.containsAll(want.addresses())) {
            steps.add(new PortSteps.AddPodAddressing(want));
        }
    }

    /** True when {@code port}'s link is as {@link #planJoins} and the rest want it: on the bridge, at its MTU, up, with its flags. */
    static boolean linkAsPlanned(DesiredNetwork want, VmPort port, Link bridge, Link link) {
        return link.masterIndex() == bridge.index() && link.mtu() == want.mtu().orElse(bridge.mtu()) && link.isUp()
                && link.bridgePort().map(Link.BridgePort::isolated).orElse(false) == port.isolated();
    }

    static boolean vlansAsPlanned(VmPort port, PortVlans observed) {
        return port.vlans().diff(observed).isEmpty();
    }
}
