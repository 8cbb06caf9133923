package io.vmnetd.daemon.reconcile;

import io.vmnetd.daemon.model.PodEnd;
import io.vmnetd.daemon.model.PodRoute;
import io.vmnetd.daemon.model.PortVlanSpec;
import io.vmnetd.daemon.model.VlanDiff;
import io.vmnetd.netlink.IpPrefix;
import io.vmnetd.netlink.Ipv6AddrGenMode;
import io.vmnetd.netlink.Link;
import io.vmnetd.netlink.LinkChange;
import io.vmnetd.netlink.LinkSpec;
import io.vmnetd.netlink.NetNs;
import io.vmnetd.netlink.Route;
import io.vmnetd.netlink.Links;
import io.vmnetd.netlink.PortVlans;
import io.vmnetd.netlink.nl.NetlinkException;
import io.vmnetd.netlink.sys.Errno;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/**
 * The steps that make and repair a VM port's own parts: the veth pair, the pod end's addresses, MAC and MTU, the
 * bridge port's flags. The steps it shares with the rest of a network (master, VLANs, MTU, up) are in {@link Steps}.
 */
final class PortSteps {
    private PortSteps() {}

    /**
     * Makes the pair in one message: the pod end created inside the pod's namespace as {@code pod.ifName()}, up,
     * with its MAC, and the host end as its peer, down, both at {@code mtu}. (The pod's end cannot be the peer: the
     * kernel opens a new peer before pairing it and refuses, ENOTCONN.) Both ends get an interface index chosen
     * here, derived from the host end's name, so that the steps after this one address the host end without reading
     * it back; an index already taken (EBUSY) moves to the next, and after a few the kernel chooses. A host end of
     * the same name is a leftover of an attachment that is gone (a crash between making it and journaling): it goes
     * and the pair is made again; otherwise EEXIST is the pod's interface name taken. The host end starts dormant,
     * so that the IPv6 address generation mode {@link JoinPort} sends with "up" applies before IPv6 would make it an
     * address ({@link LinkSpec#peerDormant}): no fourth message.
     */
    record CreatePort(String hostIfName, io.vmnetd.netlink.MacAddress hostMac, PodEnd pod, int mtu) implements Step {
        private static final int INDEX_BASE = 0x20000000;
        /**
         * The pod end's index is the host end's plus this. Were they equal, the host end's link (its peer's index)
         * would equal its own index, and the kernel's link watch would take its carrier change as not urgent and
         * report it up to a second late: the dormant host end would stay dormant, and its bridge port disabled, that
         * long after ADD.
         */
        private static final int POD_INDEX_OFFSET = 0x10000000;
        private static final int INDEX_TRIES = 3;

        public String kind() {
            return "port_missing";
        }

        public String describe() {
            return "create veth " + hostIfName + " with peer " + pod.ifName() + " in " + pod.netns() + " (mac "
                    + pod.mac() + ", mtu " + mtu + ")";
        }

        public void apply(StepContext c) {
            try (NetNs ns = c.openNamespace(pod)) {
                int index = INDEX_BASE | (hostIfName.hashCode() & 0x0fffffff);
                for (int attempt = 0; ; attempt++) {
                    boolean chosen = attempt < INDEX_TRIES;
                    LinkSpec spec = LinkSpec.veth(pod.ifName(), hostIfName).namespace(ns).mac(pod.mac()).mtu(mtu).up()
                            .peerMac(hostMac).peerDormant();
                    if (chosen) {
                        spec.index(index + attempt + POD_INDEX_OFFSET).peerIndex(index + attempt);
                    }
                    try {
                        createReplacingLeftover(c, spec);
                        if (chosen) {
                            c.made(hostIfName, index + attempt);
                        }
                        return;
                    } catch (NetlinkException e) {
                        if (!chosen || !e.is(Errno.EBUSY)) {
                            throw e;
                        }
                    }
                }
            }
        }

        private void createReplacingLeftover(StepContext c, LinkSpec spec) {
            try {
                c.host().links().create(spec);
            } catch (NetlinkException e) {
                if (!e.is(Errno.EEXIST) || !c.host().links().deleteIfExists(hostIfName)) {
                    throw e;
                }
                c.host().links().create(spec);
            }
        }
    }

    /**
     * Puts a port on its bridge with exactly its VLANs and flags and brings it up, in as few messages as the kernel
     * allows. On a bridge whose ports join without VLANs (default PVID 0, as vmnetd makes its bridges), the port
     * forwards nothing until its VLANs are set, so master and up go together, then VLANs and isolation together:
     * two messages. On a bridge that gives joining ports its default PVID (an adopted one), the port stays down
     * until that VLAN is gone: master, VLANs and isolation, the default's removal, up.
     *
     * @param joining what the port has once on the bridge (the bridge's default PVID, or nothing)
     */
    record JoinPort(String port, String bridge, PortVlanSpec vlans, PortVlans joining, boolean isolated)
            implements Step {
        public String kind() {
            return "master";
        }

        public String describe() {
            return "attach " + port + " to " + bridge + " with VLANs " + vlans + (isolated ? ", isolated" : "") + ", up";
        }

        public void apply(StepContext c) {
            int index = c.index(port);
            VlanDiff diff = vlans.diff(joining);
            Links links = c.host().links();
            Optional<Boolean> flag = isolated ? Optional.of(true) : Optional.empty();
            if (joining.vlans().isEmpty()) {
                joinWithoutIpv6(links, index, () -> LinkChange.create().master(c.index(bridge)).up());
                c.host().bridgeVlans().setPort(index, port, diff.add(), flag);
                return;
            }
            joinWithoutIpv6(links, index, () -> LinkChange.create().master(c.index(bridge)));
            c.host().bridgeVlans().setPort(index, port, diff.add(), flag);
            c.host().bridgeVlans().delete(index, false, diff.delete());
            links.change(index, port, LinkChange.create().up());
        }

        /**
         * The host end is a bridge port, with no IPv6 address of its own: without one the kernel makes no link-local
         * address, routes or duplicate address detection for each port (in the lab 2-5 ms of CPU per port with 10
         * ports on the bridge, 6-7 with 1000), and no address of the node is announced on the VM's segment. A kernel
         * without IPv6 (booted with ipv6.disable=1) refuses the mode, EAFNOSUPPORT, and gets the change without it.
         */
        private void joinWithoutIpv6(Links links, int index, Supplier<LinkChange> change) {
            try {
                links.change(index, port, change.get().ipv6AddrGenMode(Ipv6AddrGenMode.NONE));
            } catch (NetlinkException e) {
                if (!e.is(Errno.EAFNOSUPPORT)) {
                    throw e;
                }
                links.change(index, port, change.get());
            }
        }
    }

    /** Gives the pod end the addresses and routes IPAM gave; those already there stay. */
    record AddPodAddressing(PodEnd pod) implements Step {
        public String kind() {
            return "pod_address";
        }

        public String describe() {
            String routes = pod.routes().stream().map(PodRoute::toString).collect(Collectors.joining(", "));
            return "add address " + pod.addresses().stream().map(IpPrefix::toString).collect(Collectors.joining(", "))
                    + (routes.isEmpty() ? "" : "; routes " + routes) + " to " + pod.ifName() + " in " + pod.netns();
        }

        public void apply(StepContext c) {
            c.inNamespace(pod, rtnl -> {
                Link link = rtnl.links().get(pod.ifName());
                for (IpPrefix address : pod.addresses()) {
                    ignoreExisting(() -> rtnl.addresses().add(pod.ifName(), address));
                }
                for (PodRoute r : pod.routes()) {
                    Route route = r.gateway().map(gw -> Route.via(r.destination(), gw, link.index()))
                            .orElseGet(() -> Route.onLink(r.destination(), link.index()));
                    ignoreExisting(() -> rtnl.routes().add(route));
                }
                return null;
            });
        }
    }

    /** The pod end's MAC as ADD chose it; {@code was} what the pod end had when planned, for the message. */
    record SetPodMac(PodEnd pod, String was) implements Step {
        public String kind() {
            return "pod_mac";
        }

        public String describe() {
            return "set mac " + pod.mac() + " on " + pod.ifName() + " in " + pod.netns() + " (it has " + was + ")";
        }

        public void apply(StepContext c) {
            c.inNamespace(pod, rtnl -> {
                rtnl.links().setMac(pod.ifName(), pod.mac());
                return null;
            });
        }
    }

    /** The pod's end of a VM port follows the host end's MTU; a pod that is already gone is no error. */
    record SetPodMtu(PodEnd pod, int mtu) implements Step {
        public String kind() {
            return "mtu";
        }

        public String describe() {
            return "set mtu " + mtu + " on " + pod.ifName() + " in " + pod.netns();
        }

        public void apply(StepContext c) {
            try {
                c.inNamespace(pod, rtnl -> {
                    rtnl.links().find(pod.ifName()).ifPresent(l -> rtnl.links().change(l, LinkChange.create().mtu(mtu)));
                    return null;
                });
            } catch (NetlinkException e) {
                if (!e.is(Errno.ENOENT)) {
                    throw e;
                }
            }
        }
    }

    /** The bridge port's isolated flag (IFLA_BRPORT_ISOLATED). */
    record SetIsolated(String port, boolean isolated) implements Step {
        public String kind() {
            return "isolation";
        }

        public String describe() {
            return "set isolated " + (isolated ? "on" : "off") + " on " + port;
        }

        public void apply(StepContext c) {
            c.host().bridgeVlans().setPort(c.index(port), port, java.util.List.of(), Optional.of(isolated));
        }
    }

    /** promiscMode: a port asked for its bridge to be promiscuous, as the reference bridge plugin makes it. */
    record SetPromiscuous(String bridge) implements Step {
        public String kind() {
            return "promisc";
        }

        public String describe() {
            return "set promisc on on " + bridge;
        }

        public void apply(StepContext c) {
            c.host().links().change(c.index(bridge), bridge, LinkChange.create().promiscuous(true));
        }
    }

    private static void ignoreExisting(Runnable add) {
        try {
            add.run();
        } catch (NetlinkException e) {
            if (!e.is(Errno.EEXIST)) {
                throw e;
            }
        }
    }
}
