package io.vmnetd.daemon.cni;

import com.fasterxml.jackson.databind.JsonNode;
import io.vmnetd.daemon.model.PortVlanSpec;
import io.vmnetd.daemon.model.VlanDiff;
import io.vmnetd.netlink.IpPrefix;
import io.vmnetd.netlink.Link;
import io.vmnetd.netlink.LinkKind;
import io.vmnetd.netlink.LinkChange;
import io.vmnetd.netlink.LinkSpec;
import io.vmnetd.netlink.MacAddress;
import io.vmnetd.netlink.NetNs;
import io.vmnetd.netlink.PortVlans;
import io.vmnetd.netlink.Route;
import io.vmnetd.netlink.RtNetlink;
import io.vmnetd.netlink.nl.NetlinkException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

/** The kernel side of an attachment: the veth pair, the pod's addresses and routes, the bridge port. */
final class PortWiring {
    private static final long FORWARDING_WAIT_MILLIS = 2000;

    private PortWiring() {}

    /** "vmn" + 12 hex digits of SHA-256(container id, ifname): the same pair always gets the same host name. */
    static String hostVethName(String containerId, String ifName) {
        try {
            byte[] d = MessageDigest.getInstance("SHA-256")
                    .digest((containerId + "\0" + ifName).getBytes(StandardCharsets.UTF_8));
            return "vmn" + HexFormat.of().formatHex(d, 0, 6);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Makes the pair in one message with the pod's end as the veth itself, created inside the pod's namespace as
     * {@code ifName} and up, and the host end as its peer, down, both at {@code mtu}. (The pod's end cannot be the
     * peer: the kernel opens a new peer before pairing it and refuses, ENOTCONN.) The pod end's MAC is the one asked
     * for or a random one chosen here, so that nothing needs a socket in the pod's namespace.
     *
     * @return the pod end's MAC
     */
    static MacAddress createPair(RtNetlink host, String hostName, NetNs ns, String ifName, int mtu,
                                 Optional<MacAddress> mac) {
        MacAddress podMac = mac.orElseGet(MacAddress::randomLocal);
        host.links().create(LinkSpec.veth(ifName, hostName).namespace(ns).mac(podMac).mtu(mtu).up());
        return podMac;
    }

    /** Adds the IPAM result's addresses and routes to the pod's interface. */
    static void applyIpam(RtNetlink pod, String ifName, JsonNode ipam) {
        Link link = pod.links().get(ifName);
        for (JsonNode ip : ipam.path("ips")) {
            pod.addresses().add(ifName, IpPrefix.parse(ip.path("address").asText()));
        }
        for (JsonNode r : ipam.path("routes")) {
            IpPrefix dst = IpPrefix.parse(r.path("dst").asText());
            String gw = r.path("gw").asText("");
            if (gw.isEmpty()) {
                gw = defaultGateway(ipam, dst);
            }
            Route route = gw.isEmpty() ? Route.onLink(dst, link.index())
                    : Route.via(dst, IpPrefix.parseAddress(gw), link.index());
            try {
                pod.routes().add(route);
            } catch (NetlinkException e) {
                if (!e.is(io.vmnetd.netlink.sys.Errno.EEXIST)) {
                    throw e;
                }
            }
        }
    }

    /** A route without "gw" goes through the gateway of the IP of its family, as the reference plugins do. */
    private static String defaultGateway(JsonNode ipam, IpPrefix dst) {
        for (JsonNode ip : ipam.path("ips")) {
            String address = ip.path("address").asText();
            if (ip.hasNonNull("gateway") && address.contains(":") == dst.address().getHostAddress().contains(":")) {
                return ip.get("gateway").asText();
            }
        }
        return "";
    }

    /**
     * Puts the new host end on {@code bridge} with exactly {@code vlans} (it joins with the bridge's default PVID,
     * as every new port does), isolates it if asked, and brings it up.
     */
    static void attach(RtNetlink host, String hostName, Link bridge, PortVlanSpec vlans, boolean isolated) {
        Link port = host.links().get(hostName);
        host.links().change(port, LinkChange.create().master(bridge.index()));
        int defaultPvid = bridge.kind() instanceof LinkKind.Bridge b ? b.defaultPvid() : 0;
        VlanDiff diff = vlans.diff(PortVlans.joining(port.index(), hostName, bridge.index(), defaultPvid));
        host.bridgeVlans().add(port.index(), false, diff.add());
        host.bridgeVlans().delete(port.index(), false, diff.delete());
        if (isolated) {
            host.links().setPortIsolated(port, true);
        }
        host.links().change(port, LinkChange.create().up());
    }

    /**
     * Waits (briefly) until the bridge forwards on the port, so that traffic flows when ADD returns; with STP off
     * (the usual case) it already does. Returns the port as last read.
     */
    static Optional<Link> awaitForwarding(RtNetlink host, String hostName) {
        long deadline = System.nanoTime() + FORWARDING_WAIT_MILLIS * 1_000_000;
        while (true) {
            Optional<Link> link = host.links().find(hostName);
            Optional<Link.BridgePort> port = link.flatMap(Link::bridgePort);
            if (port.isEmpty() || port.get().isForwarding() || System.nanoTime() >= deadline) {
                return link;
            }
            try {
                Thread.sleep(5);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return link;
            }
        }
    }

    static List<String> addressesOf(JsonNode ipam) {
        List<String> out = new java.util.ArrayList<>();
        if (ipam != null) {
            for (JsonNode ip : ipam.path("ips")) {
                out.add(IpPrefix.parse(ip.path("address").asText()).toString());
            }
        }
        return out;
    }
}
