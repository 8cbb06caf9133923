package io.vmnetd.daemon.reconcile;

import io.vmnetd.netlink.BridgeVlan;
import io.vmnetd.netlink.IpPrefix;
import io.vmnetd.netlink.Link;
import io.vmnetd.netlink.LinkSpec;
import io.vmnetd.netlink.Route;
import io.vmnetd.netlink.VidRange;
import io.vmnetd.netlink.VlanProtocol;
import io.vmnetd.netlink.nl.NetlinkException;
import io.vmnetd.netlink.nl.Rtnl;
import io.vmnetd.netlink.sys.Errno;
import java.net.InetAddress;
import java.util.List;
import java.util.Optional;

/**
 * The steps that make and repair a host network's parts: the bridge's own membership of the VLAN, the 802.1Q link
 * on the bridge, its address and its routes. Routes vmnetd adds carry protocol "static" (RTPROT_STATIC), which is how
 * it tells them from the kernel's own and from those others add to the link.
 */
final class HostVlanSteps {
    private HostVlanSteps() {}

    /** The bridge itself a tagged member of the VLAN ({@code bridge vlan add dev BRIDGE vid N self}). */
    record AddBridgeVlan(String bridge, int vid) implements Step {
        public String kind() {
            return "bridge_vlan";
        }

        public String describe() {
            return "add VLAN " + vid + " (tagged) to bridge " + bridge + " itself";
        }

        public void apply(StepContext c) {
            int index = c.host().links().get(bridge).index();
            c.host().bridgeVlans().add(index, true, List.of(BridgeVlan.tagged(vid)));
        }
    }

    /** The bridge leaves the VLAN it joined for a host network that is gone. */
    record RemoveBridgeVlan(String bridge, int vid) implements Step {
        public String kind() {
            return "removed";
        }

        public String describe() {
            return "delete VLAN " + vid + " from bridge " + bridge + " itself";
        }

        public void apply(StepContext c) {
            int index = c.host().links().get(bridge).index();
            c.host().bridgeVlans().delete(index, true, List.of(VidRange.of(vid)));
        }
    }

    /** The 802.1Q link of VLAN {@code vid} on the bridge, at the network's MTU, up. */
    record CreateVlanLink(String ifName, String bridge, int vid, int mtu) implements Step {
        public String kind() {
            return "host_interface_missing";
        }

        public String describe() {
            return "create VLAN " + vid + " link " + ifName + " on " + bridge + " (mtu " + mtu + ")";
        }

        public void apply(StepContext c) {
            int parent = c.host().links().get(bridge).index();
            c.host().links().create(LinkSpec.vlan(ifName, parent, vid, VlanProtocol.IEEE_802_1Q).mtu(mtu).up());
        }
    }

    record AddAddress(String ifName, IpPrefix address) implements Step {
        public String kind() {
            return "host_address";
        }

        public String describe() {
            return "add address " + address + " to " + ifName;
        }

        public void apply(StepContext c) {
            c.host().addresses().add(ifName, address);
        }
    }

    record DeleteAddress(String ifName, IpPrefix address) implements Step {
        public String kind() {
            return "host_address";
        }

        public String describe() {
            return "delete address " + address + " from " + ifName;
        }

        public void apply(StepContext c) {
            try {
                c.host().addresses().delete(ifName, address);
            } catch (NetlinkException e) {
                if (!e.is(Errno.EADDRNOTAVAIL)) {
                    throw e;
                }
            }
        }
    }

    /** A route to {@code destination} through {@code gateway} out of {@code ifName}, marked as vmnetd's. */
    record AddRoute(String ifName, IpPrefix destination, InetAddress gateway) implements Step {
        public String kind() {
            return "host_route";
        }

        public String describe() {
            return "add route " + destination + " via " + gateway.getHostAddress() + " dev " + ifName;
        }

        public void apply(StepContext c) {
            Link link = c.host().links().get(ifName);
            c.host().routes().add(route(destination, Optional.of(gateway), link.index()));
        }
    }

    record DeleteRoute(String ifName, IpPrefix destination, Optional<InetAddress> gateway) implements Step {
        public String kind() {
            return "host_route";
        }

        public String describe() {
            return "delete route " + destination + gateway.map(g -> " via " + g.getHostAddress()).orElse("")
                    + " dev " + ifName;
        }

        public void apply(StepContext c) {
            Optional<Link> link = c.host().links().find(ifName);
            if (link.isEmpty()) {
                return;
            }
            try {
                c.host().routes().delete(route(destination, gateway, link.get().index()));
            } catch (NetlinkException e) {
                if (!e.is(Errno.ENOENT) && !e.is(Errno.ESRCH)) {
                    throw e;
                }
            }
        }
    }

    /** A main-table unicast route of protocol static: the mark of vmnetd's routes on host interfaces. */
    static Route route(IpPrefix destination, Optional<InetAddress> gateway, int outputIndex) {
        return new Route(destination.network(), gateway, outputIndex, Rtnl.Rta.TABLE_MAIN, Rtnl.Rta.PROT_STATIC,
                gateway.isPresent() ? Rtnl.Rta.SCOPE_UNIVERSE : Rtnl.Rta.SCOPE_LINK, 0);
    }
}
