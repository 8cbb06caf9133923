package io.vmnetd.netlink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.vmnetd.netlink.nl.Message;
import io.vmnetd.netlink.nl.MessageBuilder;
import io.vmnetd.netlink.nl.NetlinkParseException;
import io.vmnetd.netlink.nl.Rtnl;
import io.vmnetd.netlink.nl.Rtnl.BridgeSpec;
import io.vmnetd.netlink.nl.Rtnl.Ifla;
import io.vmnetd.netlink.nl.Structs.BridgeVlanInfo;
import io.vmnetd.netlink.nl.Structs.IfInfoMsg;
import io.vmnetd.netlink.sys.Native;
import java.util.List;
import java.util.OptionalInt;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * BridgeVlans.decodePort on AF_BRIDGE RTM_NEWLINK: a hand-written VLAN dump (the capture kernel had no VLAN
 * filtering; golden/handmade, written from linux/if_bridge.h) and the kernel's real, VLAN-less port messages.
 */
class BridgeVlansDecodeTest {

    @BeforeAll
    static void littleEndianHost() {
        assumeTrue(GoldenBytes.hostIsLittleEndian(), "golden data is in little-endian host order");
    }

    @Test
    void portVlansFromRangeBeginEndPairsAndSingles() {
        List<Message> dump = Message.parseAll(GoldenBytes.datagram("handmade/bridge-vlan-dump.hex"));
        assertThat(dump).hasSize(2);
        PortVlans veth0 = BridgeVlans.decodePort(dump.get(0));
        assertThat(veth0.index()).isEqualTo(4);
        assertThat(veth0.name()).isEqualTo("veth0");
        assertThat(veth0.masterIndex()).isEqualTo(2);
        assertThat(veth0.vlans()).containsExactly(
                new BridgeVlan(VidRange.of(1), true, true),
                new BridgeVlan(VidRange.of(10, 20), false, false),
                new BridgeVlan(VidRange.of(30), false, true),
                new BridgeVlan(VidRange.of(100, 200), false, true));
        assertThat(veth0.pvid()).isEqualTo(OptionalInt.of(1));
        assertThat(veth0.vids()).isEqualTo(VidSet.parse("1,10-20,30,100-200"));
        assertThat(veth0.untagged()).isEqualTo(VidSet.parse("1,30,100-200"));
    }

    @Test
    void bridgeDeviceEntryIgnoresTheBrentryFlag() {
        PortVlans br0 = BridgeVlans.decodePort(Message.parseAll(GoldenBytes.datagram("handmade/bridge-vlan-dump.hex")).get(1));
        assertThat(br0.index()).isEqualTo(2);
        assertThat(br0.name()).isEqualTo("br0");
        assertThat(br0.masterIndex()).isZero(); // the kernel names the bridge as its own master; decodePort does not
        assertThat(br0.vlans()).containsExactly(BridgeVlan.access(1));
    }

    @Test
    void kernelPortsWithoutVlanFilteringHaveNoVlans() {
        List<PortVlans> ports = Message.parseAll(GoldenBytes.datagram("kernel/bridge-ports-dump.hex")).stream()
                .map(BridgeVlans::decodePort).toList();
        assertThat(ports).containsExactly(
                new PortVlans(2, "br0", 0, List.of()),
                new PortVlans(3, "veth1", 2, List.of()),
                new PortVlans(4, "veth0", 2, List.of()));
        assertThat(ports.get(2).pvid()).isEmpty();
        assertThat(ports.get(2).vids().isEmpty()).isTrue();
    }

    @Test
    void aPortWithoutAnIfnameIsNamedByItsIndex() {
        MessageBuilder m = new MessageBuilder(Rtnl.RTM_NEWLINK, 0).struct(new IfInfoMsg(Native.AF_BRIDGE, 1, 12, 0, 0).encode());
        PortVlans p = BridgeVlans.decodePort(Message.parseAll(m.finish(1)).get(0));
        assertThat(p).isEqualTo(new PortVlans(12, "#12", 0, List.of()));
    }

    @Test
    void rangeEndWithoutABeginIsASingleVid() {
        PortVlans p = decode(info(BridgeSpec.VLAN_INFO_RANGE_END, 42));
        assertThat(p.vlans()).containsExactly(BridgeVlan.tagged(42));
    }

    @Test
    void vidsOutsideOneTo4094AreAParseErrorNotAnInvalidArgument() {
        assertThatThrownBy(() -> decode(info(0, 0))).isInstanceOf(NetlinkParseException.class);
        assertThatThrownBy(() -> decode(info(0, 4095))).isInstanceOf(NetlinkParseException.class);
        assertThatThrownBy(() -> decode(info(BridgeSpec.VLAN_INFO_RANGE_BEGIN, 4000), info(BridgeSpec.VLAN_INFO_RANGE_END, 5000)))
                .isInstanceOf(NetlinkParseException.class);
    }

    @Test
    void aPvidFlagOnARangeIsAParseError() {
        int pvid = BridgeSpec.VLAN_INFO_PVID;
        assertThatThrownBy(() -> decode(info(pvid | BridgeSpec.VLAN_INFO_RANGE_BEGIN, 5),
                                        info(pvid | BridgeSpec.VLAN_INFO_RANGE_END, 9)))
                .isInstanceOf(NetlinkParseException.class);
    }

    @Test
    void aShortVlanInfoIsAParseError() {
        MessageBuilder m = new MessageBuilder(Rtnl.RTM_NEWLINK, 0).struct(new IfInfoMsg(Native.AF_BRIDGE, 1, 4, 0, 0).encode());
        int spec = m.beginNested(Ifla.AF_SPEC);
        m.bytes(BridgeSpec.VLAN_INFO, new byte[] {0, 0, 5});
        m.endNested(spec);
        assertThatThrownBy(() -> BridgeVlans.decodePort(Message.parseAll(m.finish(1)).get(0)))
                .isInstanceOf(NetlinkParseException.class).hasMessageContaining("bridge_vlan_info");
    }

    private static byte[] info(int flags, int vid) {
        return new BridgeVlanInfo(flags, vid).encode();
    }

    private static PortVlans decode(byte[]... infos) {
        MessageBuilder m = new MessageBuilder(Rtnl.RTM_NEWLINK, 0)
                .struct(new IfInfoMsg(Native.AF_BRIDGE, 1, 4, 0, 0).encode())
                .string(Ifla.IFNAME, "p0");
        int spec = m.beginNested(Ifla.AF_SPEC);
        for (byte[] i : infos) {
            m.bytes(BridgeSpec.VLAN_INFO, i);
        }
        m.endNested(spec);
        return BridgeVlans.decodePort(Message.parseAll(m.finish(1)).get(0));
    }
}
