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

/**
 * An attachment's on-disk form: plain strings, numbers and lists, stable across refactorings of the records. Every
 * field but the optional ones must be present; {@link #toAttachment()} refuses anything else, so that a damaged file
 * is noticed on load instead of half-read.
 */
record StoredAttachment(String containerId, String ifName, String vmNetwork, String clusterNetwork,
                        String hostIfName, String netns, Long netnsDevice, Long netnsInode, String mac, List<String> addresses, List<Route> routes,
                        String vids, Integer pvid, String untagged, Boolean isolated, Boolean promiscuousBridge,
                        String cniVersion, String netconf, String ipamResult, String state, String created) {

    /** A pod route: destination and, unless directly attached, gateway. */
    record Route(String dst, String via) {}

    static StoredAttachment of(Attachment a) {
        VmPort p = a.port();
        PortVlanSpec v = p.vlans();
        return new StoredAttachment(a.key().containerId(), a.key().ifName(), a.vmNetwork().orElse(null),
                a.clusterNetwork(), p.hostIfName(), p.pod().netns().toString(), p.pod().netnsId().device(),
                p.pod().netnsId().inode(), p.pod().mac().toString(),
                p.pod().addresses().stream().map(IpPrefix::toString).toList(),
                p.pod().routes().stream().map(r -> new Route(r.destination().toString(),
                        r.gateway().map(g -> g.getHostAddress()).orElse(null))).toList(),
                v.vids().toString(), v.pvid().isPresent() ? v.pvid().getAsInt() : null, v.untagged().toString(),
                p.isolated(), p.promiscuousBridge(), a.cniVersion(), a.netconf(), a.ipamResult().orElse(null),
                a.state().name(), a.created().toString());
    }

    /**
     * @throws IllegalArgumentException naming the first field that is missing or unreadable
     */
    Attachment toAttachment() {
        AttachmentKey key = new AttachmentKey(required("containerId", containerId), required("ifName", ifName));
        PortVlanSpec vlans = new PortVlanSpec(VidSet.parse(required("vids", vids)),
                pvid == null ? OptionalInt.empty() : OptionalInt.of(pvid), VidSet.parse(required("untagged", untagged)));
        List<PodRoute> podRoutes = required("routes", routes).stream().map(r -> new PodRoute(
                IpPrefix.parse(required("routes[].dst", r.dst())),
                Optional.ofNullable(r.via()).map(IpPrefix::parseAddress))).toList();
        PodEnd pod = new PodEnd(Path.of(required("netns", netns)),
                new NetNs.Identity(required("netnsDevice", netnsDevice), required("netnsInode", netnsInode)),
                key.ifName(), MacAddress.parse(required("mac", mac)),
                required("addresses", addresses).stream().map(IpPrefix::parse).toList(), podRoutes);
        VmPort port = new VmPort(required("hostIfName", hostIfName), pod, vlans, required("isolated", isolated),
                required("promiscuousBridge", promiscuousBridge), Attachment.owner(key));
        return new Attachment(key, Optional.ofNullable(vmNetwork), required("clusterNetwork", clusterNetwork), port,
                required("cniVersion", cniVersion), required("netconf", netconf), Optional.ofNullable(ipamResult),
                Attachment.State.valueOf(required("state", state)), Instant.parse(required("created", created)));
    }

    private static <T> T required(String field, T value) {
        if (value == null) {
            throw new IllegalArgumentException(field + " is missing");
        }
        return value;
    }
}
