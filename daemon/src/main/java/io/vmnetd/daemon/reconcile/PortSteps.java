package io.vmnetd.daemon.reconcile;

import io.vmnetd.daemon.model.PodEnd;
import io.vmnetd.daemon.model.PodRoute;
import io.vmnetd.netlink.IpPrefix;
import io.vmnetd.netlink.Link;
import io.vmnetd.netlink.LinkChange;
import io.vmnetd.netlink.LinkSpec;
import io.vmnetd.netlink.NetNs;
import io.vmnetd.netlink.Route;
import io.vmnetd.netlink.RtNetlink;
import io.vmnetd.netlink.nl.NetlinkException;
import io.vmnetd.netlink.sys.Errno;
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
     * kernel opens a new peer before pairing it and refuses, ENOTCONN.) A host end of the same name is a leftover of
     * an attachment that is gone (a crash between making it and journaling): it goes and the pair is made again;
     * otherwise EEXIST is the pod's interface name taken.
     */
    record CreatePort(String hostIfName, PodEnd pod, int mtu) implements Step {
        public String kind() {
            return "port_missing";
        }

        public String describe() {
            return "create veth " + hostIfName + " with peer " + pod.ifName() + " in " + pod.netns() + " (mac "
                    + pod.mac() + ", mtu " + mtu + ")";
        }

        public void apply(StepContext c) {
            try (NetNs ns = c.openNamespace(pod)) {
                LinkSpec spec = LinkSpec.veth(pod.ifName(), hostIfName).namespace(ns).mac(pod.mac()).mtu(mtu).up();
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
            RtNetlink host = c.host();
            host.links().setPortIsolated(host.links().get(port), isolated);
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
            c.host().links().setPromiscuous(bridge, true);
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
