package io.vmnetd.daemon.reconcile;

import io.vmnetd.daemon.model.DesiredNetwork;
import io.vmnetd.daemon.model.HostVlan;
import io.vmnetd.daemon.state.NetworkRegistry;
import io.vmnetd.daemon.state.NetworkRegistry.HostInterface;
import java.util.List;
import java.util.Optional;

/**
 * Keeps the registry's account of host interfaces with a reconcile of one network: what vmnetd makes is recorded
 * before the steps run (so a crash in between leaves it known), and an interface whose host network is gone is
 * forgotten once its removal ran.
 */
final class HostInterfaceBook {
    private HostInterfaceBook() {}

    /** True when the plan must read the node's addresses and routes: there are host interfaces, or were. */
    static boolean needsAddressing(DesiredNetwork n, List<HostInterface> made) {
        return !n.hostVlans().isEmpty() || !made.isEmpty();
    }

    /** Records each wanted interface that the plan makes, or that vmnetd's already; once added, a bridge VID stays vmnetd's. */
    static void recordBefore(NetworkRegistry registry, DesiredNetwork n, KernelView view, Plan plan,
                             List<HostInterface> made) {
        for (HostVlan h : n.hostVlans()) {
            Optional<HostInterface> before = made.stream().filter(m -> m.ifName().equals(h.ifName())).findFirst();
            boolean creates = plan.steps().stream().anyMatch(s -> s instanceof HostVlanSteps.CreateVlanLink c
                    && c.ifName().equals(h.ifName()));
            boolean ours = before.isPresent() || creates || n.managed() && view.link(h.ifName()).isPresent();
            if (!ours) {
                continue;
            }
            boolean addsVid = plan.steps().stream().anyMatch(s -> s instanceof HostVlanSteps.AddBridgeVlan a
                    && a.vid() == h.vid());
            boolean vidAdded = addsVid || before.filter(b -> b.vid() == h.vid()).map(HostInterface::bridgeVidAdded)
                    .orElse(false);
            registry.recordHostInterface(new HostInterface(h.name(), n.name(), n.bridge(), h.ifName(), h.vid(),
                    vidAdded));
        }
    }

    /** After every step ran: the interfaces of host networks no longer wanted are gone, and forgotten. */
    static void forgetAfter(NetworkRegistry registry, DesiredNetwork n, List<HostInterface> made) {
        for (HostInterface m : made) {
            if (n.hostVlans().stream().noneMatch(h -> h.ifName().equals(m.ifName()))) {
                registry.forgetHostInterface(m.ifName());
            }
        }
    }
}
