package io.vmnetd.daemon.state;

import io.vmnetd.daemon.model.PodEnd;
import io.vmnetd.daemon.model.PodRoute;
import io.vmnetd.daemon.model.PortVlanSpec;
import io.vmnetd.daemon.model.VmPort;
import io.vmnetd.netlink.IpPrefix;
import io.vmnetd.netlink.MacAddress;
import io.vmnetd.netlink.NetNs;
import io.vmnetd.netlink.VidSet;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;

/** Attachments for journal tests, every field set to something recognisable. */
final class Attachments {
    private Attachments() {}

    /**
     * Every optional field present; VLANs with a PVID, an untagged VID and ranges; isolated, promiscuous bridge,
     * two addresses and a route through a gateway and one on-link.
     */
    static Attachment full(String containerId, String ifName) {
        AttachmentKey key = new AttachmentKey(containerId, ifName);
        PodEnd pod = new PodEnd(Path.of("/var/run/netns/cni-1234"), new NetNs.Identity(4, 4026532301L), ifName, MacAddress.parse("02:00:5e:10:00:01"),
                List.of(IpPrefix.parse("10.0.100.5/24"), IpPrefix.parse("fd00::5/64")),
                List.of(new PodRoute(IpPrefix.parse("0.0.0.0/0"), Optional.of(IpPrefix.parseAddress("10.0.100.1"))),
                        new PodRoute(IpPrefix.parse("10.9.0.0/16"), Optional.empty())));
        VmPort port = new VmPort("veth" + Integer.toHexString((containerId + ifName).hashCode()), pod,
                new PortVlanSpec(VidSet.parse("1,100,200-299,4094"), OptionalInt.of(100), VidSet.of(1, 100)),
                true, true, Attachment.owner(key));
        return new Attachment(key, Optional.of("vlan100"), "data", port, "1.0.0",
                "{\"cniVersion\":\"1.0.0\",\"name\":\"vlan100\",\"note\":\"quote \\\" newline \\n ü\"}",
                Optional.of("{\"ips\":[{\"address\":\"10.0.100.5/24\"}]}"), Attachment.State.READY,
                Instant.parse("2024-05-01T12:34:56.123456789Z"));
    }

    /** Every optional field empty; a trunk without PVID or untagged VIDs; no addresses; still being added. */
    static Attachment sparse(String containerId, String ifName) {
        AttachmentKey key = new AttachmentKey(containerId, ifName);
        PodEnd pod = new PodEnd(Path.of("/proc/4242/ns/net"), new NetNs.Identity(4, 4026532302L), ifName, MacAddress.parse("02:00:00:00:00:02"),
                List.of(), List.of());
        VmPort port = new VmPort("vethsparse", pod, PortVlanSpec.trunk(VidSet.parse("2-4094")), false, false,
                Attachment.owner(key));
        return new Attachment(key, Optional.empty(), "mgmt", port, "0.4.0", "{}", Optional.empty(),
                Attachment.State.ADDING, Instant.parse("2024-01-01T00:00:00Z"));
    }

    /** {@code a} with another pod MAC. */
    static Attachment withMac(Attachment a, String mac) {
        PodEnd p = a.port().pod();
        return withPort(a, a.port().withPod(new PodEnd(p.netns(), p.netnsId(), p.ifName(), MacAddress.parse(mac), p.addresses(),
                p.routes())));
    }

    /** {@code a} with another VLAN set. */
    static Attachment withVlans(Attachment a, PortVlanSpec vlans) {
        VmPort p = a.port();
        return withPort(a, new VmPort(p.hostIfName(), p.pod(), vlans, p.isolated(), p.promiscuousBridge(), p.owner()));
    }

    private static Attachment withPort(Attachment a, VmPort port) {
        return new Attachment(a.key(), a.vmNetwork(), a.clusterNetwork(), port, a.cniVersion(), a.netconf(),
                a.ipamResult(), a.state(), a.created());
    }
}
