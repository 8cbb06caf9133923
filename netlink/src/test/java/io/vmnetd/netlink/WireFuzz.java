package io.vmnetd.netlink;

import io.vmnetd.netlink.nl.MessageBuilder;
import io.vmnetd.netlink.nl.Nl;
import io.vmnetd.netlink.nl.Rtnl;
import io.vmnetd.netlink.nl.Rtnl.BridgeSpec;
import io.vmnetd.netlink.nl.Rtnl.Ifa;
import io.vmnetd.netlink.nl.Rtnl.Ifla;
import io.vmnetd.netlink.nl.Rtnl.Info;
import io.vmnetd.netlink.nl.Rtnl.Rta;
import io.vmnetd.netlink.nl.Structs.IfAddrMsg;
import io.vmnetd.netlink.nl.Structs.IfInfoMsg;
import io.vmnetd.netlink.nl.Structs.RtMsg;
import io.vmnetd.netlink.sys.Native;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

/**
 * Valid netlink datagrams for the robustness properties to break with {@link WireMutations}: the captured golden
 * files, and random well-formed messages of every kind the decoders read. Plain java.util.Random from a
 * jqwik-chosen seed, so a failure is reproducible from the seed jqwik reports.
 */
public final class WireFuzz {
    private static final String[] CAPTURED = {
        "kernel/link-br0.hex", "kernel/link-veth0.hex", "kernel/link-veth1.hex", "kernel/link-dump.hex",
        "kernel/link-dump-done.hex", "kernel/addr-dump.hex", "kernel/addr6-mapped.hex", "kernel/route-dump.hex",
        "kernel/route6-mapped.hex", "kernel/error-eexist.hex", "kernel/error-extack-unknown-device-type.hex",
        "kernel/error-extack-mtu.hex", "kernel/error-extack-mtu-capped.hex", "kernel/ack-capped.hex",
        "kernel/error-eopnotsupp.hex", "kernel/bridge-ports-dump.hex", "kernel/monitor-dellink.hex",
        "handmade/bridge-vlan-dump.hex", "iproute2/create-bridge.hex", "iproute2/create-veth.hex",
        "iproute2/create-vlan-8021q.hex", "iproute2/create-vlan-8021ad.hex", "iproute2/create-bond.hex",
        "iproute2/setlink-up-mtu-master.hex", "iproute2/bridge-vlan-add-range.hex",
        "iproute2/bridge-vlan-add-pvid-untagged.hex",
    };
    private static final String NAME_CHARS = "abcdefghijklmnopqrstuvwxyz0123456789-_.";
    private static final String[] KINDS = {"bridge", "vlan", "veth", "bond", "macvlan", "dummy", "vxlan"};

    private WireFuzz() {}

    /** Every golden datagram (little-endian captures: callers assume a little-endian host). */
    public static List<byte[]> captured() {
        List<byte[]> out = new ArrayList<>();
        for (String path : CAPTURED) {
            out.add(GoldenBytes.load(path));
        }
        return out;
    }

    public static ByteBuffer wrap(byte[] bytes) {
        return ByteBuffer.wrap(bytes).order(ByteOrder.nativeOrder());
    }

    /** One to three well-formed messages in one datagram. */
    public static byte[] randomDatagram(Random r) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int n = 1 + r.nextInt(3);
        for (int i = 0; i < n; i++) {
            byte[] m = randomMessage(r);
            out.write(m, 0, m.length);
            out.write(new byte[Nl.align(m.length) - m.length], 0, Nl.align(m.length) - m.length);
        }
        return out.toByteArray();
    }

    public static byte[] randomMessage(Random r) {
        MessageBuilder m = switch (r.nextInt(9)) {
            case 0 -> LinkCodec.create(randomSpec(r));
            case 1 -> LinkCodec.change(1 + r.nextInt(100), randomChange(r));
            case 2, 3 -> kernelLink(r);
            case 4 -> bridgePort(r);
            case 5 -> address(r);
            case 6 -> route(r);
            case 7 -> error(r);
            default -> new MessageBuilder(Nl.NLMSG_DONE, Nl.F_MULTI).struct(intBytes(-r.nextInt(3)));
        };
        return bytes(m.finish(r.nextInt()));
    }

    /** An NLMSG_ERROR (plain, extended, capped or not) or an NLMSG_DONE. */
    public static byte[] randomAck(Random r) {
        MessageBuilder m = r.nextInt(4) == 0
                ? new MessageBuilder(Nl.NLMSG_DONE, Nl.F_MULTI | (r.nextBoolean() ? Nl.F_ACK_TLVS : 0))
                        .struct(intBytes(-r.nextInt(3))).string(Nl.NLMSGERR_ATTR_MSG, name(r))
                : error(r);
        return bytes(m.finish(r.nextInt()));
    }

    static LinkSpec randomSpec(Random r) {
        String name = name(r);
        LinkSpec s = switch (r.nextInt(6)) {
            case 0 -> LinkSpec.bridge(name, r.nextBoolean(), r.nextBoolean() ? 0 : vid(r));
            case 1 -> LinkSpec.veth(name, name(r));
            case 2 -> LinkSpec.vlan(name, 1 + r.nextInt(1000), vid(r), VlanProtocol.values()[r.nextInt(2)]);
            case 3 -> LinkSpec.bond(name, BondMode.values()[r.nextInt(BondMode.values().length)], r.nextInt(1000));
            case 4 -> LinkSpec.macvlan(name, 1 + r.nextInt(1000), MacvlanMode.values()[r.nextInt(MacvlanMode.values().length)]);
            default -> LinkSpec.dummy(name);
        };
        if (r.nextBoolean()) {
            s.mtu(68 + r.nextInt(65535 - 68 + 1));
        }
        if (r.nextBoolean()) {
            s.mac(new MacAddress(r.nextLong() & 0xffff_ffff_ffffL));
        }
        if (r.nextInt(4) == 0) {
            s.txQueueLength(r.nextInt(10000));
        }
        if (r.nextInt(4) == 0) {
            s.master(1 + r.nextInt(100));
        }
        if (r.nextBoolean()) {
            s.up();
        }
        if (s.kind() instanceof LinkKind.Veth && r.nextBoolean()) {
            s.peerMac(new MacAddress(r.nextLong() & 0xffff_ffff_ffffL));
        }
        return s;
    }

    static LinkChange randomChange(Random r) {
        LinkChange c = LinkChange.create();
        if (r.nextBoolean()) {
            c = r.nextBoolean() ? c.up() : c.down();
        }
        if (r.nextBoolean()) {
            c.mtu(68 + r.nextInt(9000));
        }
        if (r.nextBoolean()) {
            c = r.nextBoolean() ? c.master(1 + r.nextInt(50)) : c.noMaster();
        }
        if (r.nextBoolean()) {
            c.name(name(r));
        }
        if (r.nextBoolean()) {
            c.mac(new MacAddress(r.nextLong() & 0xffff_ffff_ffffL));
        }
        if (r.nextBoolean()) {
            c.promiscuous(r.nextBoolean());
        }
        return c;
    }

    /** An RTM_NEWLINK/DELLINK as the kernel reports links: common attributes, kind data, bridge-port data. */
    private static MessageBuilder kernelLink(Random r) {
        MessageBuilder m = new MessageBuilder(r.nextBoolean() ? Rtnl.RTM_NEWLINK : Rtnl.RTM_DELLINK, Nl.F_MULTI)
                .struct(new IfInfoMsg(Native.AF_UNSPEC, 1, 1 + r.nextInt(100), r.nextInt(), 0).encode())
                .string(Ifla.IFNAME, name(r))
                .u32(Ifla.MTU, r.nextInt(70000))
                .u32(Ifla.MIN_MTU, 68).u32(Ifla.MAX_MTU, 65535)
                .u32(Ifla.TXQLEN, 1000)
                .u8(Ifla.OPERSTATE, r.nextInt(8))
                .u32(Ifla.PROMISCUITY, r.nextInt(3));
        if (r.nextBoolean()) {
            m.bytes(Ifla.ADDRESS, randomBytes(r, r.nextInt(4) == 0 ? 4 : 6));
        }
        if (r.nextBoolean()) {
            m.u32(Ifla.MASTER, 1 + r.nextInt(100));
        }
        if (r.nextBoolean()) {
            m.u32(Ifla.LINK, 1 + r.nextInt(100));
        }
        if (r.nextInt(4) == 0) {
            m.u32(Ifla.LINK_NETNSID, r.nextInt(5));
        }
        int info = m.beginNested(Ifla.LINKINFO | Nl.NLA_F_NESTED);
        String kind = KINDS[r.nextInt(KINDS.length)];
        m.string(Info.KIND, kind);
        int data = m.beginNested(Info.DATA | Nl.NLA_F_NESTED);
        switch (kind) {
            case "bridge" -> m.u8(Rtnl.Br.VLAN_FILTERING, r.nextInt(2)).u16(Rtnl.Br.VLAN_DEFAULT_PVID, r.nextInt(4095))
                    .u8(Rtnl.Br.STP_STATE, r.nextInt(2));
            case "vlan" -> m.u16(Rtnl.Vlan.ID, vid(r))
                    .u16be(Rtnl.Vlan.PROTOCOL, r.nextBoolean() ? Rtnl.ETH_P_8021Q : Rtnl.ETH_P_8021AD);
            case "bond" -> m.u8(Rtnl.Bond.MODE, r.nextInt(7)).u32(Rtnl.Bond.MIIMON, r.nextInt(1000));
            case "macvlan" -> m.u32(Rtnl.Macvlan.MODE, 1 << r.nextInt(5));
            default -> { }
        }
        m.endNested(data);
        if (r.nextBoolean()) {
            m.string(Info.SLAVE_KIND, r.nextBoolean() ? "bridge" : "bond");
            int slave = m.beginNested(Info.SLAVE_DATA | Nl.NLA_F_NESTED);
            m.u8(Rtnl.BrPort.STATE, r.nextInt(5)).u8(Rtnl.BrPort.LEARNING, r.nextInt(2)).u8(Rtnl.BrPort.ISOLATED, r.nextInt(2));
            m.endNested(slave);
        }
        return m.endNested(info);
    }

    /** An AF_BRIDGE RTM_NEWLINK with compressed VLAN entries, as for RTEXT_FILTER_BRVLAN_COMPRESSED. */
    private static MessageBuilder bridgePort(Random r) {
        MessageBuilder m = new MessageBuilder(r.nextBoolean() ? Rtnl.RTM_NEWLINK : Rtnl.RTM_DELLINK, Nl.F_MULTI)
                .struct(new IfInfoMsg(Native.AF_BRIDGE, 1, 1 + r.nextInt(100), r.nextInt(), 0).encode())
                .string(Ifla.IFNAME, name(r))
                .u32(Ifla.MASTER, 1 + r.nextInt(100));
        int spec = m.beginNested(Ifla.AF_SPEC);
        int vid = 1;
        while (vid < 4094 && r.nextInt(6) != 0) {
            int first = vid + r.nextInt(Math.min(200, 4094 - vid) + 1);
            int last = Math.min(4094, first + (r.nextBoolean() ? 0 : r.nextInt(300)));
            int flags = (r.nextBoolean() ? BridgeSpec.VLAN_INFO_UNTAGGED : 0)
                    | (r.nextInt(8) == 0 ? BridgeSpec.VLAN_INFO_BRENTRY : 0);
            if (first == last) {
                flags |= r.nextInt(4) == 0 ? BridgeSpec.VLAN_INFO_PVID : 0;
                m.bytes(BridgeSpec.VLAN_INFO, vlanInfo(flags, first));
            } else {
                m.bytes(BridgeSpec.VLAN_INFO, vlanInfo(flags | BridgeSpec.VLAN_INFO_RANGE_BEGIN, first));
                m.bytes(BridgeSpec.VLAN_INFO, vlanInfo(flags | BridgeSpec.VLAN_INFO_RANGE_END, last));
            }
            vid = last + 2;
        }
        return m.endNested(spec);
    }

    private static MessageBuilder address(Random r) {
        boolean v6 = r.nextBoolean();
        MessageBuilder m = new MessageBuilder(Rtnl.RTM_NEWADDR, Nl.F_MULTI)
                .struct(new IfAddrMsg(v6 ? Native.AF_INET6 : Native.AF_INET, r.nextInt(v6 ? 129 : 33), r.nextInt(256),
                        r.nextInt(256), 1 + r.nextInt(100)).encode());
        byte[] a = randomBytes(r, v6 ? 16 : 4);
        if (v6 && r.nextInt(4) == 0) {
            a = new byte[16]; // ::ffff:a.b.c.d, which the kernel accepts too
            a[10] = (byte) 0xff;
            a[11] = (byte) 0xff;
            a[12] = 10;
        }
        m.bytes(Ifa.ADDRESS, a);
        if (r.nextBoolean()) {
            m.bytes(Ifa.LOCAL, a);
        }
        if (r.nextBoolean()) {
            m.string(Ifa.LABEL, name(r));
        }
        if (r.nextBoolean()) {
            m.u32(Ifa.FLAGS, r.nextInt(0x1000));
        }
        return m.bytes(6, randomBytes(r, 16)); // IFA_CACHEINFO
    }

    private static MessageBuilder route(Random r) {
        boolean v6 = r.nextBoolean();
        int dstLength = r.nextInt(v6 ? 129 : 33);
        MessageBuilder m = new MessageBuilder(Rtnl.RTM_NEWROUTE, Nl.F_MULTI)
                .struct(new RtMsg(v6 ? Native.AF_INET6 : Native.AF_INET, dstLength, 0, 0, Rta.TABLE_MAIN, r.nextInt(5),
                        r.nextBoolean() ? 0 : Rta.SCOPE_LINK, Rta.TYPE_UNICAST, 0).encode())
                .u32(Rta.TABLE, r.nextBoolean() ? Rta.TABLE_MAIN : 1000 + r.nextInt(100));
        if (dstLength > 0) {
            m.bytes(Rta.DST, randomBytes(r, v6 ? 16 : 4));
        }
        if (r.nextBoolean()) {
            m.bytes(Rta.GATEWAY, randomBytes(r, v6 ? 16 : 4));
        }
        return m.u32(Rta.OIF, 1 + r.nextInt(100)).u32(Rta.PRIORITY, r.nextInt(2000));
    }

    /** NLMSG_ERROR: code, echoed request (whole, or capped to its header), optional extended-ack attributes. */
    private static MessageBuilder error(Random r) {
        boolean capped = r.nextBoolean();
        boolean tlvs = r.nextBoolean();
        byte[] request = bytes(LinkCodec.create(randomSpec(r)).finish(r.nextInt()));
        MessageBuilder m = new MessageBuilder(Nl.NLMSG_ERROR, (capped ? Nl.F_CAPPED : 0) | (tlvs ? Nl.F_ACK_TLVS : 0))
                .struct(intBytes(-r.nextInt(134)))
                .struct(capped ? Arrays.copyOf(request, Nl.HEADER_LENGTH) : Arrays.copyOf(request, Nl.align(request.length)));
        if (tlvs) {
            m.string(Nl.NLMSGERR_ATTR_MSG, "kernel says " + name(r));
            if (r.nextBoolean()) {
                m.u32(Nl.NLMSGERR_ATTR_OFFS, r.nextInt(request.length));
            }
        }
        return m;
    }

    // --- small pieces -----------------------------------------------------------------------------------------

    static String name(Random r) {
        StringBuilder s = new StringBuilder();
        int n = 1 + r.nextInt(15);
        for (int i = 0; i < n; i++) {
            s.append(NAME_CHARS.charAt(r.nextInt(26 + (i == 0 ? 0 : NAME_CHARS.length() - 26))));
        }
        return s.toString();
    }

    static int vid(Random r) {
        return 1 + r.nextInt(4094);
    }

    static byte[] randomBytes(Random r, int n) {
        byte[] b = new byte[n];
        r.nextBytes(b);
        return b;
    }

    static byte[] vlanInfo(int flags, int vid) {
        return new io.vmnetd.netlink.nl.Structs.BridgeVlanInfo(flags, vid).encode();
    }

    public static byte[] intBytes(int value) {
        return ByteBuffer.allocate(4).order(ByteOrder.nativeOrder()).putInt(value).array();
    }

    public static byte[] bytes(ByteBuffer buffer) {
        return GoldenBytes.bytesOf(buffer);
    }
}
