package io.vmnetd.netlink;

import io.vmnetd.netlink.nl.Attributes;
import io.vmnetd.netlink.nl.Attributes.Attribute;
import io.vmnetd.netlink.nl.Message;
import io.vmnetd.netlink.nl.MessageBuilder;
import io.vmnetd.netlink.nl.Nl;
import io.vmnetd.netlink.nl.NetlinkParseException;
import io.vmnetd.netlink.nl.Rtnl;
import io.vmnetd.netlink.nl.Rtnl.Ifla;
import io.vmnetd.netlink.nl.Rtnl.Info;
import io.vmnetd.netlink.nl.Structs.IfInfoMsg;
import io.vmnetd.netlink.sys.Native;
import java.util.Optional;

/** Encodes link requests and decodes RTM_NEWLINK/RTM_DELLINK messages into {@link Link}. */
final class LinkCodec {
    private LinkCodec() {}

    static MessageBuilder create(LinkSpec spec) {
        int flags = spec.isUp() ? Rtnl.IFF_UP : 0;
        MessageBuilder m = new MessageBuilder(Rtnl.RTM_NEWLINK, Nl.F_CREATE | Nl.F_EXCL)
                .struct(new IfInfoMsg(Native.AF_UNSPEC, 0, spec.index(), flags, flags).encode())
                .string(Ifla.IFNAME, spec.name());
        spec.mtu().ifPresent(mtu -> m.u32(Ifla.MTU, mtu));
        spec.mac().ifPresent(mac -> m.bytes(Ifla.ADDRESS, mac.bytes()));
        spec.txQueueLength().ifPresent(q -> m.u32(Ifla.TXQLEN, q));
        if (spec.masterIndex() != 0) {
            m.u32(Ifla.MASTER, spec.masterIndex());
        }
        if (spec.parentIndex() != 0) {
            m.u32(Ifla.LINK, spec.parentIndex());
        }
        spec.namespace().ifPresent(ns -> m.u32(Ifla.NET_NS_FD, ns.fd()));
        int linkInfo = m.beginNested(Ifla.LINKINFO);
        m.string(Info.KIND, spec.kind().kernelName());
        encodeKindData(m, spec);
        m.endNested(linkInfo);
        return m;
    }

    private static void encodeKindData(MessageBuilder m, LinkSpec spec) {
        LinkKind kind = spec.kind();
        if (kind instanceof LinkKind.Bridge b) {
            int data = m.beginNested(Info.DATA);
            // Off is the kernel's default; saying so explicitly fails on kernels built without VLAN filtering.
            if (b.vlanFiltering()) {
                m.u8(Rtnl.Br.VLAN_FILTERING, 1);
                // 0 means "no default PVID"; left out, the kernel would apply its own default of 1.
                m.u16(Rtnl.Br.VLAN_DEFAULT_PVID, b.defaultPvid());
            } else if (b.defaultPvid() != 0) {
                m.u16(Rtnl.Br.VLAN_DEFAULT_PVID, b.defaultPvid());
            }
            m.endNested(data);
        } else if (kind instanceof LinkKind.Vlan v) {
            int data = m.beginNested(Info.DATA);
            m.u16(Rtnl.Vlan.ID, v.id());
            m.u16be(Rtnl.Vlan.PROTOCOL, v.protocol().ethertype());
            m.endNested(data);
        } else if (kind instanceof LinkKind.Bond b) {
            int data = m.beginNested(Info.DATA);
            m.u8(Rtnl.Bond.MODE, b.mode().number());
            m.u32(Rtnl.Bond.MIIMON, b.miimon());
            // Only what differs from a new bond's defaults: the kernel refuses some options (lacp_rate, primary) in
            // modes they do not apply to, even at their default value.
            BondCodec.encodeOptions(m, BondOptions.DEFAULTS, b.options(), false);
            m.endNested(data);
        } else if (kind instanceof LinkKind.Macvlan v) {
            int data = m.beginNested(Info.DATA);
            m.u32(Rtnl.Macvlan.MODE, v.mode().number());
            m.endNested(data);
        } else if (kind instanceof LinkKind.Veth) {
            int data = m.beginNested(Info.DATA);
            int peer = m.beginNested(Rtnl.Veth.INFO_PEER);
            m.struct(new IfInfoMsg(Native.AF_UNSPEC, 0, spec.peerIndex(), 0, 0).encode());
            m.string(Ifla.IFNAME, spec.peerName().orElseThrow());
            // Both ends carry the same MTU: a pair with different MTUs drops large frames one way only.
            spec.mtu().ifPresent(mtu -> m.u32(Ifla.MTU, mtu));
            spec.peerMac().ifPresent(mac -> m.bytes(Ifla.ADDRESS, mac.bytes()));
            if (spec.isPeerDormant()) {
                m.u8(Ifla.OPERSTATE, OperState.DORMANT.ordinal());
            }
            spec.peerNamespace().ifPresent(ns -> m.u32(Ifla.NET_NS_FD, ns.fd()));
            m.endNested(peer);
            m.endNested(data);
        }
    }

    /**
     * Changes the kind-specific settings of an existing link (a bridge's VLAN filtering, a bond's miimon): an
     * RTM_NEWLINK without NLM_F_CREATE reaches the kind's changelink.
     */
    static MessageBuilder modify(int index, LinkKind current, LinkKind kind) {
        MessageBuilder m = new MessageBuilder(Rtnl.RTM_NEWLINK, 0)
                .struct(new IfInfoMsg(Native.AF_UNSPEC, 0, index, 0, 0).encode());
        int linkInfo = m.beginNested(Ifla.LINKINFO);
        m.string(Info.KIND, kind.kernelName());
        int data = m.beginNested(Info.DATA);
        // Only what changes is sent: a kernel without VLAN filtering refuses even "vlan_filtering 0".
        if (kind instanceof LinkKind.Bridge b && current instanceof LinkKind.Bridge now) {
            if (b.vlanFiltering() != now.vlanFiltering()) {
                m.u8(Rtnl.Br.VLAN_FILTERING, b.vlanFiltering() ? 1 : 0);
            }
            if (b.defaultPvid() != now.defaultPvid()) {
                m.u16(Rtnl.Br.VLAN_DEFAULT_PVID, b.defaultPvid());
            }
        } else if (kind instanceof LinkKind.Bond b && current instanceof LinkKind.Bond now) {
            // The kernel refuses a mode change while the bond is up or has slaves, and lacp_rate or ad_select while
            // it is up (BondOption.change()): the caller hears about it. The mode goes first, as the kernel applies
            // the attributes in its own order whatever ours: options are checked against the new mode.
            if (b.mode() != now.mode()) {
                m.u8(Rtnl.Bond.MODE, b.mode().number());
            }
            boolean miimonChanges = b.miimon() != now.miimon();
            if (miimonChanges) {
                m.u32(Rtnl.Bond.MIIMON, b.miimon());
            }
            BondCodec.encodeOptions(m, now.options(), b.options(), miimonChanges);
        } else {
            throw new InvalidArgumentException("kind", "only a bridge's or a bond's settings can be changed in place");
        }
        m.endNested(data);
        return m.endNested(linkInfo);
    }

    /** One RTM_SETLINK for all of {@code change}; {@code index} names the link. */
    static MessageBuilder change(int index, LinkChange change) {
        int flags = 0;
        int mask = 0;
        if (change.upState().isPresent()) {
            mask |= Rtnl.IFF_UP;
            flags |= change.upState().get() ? Rtnl.IFF_UP : 0;
        }
        if (change.promiscuous().isPresent()) {
            mask |= Rtnl.IFF_PROMISC;
            flags |= change.promiscuous().get() ? Rtnl.IFF_PROMISC : 0;
        }
        MessageBuilder m = new MessageBuilder(Rtnl.RTM_SETLINK, 0)
                .struct(new IfInfoMsg(Native.AF_UNSPEC, 0, index, flags, mask).encode());
        change.newName().ifPresent(n -> m.string(Ifla.IFNAME, n));
        change.mtu().ifPresent(mtu -> m.u32(Ifla.MTU, mtu));
        change.mac().ifPresent(mac -> m.bytes(Ifla.ADDRESS, mac.bytes()));
        change.txQueueLength().ifPresent(q -> m.u32(Ifla.TXQLEN, q));
        change.masterIndex().ifPresent(master -> m.u32(Ifla.MASTER, master));
        change.namespace().ifPresent(ns -> m.u32(Ifla.NET_NS_FD, ns.fd()));
        change.ipv6AddrGenMode().ifPresent(mode -> {
            int spec = m.beginNested(Ifla.AF_SPEC);
            int inet6 = m.beginNested(Native.AF_INET6);
            m.u8(Rtnl.Inet6.ADDR_GEN_MODE, mode.number());
            m.endNested(inet6);
            m.endNested(spec);
        });
        return m;
    }

    static MessageBuilder get(int index, String name) {
        MessageBuilder m = new MessageBuilder(Rtnl.RTM_GETLINK, 0)
                .struct(new IfInfoMsg(Native.AF_UNSPEC, 0, index, 0, 0).encode());
        if (name != null) {
            m.string(Ifla.IFNAME, name);
        }
        return m.u32(Ifla.EXT_MASK, Rtnl.RTEXT_FILTER_SKIP_STATS);
    }

    static MessageBuilder dump() {
        return new MessageBuilder(Rtnl.RTM_GETLINK, 0)
                .struct(new IfInfoMsg(Native.AF_UNSPEC, 0, 0, 0, 0).encode())
                .u32(Ifla.EXT_MASK, Rtnl.RTEXT_FILTER_SKIP_STATS);
    }

    static MessageBuilder delete(int index) {
        return new MessageBuilder(Rtnl.RTM_DELLINK, 0)
                .struct(new IfInfoMsg(Native.AF_UNSPEC, 0, index, 0, 0).encode());
    }

    /** Decodes an RTM_NEWLINK or RTM_DELLINK of family AF_UNSPEC. */
    static Link decode(Message message) {
        IfInfoMsg ifi = IfInfoMsg.decode(message.payload());
        Attributes a = message.attributes(IfInfoMsg.LENGTH);
        String name = a.get(Ifla.IFNAME).map(Attribute::string)
                .orElseThrow(() -> new NetlinkParseException("link " + ifi.index() + " has no IFLA_IFNAME"));
        Optional<Attributes> info = a.get(Ifla.LINKINFO).map(Attribute::nested);
        LinkKind kind = info.map(LinkCodec::decodeKind).orElse(new LinkKind.Device());
        Optional<String> slaveKind = info.flatMap(i -> i.get(Info.SLAVE_KIND)).map(Attribute::string);
        Optional<Link.BridgePort> port = Optional.empty();
        if (slaveKind.filter("bridge"::equals).isPresent()) {
            Attributes slave = info.flatMap(i -> i.get(Info.SLAVE_DATA)).map(Attribute::nested).orElse(Attributes.empty());
            port = Optional.of(decodePort(slave));
        }
        return new Link(
                ifi.index(),
                name,
                kind,
                ifi.flags(),
                a.get(Ifla.MTU).map(Attribute::u32).orElse(0),
                a.get(Ifla.MIN_MTU).map(Attribute::u32).orElse(0),
                a.get(Ifla.MAX_MTU).map(Attribute::u32).orElse(0),
                a.get(Ifla.TXQLEN).map(Attribute::u32).orElse(0),
                a.get(Ifla.ADDRESS).filter(x -> x.length() == 6).map(x -> MacAddress.of(x.bytes())),
                OperState.ofNumber(a.get(Ifla.OPERSTATE).map(Attribute::u8).orElse(0)),
                a.get(Ifla.MASTER).map(Attribute::u32).orElse(0),
                a.get(Ifla.LINK).map(Attribute::u32).orElse(0),
                a.get(Ifla.LINK_NETNSID).map(Attribute::u32),
                slaveKind,
                port,
                a.get(Ifla.PROMISCUITY).map(Attribute::u32).orElse(0));
    }

    /**
     * Decodes an AF_BRIDGE RTM_NEWLINK, a bridge's message about one of its ports (or itself), as a {@link Link}:
     * such a message carries the name, master, MTU, flags, operstate, MAC, IFLA_LINK and the port's settings
     * (IFLA_PROTINFO, the same IFLA_BRPORT_* as bridge slave data), but no IFLA_LINKINFO, so the kind reads as
     * {@link LinkKind.Device} as for any link without it, and no txqueuelen, MTU bounds, promiscuity counter or
     * link-netnsid (0 / empty). Read a link by name for those.
     */
    static Link decodeBridgeMessage(Message message) {
        IfInfoMsg ifi = IfInfoMsg.decode(message.payload());
        Attributes a = message.attributes(IfInfoMsg.LENGTH);
        String name = a.get(Ifla.IFNAME).map(Attribute::string)
                .orElseThrow(() -> new NetlinkParseException("bridge port " + ifi.index() + " has no IFLA_IFNAME"));
        // The kernel puts IFLA_MASTER into the bridge's own message too, naming itself.
        int master = a.get(Ifla.MASTER).map(Attribute::u32).filter(m -> m != ifi.index()).orElse(0);
        Optional<Link.BridgePort> port = master == 0 ? Optional.empty()
                : Optional.of(decodePort(a.get(Ifla.PROTINFO).map(Attribute::nested).orElse(Attributes.empty())));
        return new Link(
                ifi.index(),
                name,
                new LinkKind.Device(),
                ifi.flags(),
                a.get(Ifla.MTU).map(Attribute::u32).orElse(0),
                0,
                0,
                0,
                a.get(Ifla.ADDRESS).filter(x -> x.length() == 6).map(x -> MacAddress.of(x.bytes())),
                OperState.ofNumber(a.get(Ifla.OPERSTATE).map(Attribute::u8).orElse(0)),
                master,
                a.get(Ifla.LINK).map(Attribute::u32).orElse(0),
                Optional.empty(),
                master == 0 ? Optional.empty() : Optional.of("bridge"),
                port,
                0);
    }

    static Link.BridgePort decodePort(Attributes slave) {
        return new Link.BridgePort(
                slave.get(Rtnl.BrPort.STATE).map(Attribute::u8).orElse(0),
                slave.get(Rtnl.BrPort.LEARNING).map(Attribute::u8).orElse(1) != 0,
                slave.get(Rtnl.BrPort.ISOLATED).map(Attribute::u8).orElse(0) != 0);
    }

    private static LinkKind decodeKind(Attributes info) {
        String kind = info.get(Info.KIND).map(Attribute::string).orElse(null);
        if (kind == null) {
            return new LinkKind.Device();
        }
        Attributes data = info.get(Info.DATA).map(Attribute::nested).orElse(Attributes.empty());
        try {
            switch (kind) {
                case "bridge":
                    return new LinkKind.Bridge(
                            data.get(Rtnl.Br.VLAN_FILTERING).map(Attribute::u8).orElse(0) != 0,
                            data.get(Rtnl.Br.VLAN_DEFAULT_PVID).map(Attribute::u16).orElse(0));
                case "vlan":
                    return new LinkKind.Vlan(
                            data.get(Rtnl.Vlan.ID).map(Attribute::u16)
                                    .orElseThrow(() -> new NetlinkParseException("vlan link without IFLA_VLAN_ID")),
                            VlanProtocol.ofEthertype(data.get(Rtnl.Vlan.PROTOCOL).map(Attribute::u16be).orElse(Rtnl.ETH_P_8021Q)));
                case "veth":
                    return new LinkKind.Veth();
                case "bond":
                    return BondCodec.decode(data);
                case "macvlan":
                    return new LinkKind.Macvlan(
                            MacvlanMode.ofNumber(data.get(Rtnl.Macvlan.MODE).map(Attribute::u32).orElse(MacvlanMode.VEPA.number())));
                case "dummy":
                    return new LinkKind.Dummy();
                default:
                    return new LinkKind.Other(kind);
            }
        } catch (InvalidArgumentException e) {
            // A value outside what a request may carry still came from the kernel: a decoding problem, not a caller's.
            throw new NetlinkParseException(kind + " link data out of range: " + e.getMessage());
        }
    }
}
