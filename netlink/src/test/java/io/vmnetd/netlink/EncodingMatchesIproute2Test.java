package io.vmnetd.netlink;

import static io.vmnetd.netlink.GoldenBytes.bytesOf;
import static io.vmnetd.netlink.GoldenBytes.toHex;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.vmnetd.netlink.nl.MessageBuilder;
import io.vmnetd.netlink.nl.Nl;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Our link requests against the ones iproute2 sent for the same command (golden/iproute2, captured with strace).
 * iproute2 orders attributes differently and sends IFLA_INFO_KIND without its NUL, so link requests are compared as
 * trees: attributes sorted by type at every level, strings up to their NUL, everything else byte for byte. The
 * nested layout is read by this class's own small parser, not the library's.
 */
class EncodingMatchesIproute2Test {
    private static final Shape LINK = new Shape(Set.of("18", "18/2"), Map.of(), Set.of("3", "18/1"));
    private static final Shape VETH = new Shape(Set.of("18", "18/2", "18/2/1"), Map.of("18/2/1", 16),
            Set.of("3", "18/1", "18/2/1/3"));

    @BeforeAll
    static void littleEndianHost() {
        assumeTrue(GoldenBytes.hostIsLittleEndian(), "captures are in little-endian host order");
    }

    @Test
    void bridgeCreateMatchesIpLinkAddTypeBridgeVlanFiltering() {
        // ip link add brv type bridge vlan_filtering 1 vlan_default_pvid 1
        assertSameRequest(LinkCodec.create(LinkSpec.bridge("brv", true, 1)), "create-bridge.hex", LINK);
    }

    @Test
    void vethCreateMatchesIpLinkAddTypeVethPeerWithMtu() {
        // ip link add va mtu 9000 type veth peer name vb mtu 9000
        assertSameRequest(LinkCodec.create(LinkSpec.veth("va", "vb").mtu(9000)), "create-veth.hex", VETH);
    }

    @Test
    void vlan8021qCreateMatchesIpLinkAddTypeVlan() {
        // ip link add veth1.100 link veth1 type vlan protocol 802.1Q id 100 (veth1 had index 3)
        assertSameRequest(LinkCodec.create(LinkSpec.vlan("veth1.100", 3, 100, VlanProtocol.IEEE_802_1Q)),
                "create-vlan-8021q.hex", LINK);
    }

    @Test
    void vlan8021adCreateMatchesIpLinkAddTypeVlanProtocol8021ad() {
        assertSameRequest(LinkCodec.create(LinkSpec.vlan("veth1.200", 3, 200, VlanProtocol.IEEE_802_1AD)),
                "create-vlan-8021ad.hex", LINK);
    }

    @Test
    void bondCreateMatchesIpLinkAddTypeBond() {
        // ip link add bond0 type bond mode active-backup miimon 100
        assertSameRequest(LinkCodec.create(LinkSpec.bond("bond0", BondMode.ACTIVE_BACKUP, 100)), "create-bond.hex", LINK);
    }

    @Test
    void changeCarriesWhatIpLinkSetUpMtuMasterCarries() {
        // ip link set dev veth1 up mtu 1400 master br0: iproute2 says RTM_NEWLINK without CREATE, we say RTM_SETLINK;
        // the kernel treats both as a change of an existing link, so only the payload is compared.
        byte[] ours = bytesOf(LinkCodec.change(3, LinkChange.create().up().mtu(1400).master(2)).finish(1));
        byte[] theirs = GoldenBytes.load("iproute2/setlink-up-mtu-master.hex");
        assertThat(render(ours, LINK)).isEqualTo(render(theirs, LINK))
                .isEqualTo("ifinfomsg=00000000030000000100000001000000 {10=02000000, 4=78050000}");
    }

    @Test
    void theKindAttributeDiffersFromIproute2OnlyByItsNulTerminator() {
        // Documents why the comparison above is a tree: the kernel's NLA_STRING policy accepts both forms.
        byte[] ours = bytesOf(LinkCodec.create(LinkSpec.bond("bond0", BondMode.ACTIVE_BACKUP, 100)).finish(1));
        byte[] theirs = GoldenBytes.load("iproute2/create-bond.hex");
        assertThat(toHex(ours)).contains("0900010062" + "6f6e6400"); // len 9: "bond\0"
        assertThat(toHex(theirs)).contains("08000100" + "626f6e64"); // len 8: "bond"
    }

    // --- the canonical tree -----------------------------------------------------------------------------------

    /** Which attribute paths ("18/2") hold nested attributes, which open with a struct, which are strings. */
    private record Shape(Set<String> nested, Map<String, Integer> structBefore, Set<String> strings) {}

    private static void assertSameRequest(MessageBuilder ours, String capture, Shape shape) {
        ours.addFlags(Nl.F_REQUEST | Nl.F_ACK); // what Connection.execute adds
        byte[] mine = bytesOf(ours.finish(1));
        byte[] theirs = GoldenBytes.load("iproute2/" + capture);
        ByteBuffer a = ByteBuffer.wrap(mine).order(ByteOrder.LITTLE_ENDIAN);
        ByteBuffer b = ByteBuffer.wrap(theirs).order(ByteOrder.LITTLE_ENDIAN);
        assertThat(a.getShort(4)).as("nlmsg_type").isEqualTo(b.getShort(4));
        assertThat(a.getShort(6)).as("nlmsg_flags").isEqualTo(b.getShort(6));
        assertThat(render(mine, shape)).isEqualTo(render(theirs, shape));
    }

    /** "ifinfomsg=<hex> {type=value, ...}" with attributes sorted at every level. */
    static String render(byte[] message, Shape shape) {
        ByteBuffer b = ByteBuffer.wrap(message).order(ByteOrder.LITTLE_ENDIAN);
        int length = b.getInt(0);
        assertThat(length).as("nlmsg_len").isEqualTo(message.length);
        return "ifinfomsg=" + hex(b, 16, 16) + " " + attributes(b, 32, length, "", shape);
    }

    private static String attributes(ByteBuffer b, int from, int to, String path, Shape shape) {
        List<String> parts = new ArrayList<>();
        int offset = from;
        while (offset < to) {
            assertThat(to - offset).as("room for an attribute header at " + offset).isGreaterThanOrEqualTo(4);
            int length = b.getShort(offset) & 0xffff;
            int type = b.getShort(offset + 2) & 0x3fff;
            assertThat(length).as("nla_len at " + offset).isBetween(4, to - offset);
            String p = path.isEmpty() ? String.valueOf(type) : path + "/" + type;
            String value;
            if (shape.nested().contains(p)) {
                int struct = shape.structBefore().getOrDefault(p, 0);
                value = (struct > 0 ? "struct=" + hex(b, offset + 4, struct) + " " : "")
                        + attributes(b, offset + 4 + struct, offset + length, p, shape);
            } else if (shape.strings().contains(p)) {
                String s = new String(b.array(), offset + 4, length - 4, java.nio.charset.StandardCharsets.UTF_8);
                value = '"' + s.replaceAll("\0+$", "") + '"';
            } else {
                value = hex(b, offset + 4, length - 4);
            }
            parts.add(type + "=" + value);
            offset += (length + 3) & ~3;
        }
        Collections.sort(parts);
        return "{" + String.join(", ", parts) + "}";
    }

    private static String hex(ByteBuffer b, int offset, int length) {
        return HexFormat.of().formatHex(b.array(), offset, offset + length);
    }
}
