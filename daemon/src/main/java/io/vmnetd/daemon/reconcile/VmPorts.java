package io.vmnetd.daemon.reconcile;

import io.vmnetd.daemon.model.DesiredNetwork;
import io.vmnetd.daemon.model.VmPort;
import io.vmnetd.netlink.Link;
import io.vmnetd.netlink.LinkEvent;
import io.vmnetd.netlink.PortVlans;
import io.vmnetd.netlink.RtNetlink;
import io.vmnetd.daemon.netns.NamespaceFiles;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * One VM port at a time, as CNI calls need it: made, addressed, checked and removed under its own lock, sharing its
 * cluster network with other ports' work but never with a reconcile of the whole network ({@link NetworkLocks}),
 * planned by the same {@link Planner} and applied by the same steps that reconciles repair it with. Reads only the
 * bridge and the port, never the whole node.
 */
public final class VmPorts {
    private final RtNetlink host;
    private final StepContext context;
    private final NetworkLocks locks;
    private final Function<String, DesiredNetwork> networks;
    /**
     * Each bridge as last read, so that a new port costs no read of its bridge: dropped on any event of the bridge
     * (deleted, made again, changed) and replaced by every reconcile's read.
     */
    private final Map<String, Link> bridges = new java.util.concurrent.ConcurrentHashMap<>();
    private final AnnouncedDeletions deletions = new AnnouncedDeletions();

    VmPorts(RtNetlink host, StepContext context, NetworkLocks locks,
            Function<String, DesiredNetwork> networks) {
        this.host = host;
        this.context = context;
        this.locks = locks;
        this.networks = networks;
    }

    /**
     * Makes {@code port} of {@code network} exactly as described: the pair if it is missing, the bridge port's
     * master, VLANs and flags, MTU, up.
     *
     * @return what was done, one line a step
     * @throws Blocked when a problem keeps the port from being made (bridge missing, pod gone)
     * @throws io.vmnetd.netlink.nl.NetlinkException when a step fails
     */
    public List<String> apply(String network, VmPort port) {
        return apply(network, port, false);
    }

    /**
     * Like {@link #apply(String, VmPort)} for a port that does not exist yet (CNI ADD without an attachment): its host
     * end is not read first; a leftover of the same name is replaced as the pair is made.
     */
    public List<String> applyNew(String network, VmPort port) {
        return apply(network, port, true);
    }

    private List<String> apply(String network, VmPort port, boolean isNew) {
        DesiredNetwork n = networks.apply(network).withPorts(List.of(port));
        try (NetworkLocks.Held held = locks.ports(network, List.of(port.hostIfName()))) {
            KernelView view = isNew ? bridgeOnly(n) : view(n);
            Plan plan = Planner.planPorts(n, view);
            if (!plan.problems().isEmpty() || !plan.portProblems().isEmpty()) {
                List<String> why = new ArrayList<>(plan.problems());
                why.addAll(plan.portProblems());
                throw new Blocked(String.join("; ", why));
            }
            List<String> applied = new ArrayList<>();
            StepContext applying = new Applying(context, view);
            for (Step step : plan.steps()) {
                step.apply(applying);
                applied.add(step.describe());
            }
            return applied;
        }
    }

    /** The port cannot be made as described now: its bridge is missing, its pod gone. Nothing was changed. */
    public static final class Blocked extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Blocked(String why) {
            super(why);
        }
    }

    /** Gives the pod end of an applied port its description's addresses and routes (after IPAM answered). */
    public void address(String network, VmPort port) {
        if (port.pod().addresses().isEmpty() && port.pod().routes().isEmpty()) {
            return;
        }
        try (NetworkLocks.Held held = locks.ports(network, List.of(port.hostIfName()))) {
            new PortSteps.AddPodAddressing(port.pod()).apply(context);
        }
    }

    /**
     * What differs between {@code port} and the kernel, host and pod end, as the steps that would repair it and the
     * problems that keep it from being as described; empty when it is exactly as described. Changes nothing.
     */
    public List<String> check(String network, VmPort port) {
        DesiredNetwork n = networks.apply(network).withPorts(List.of(port));
        try (NetworkLocks.Held held = locks.ports(network, List.of(port.hostIfName()))) {
            PodView pod = context.inNamespace(port.pod(), rtnl -> {
                Optional<Link> link = rtnl.links().find(port.pod().ifName());
                return new PodView(link, link.isEmpty() ? List.of()
                        : rtnl.addresses().list(port.pod().ifName()).stream().map(a -> a.prefix()).toList());
            });
            Plan plan = Planner.planPort(n, view(n), pod);
            List<String> out = new ArrayList<>();
            plan.steps().forEach(s -> out.add(s.describe()));
            out.addAll(plan.problems());
            out.addAll(plan.portProblems());
            return out;
        }
    }

    /**
     * Deletes a VM port's host end (the pod end goes with it); a missing one is fine. Returns once the kernel has
     * announced the deletion, before its answer ({@link AnnouncedDeletions}).
     */
    public void remove(String network, String hostIfName) {
        try (NetworkLocks.Held held = locks.ports(network, List.of(hostIfName))) {
            delete(hostIfName);
        }
    }

    /**
     * Deletes the host end of an attachment whose network is unknown (a DEL vmnetd has no record of), the same way
     * but without a network's lock to take.
     */
    public void removeUnattached(String hostIfName) {
        delete(hostIfName);
    }

    private void delete(String hostIfName) {
        deletions.delete(hostIfName, () -> host.links().deleteIfExists(hostIfName));
    }

    /** The bridge as last read, or read now; nothing else. */
    private KernelView bridgeOnly(DesiredNetwork n) {
        return new KernelView(link(n.bridge()).stream().toList(), Map.of());
    }

    /** The bridge's MAC as last read (read now if it is not known). */
    public Optional<io.vmnetd.netlink.MacAddress> bridgeMac(String bridge) {
        return link(bridge).flatMap(Link::mac);
    }

    /**
     * Link {@code name}: a bridge as its last read or event showed it (kept current by {@link #seen}), anything
     * else read now. What CNI calls learn of a bridge (its default PVID, MTU, MAC, state) costs no request per call.
     */
    public Optional<Link> link(String name) {
        Link known = bridges.get(name);
        if (known != null) {
            return Optional.of(known);
        }
        Optional<Link> read = host.links().find(name);
        read.ifPresent(this::remember);
        return read;
    }

    /** A bridge as just read (by a reconcile): new ports are attached to it without reading it again. */
    void remember(Link bridge) {
        if (bridge.kind() instanceof io.vmnetd.netlink.LinkKind.Bridge) {
            bridges.put(bridge.name(), bridge);
        }
    }

    /**
     * Link {@code name} changed as {@code event} shows it: a bridge's event carries the whole link, which is then
     * what the next port joins (a port joining makes its bridge announce itself, so forgetting it would cost every
     * ADD a read); a deleted bridge, or an event without the link, is read again before the next port joins.
     */
    public void seen(String name, LinkEvent event) {
        if (event.type() == LinkEvent.Type.LINK_UPDATED && event.link().isPresent()) {
            if (bridges.containsKey(name)) {
                remember(event.link().get());
            }
            return;
        }
        if (event.type() == LinkEvent.Type.LINK_DELETED) {
            bridges.remove(name);
            deletions.announced(name);
        } else if (event.type() == LinkEvent.Type.RESYNC_NEEDED) {
            bridges.remove(name);
        }
    }

    /** The bridge, the ports of {@code n} that exist, and their VLANs. */
    KernelView view(DesiredNetwork n) {
        List<Link> links = new ArrayList<>();
        Map<Integer, PortVlans> vlans = new HashMap<>();
        host.links().find(n.bridge()).ifPresent(b -> {
            links.add(b);
            remember(b);
        });
        for (VmPort p : n.ports()) {
            host.links().find(p.hostIfName()).ifPresent(l -> {
                links.add(l);
                vlans.put(l.index(), host.bridgeVlans().list(l.name()));
            });
        }
        return withGoneNamespaces(new KernelView(links, vlans), n);
    }

    /** {@code view}, told whose pod namespaces are gone: looked at only for ports whose host end is missing. */
    static KernelView withGoneNamespaces(KernelView view, DesiredNetwork n) {
        Set<Path> gone = new HashSet<>();
        for (VmPort p : n.ports()) {
            if (view.link(p.hostIfName()).isEmpty() && NamespaceFiles.isGone(p.pod())) {
                gone.add(p.pod().netns());
            }
        }
        return gone.isEmpty() ? view : view.withGoneNamespaces(gone);
    }
}
