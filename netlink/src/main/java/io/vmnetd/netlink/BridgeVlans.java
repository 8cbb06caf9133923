package io.vmnetd.netlink;

import io.vmnetd.netlink.nl.Attributes;
import io.vmnetd.netlink.nl.Attributes.Attribute;
import io.vmnetd.netlink.nl.Connection;
import io.vmnetd.netlink.nl.Message;
import io.vmnetd.netlink.nl.MessageBuilder;
import io.vmnetd.netlink.nl.NetlinkException;
import io.vmnetd.netlink.nl.NetlinkParseException;
import io.vmnetd.netlink.nl.Rtnl;
import io.vmnetd.netlink.nl.Rtnl.BridgeSpec;
import io.vmnetd.netlink.nl.Rtnl.Ifla;
import io.vmnetd.netlink.nl.Rtnl.VlanDb;
import io.vmnetd.netlink.nl.Structs.BrVlanMsg;
import io.vmnetd.netlink.nl.Structs.BridgeVlanInfo;
import io.vmnetd.netlink.nl.Structs.IfInfoMsg;
import io.vmnetd.netlink.sys.Native;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * VLAN membership of bridge ports. Every add or delete is one message however many ranges it carries: a range
 * travels as a RANGE_BEGIN/RANGE_END pair, so VIDs 2-4094 cost two attributes, not 4093 messages.
 * Thread-safe like the handle it comes from.
 */
public final class BridgeVlans {
    private final Connection connection;
    private final Links links;

    BridgeVlans(Connection connection, Links links) {
        this.connection = connection;
        this.links = links;
    }

    /** Adds VLANs to a port of a bridge (or, with {@code self}, to the bridge device itself) in one message. */
    public void add(int index, boolean self, List<BridgeVlan> vlans) {
        if (vlans.isEmpty()) {
            return;
        }
        long pvids = vlans.stream().filter(BridgeVlan::pvid).count();
        if (pvids > 1) {
            throw new InvalidArgumentException("pvid", "a port has one PVID; " + pvids + " entries ask for it");
        }
        MessageBuilder m = message(Rtnl.RTM_SETLINK, index, self);
        int spec = m.beginNested(Ifla.AF_SPEC);
        if (self) {
            m.u16(BridgeSpec.FLAGS, BridgeSpec.FLAGS_SELF);
        }
        for (BridgeVlan v : vlans) {
            int flags = (v.pvid() ? BridgeSpec.VLAN_INFO_PVID : 0) | (v.untagged() ? BridgeSpec.VLAN_INFO_UNTAGGED : 0);
            encode(m, flags, v.vids());
        }
        m.endNested(spec);
        execute(m, "add VLANs " + summary(vlans) + " to", index);
    }

    /**
     * Sets a bridge port's VLANs and its isolated flag in one message (IFLA_AF_SPEC and IFLA_PROTINFO together):
     * {@code vlans} are added (or their flags replaced), {@code isolated} set when present.
     */
    public void setPort(int index, String name, List<BridgeVlan> vlans, Optional<Boolean> isolated) {
        if (vlans.isEmpty() && isolated.isEmpty()) {
            return;
        }
        long pvids = vlans.stream().filter(BridgeVlan::pvid).count();
        if (pvids > 1) {
            throw new InvalidArgumentException("pvid", "a port has one PVID; " + pvids + " entries ask for it");
        }
        MessageBuilder m = message(Rtnl.RTM_SETLINK, index, false);
        if (isolated.isPresent()) {
            int protinfo = m.beginNested(Ifla.PROTINFO | io.vmnetd.netlink.nl.Nl.NLA_F_NESTED);
            m.u8(Rtnl.BrPort.ISOLATED, isolated.get() ? 1 : 0);
            m.endNested(protinfo);
        }
        if (!vlans.isEmpty()) {
            int spec = m.beginNested(Ifla.AF_SPEC);
            for (BridgeVlan v : vlans) {
                int flags = (v.pvid() ? BridgeSpec.VLAN_INFO_PVID : 0) | (v.untagged() ? BridgeSpec.VLAN_INFO_UNTAGGED : 0);
                encode(m, flags, v.vids());
            }
            m.endNested(spec);
        }
        connection.execute(m, "set VLANs " + summary(vlans) + isolated.map(i -> ", isolated " + (i ? "on" : "off"))
                .orElse("") + " of bridge port", name);
    }

    public void add(String port, BridgeVlan... vlans) {
        add(links.get(Arguments.linkName("port", port)).index(), false, List.of(vlans));
    }

    /** Removes VLANs from a port (or the bridge itself) in one message. */
    public void delete(int index, boolean self, List<VidRange> ranges) {
        if (ranges.isEmpty()) {
            return;
        }
        MessageBuilder m = message(Rtnl.RTM_DELLINK, index, self);
        int spec = m.beginNested(Ifla.AF_SPEC);
        if (self) {
            m.u16(BridgeSpec.FLAGS, BridgeSpec.FLAGS_SELF);
        }
        for (VidRange r : ranges) {
            encode(m, 0, r);
        }
        m.endNested(spec);
        execute(m, "delete VLANs " + VidSet.of(ranges) + " from", index);
    }

    public void delete(String port, VidRange... ranges) {
        delete(links.get(Arguments.linkName("port", port)).index(), false, List.of(ranges));
    }

    /** The VLANs of one port, from RTM_GETVLAN, in the kernel's compressed ranges. */
    public PortVlans list(String port) {
        Link link = links.get(Arguments.linkName("port", port));
        MessageBuilder m = new MessageBuilder(Rtnl.RTM_GETVLAN, 0)
                .struct(new BrVlanMsg(Native.AF_BRIDGE, link.index()).encode());
        List<BridgeVlan> vlans = new ArrayList<>();
        for (Message reply : connection.dump(m, "list VLANs of", port)) {
            if (reply.type() != Rtnl.RTM_NEWVLAN) {
                continue;
            }
            BrVlanMsg header = BrVlanMsg.decode(reply.payload());
            if (header.index() != link.index()) {
                continue;
            }
            for (Attribute entry : reply.attributes(BrVlanMsg.LENGTH).all(VlanDb.ENTRY)) {
                vlans.add(decodeVlanDbEntry(entry.nested()));
            }
        }
        return new PortVlans(link.index(), link.name(), link.masterIndex(), vlans);
    }

    /** The VLANs of every bridge port and bridge in the namespace, keyed by interface index. */
    public Map<Integer, PortVlans> listAll() {
        Map<Integer, PortVlans> all = new LinkedHashMap<>();
        for (BridgeLink p : listPorts()) {
            all.put(p.link().index(), p.vlans());
        }
        return all;
    }

    /**
     * Every bridge port and bridge in the namespace as its bridge's dump shows it (one AF_BRIDGE dump, VLANs
     * compressed into ranges): the link as that message carries it (see {@link BridgeLink}) and its VLANs. A node
     * with a thousand ports costs the kernel one message per port, far smaller than a link dump's.
     */
    public List<BridgeLink> listPorts() {
        MessageBuilder m = new MessageBuilder(Rtnl.RTM_GETLINK, 0)
                .struct(new IfInfoMsg(Native.AF_BRIDGE, 0, 0, 0, 0).encode())
                .u32(Ifla.EXT_MASK, Rtnl.RTEXT_FILTER_BRVLAN_COMPRESSED);
        return connection.dump(m, "list bridge ports", null, reply -> reply.type() == Rtnl.RTM_NEWLINK
                ? new BridgeLink(LinkCodec.decodeBridgeMessage(reply), decodePort(reply)) : null);
    }

    /** Decodes an AF_BRIDGE RTM_NEWLINK: a port's (or bridge's) VLANs from IFLA_AF_SPEC. */
    static PortVlans decodePort(Message reply) {
        IfInfoMsg ifi = IfInfoMsg.decode(reply.payload());
        Attributes a = reply.attributes(IfInfoMsg.LENGTH);
        List<BridgeVlan> vlans = new ArrayList<>();
        int rangeStart = -1;
        for (Attribute info : a.get(Ifla.AF_SPEC).map(Attribute::nested).orElse(Attributes.empty()).all(BridgeSpec.VLAN_INFO)) {
            BridgeVlanInfo v = BridgeVlanInfo.decode(info.payload());
            if ((v.flags() & BridgeSpec.VLAN_INFO_RANGE_BEGIN) != 0) {
                rangeStart = v.vid();
                continue;
            }
            int first = rangeStart >= 0 && (v.flags() & BridgeSpec.VLAN_INFO_RANGE_END) != 0 ? rangeStart : v.vid();
            rangeStart = -1;
            vlans.add(entry(first, v.vid(), v.flags()));
        }
        // The kernel puts IFLA_MASTER into the bridge's own message too, naming itself.
        int master = a.get(Ifla.MASTER).map(Attribute::u32).filter(m -> m != ifi.index()).orElse(0);
        return new PortVlans(ifi.index(), a.get(Ifla.IFNAME).map(Attribute::string).orElse("#" + ifi.index()),
                master, vlans);
    }

    private static BridgeVlan decodeVlanDbEntry(Attributes entry) {
        BridgeVlanInfo info = entry.get(VlanDb.ENTRY_INFO).map(a -> BridgeVlanInfo.decode(a.payload()))
                .orElseThrow(() -> new NetlinkParseException("VLAN entry without BRIDGE_VLANDB_ENTRY_INFO"));
        int last = entry.get(VlanDb.ENTRY_RANGE).map(Attribute::u16).orElse(info.vid());
        return entry(info.vid(), last, info.flags());
    }

    private static BridgeVlan entry(int first, int last, int flags) {
        try {
            return new BridgeVlan(VidRange.of(first, Math.max(first, last)),
                    (flags & BridgeSpec.VLAN_INFO_PVID) != 0, (flags & BridgeSpec.VLAN_INFO_UNTAGGED) != 0);
        } catch (InvalidArgumentException e) {
            throw new NetlinkParseException("bridge VLAN entry out of range: " + e.getMessage());
        }
    }

    private static MessageBuilder message(int type, int index, boolean self) {
        if (index <= 0) {
            throw new InvalidArgumentException("port", "interface index " + index + " is not a link");
        }
        return new MessageBuilder(type, 0).struct(new IfInfoMsg(Native.AF_BRIDGE, 0, index, 0, 0).encode());
    }

    private static void encode(MessageBuilder m, int flags, VidRange r) {
        if (r.isSingle()) {
            m.bytes(BridgeSpec.VLAN_INFO, new BridgeVlanInfo(flags, r.first()).encode());
        } else {
            m.bytes(BridgeSpec.VLAN_INFO, new BridgeVlanInfo(flags | BridgeSpec.VLAN_INFO_RANGE_BEGIN, r.first()).encode());
            m.bytes(BridgeSpec.VLAN_INFO, new BridgeVlanInfo(flags | BridgeSpec.VLAN_INFO_RANGE_END, r.last()).encode());
        }
    }

    /** Sends {@code m}; a failure names the port, looked up only then to keep the common path to one message. */
    private void execute(MessageBuilder m, String operation, int index) {
        try {
            connection.execute(m, operation, "#" + index);
        } catch (NetlinkException e) {
            String name = links.find(index).map(Link::name).orElse("#" + index);
            throw e.describing(operation, name);
        }
    }

    private static String summary(List<BridgeVlan> vlans) {
        List<String> parts = new ArrayList<>();
        for (BridgeVlan v : vlans) {
            parts.add(v.toString());
        }
        return String.join(", ", parts);
    }
}
