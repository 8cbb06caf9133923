package io.vmnetd.netlink;

import static io.vmnetd.netlink.GoldenBytes.bytesOf;
import static io.vmnetd.netlink.GoldenBytes.hex;
import static io.vmnetd.netlink.GoldenBytes.toHex;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.vmnetd.netlink.nl.MessageBuilder;
import io.vmnetd.netlink.nl.Nl;
import io.vmnetd.netlink.nl.Rtnl;
import io.vmnetd.netlink.nl.Rtnl.BridgeSpec;
import io.vmnetd.netlink.nl.Rtnl.Ifla;
import java.lang.reflect.Method;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The bridge VLAN add/delete message. {@link BridgeVlans#add} sends it straight away, so these tests drive its two
 * private building blocks (message header and per-range encoding) by reflection, assembled the way add() and
 * delete() assemble them, and compare with the bytes `bridge vlan add` (iproute2) sent, and with hand-written hex.
 */
class BridgeVlansEncodeGoldenTest {
    private static Method message;
    private static Method encode;

    @BeforeAll
    static void privateBuilders() throws ReflectiveOperationException {
        assumeTrue(GoldenBytes.hostIsLittleEndian(), "expectations are in little-endian host order");
        message = BridgeVlans.class.getDeclaredMethod("message", int.class, int.class, boolean.class);
        message.setAccessible(true);
        encode = BridgeVlans.class.getDeclaredMethod("encode", MessageBuilder.class, int.class, VidRange.class);
        encode.setAccessible(true);
    }

    /** add()/delete()'s body: header, IFLA_AF_SPEC, [FLAGS_SELF,] one or two VLAN_INFO per range. */
    private static MessageBuilder request(int type, int index, boolean self, int flags, VidRange... ranges)
            throws ReflectiveOperationException {
        MessageBuilder m = (MessageBuilder) message.invoke(null, type, index, self);
        int spec = m.beginNested(Ifla.AF_SPEC);
        if (self) {
            m.u16(BridgeSpec.FLAGS, BridgeSpec.FLAGS_SELF);
        }
        for (VidRange r : ranges) {
            encode.invoke(null, m, flags, r);
        }
        return m.endNested(spec);
    }

    @Test
    void rangeTravelsAsRangeBeginRangeEndExactlyLikeBridgeVlanAdd() throws Exception {
        // bridge vlan add dev veth0 vid 10-20 (veth0 had index 4), sequence 0x6b0abd9a
        MessageBuilder m = request(Rtnl.RTM_SETLINK, 4, false, 0, VidRange.of(10, 20)).addFlags(Nl.F_REQUEST | Nl.F_ACK);
        assertThat(toHex(bytesOf(m.finish(0x6b0abd9a))))
                .isEqualTo(toHex(GoldenBytes.load("iproute2/bridge-vlan-add-range.hex")));
    }

    @Test
    void pvidUntaggedSingleVidExactlyLikeBridgeVlanAdd() throws Exception {
        // bridge vlan add dev veth0 vid 30 pvid untagged, sequence 0x6b0abd9b
        MessageBuilder m = request(Rtnl.RTM_SETLINK, 4, false, BridgeSpec.VLAN_INFO_PVID | BridgeSpec.VLAN_INFO_UNTAGGED,
                VidRange.of(30)).addFlags(Nl.F_REQUEST | Nl.F_ACK);
        assertThat(toHex(bytesOf(m.finish(0x6b0abd9b))))
                .isEqualTo(toHex(GoldenBytes.load("iproute2/bridge-vlan-add-pvid-untagged.hex")));
    }

    @Test
    void wholeVidSpaceIsTwoAttributesNotFourThousandMessages() throws Exception {
        MessageBuilder m = request(Rtnl.RTM_SETLINK, 9, false, BridgeSpec.VLAN_INFO_UNTAGGED, VidRange.of(1, 4094));
        assertThat(toHex(bytesOf(m.finish(0x01020304)))).isEqualTo(toHex(hex("""
                34000000 1300 0000  # nlmsghdr: nlmsg_len 52, RTM_SETLINK (19), flags 0 (Connection adds REQUEST|ACK)
                04030201 00000000   #   nlmsg_seq 0x01020304, nlmsg_pid 0
                07 00 0000          # ifinfomsg: ifi_family AF_BRIDGE (7), pad, ifi_type 0
                09000000            #   ifi_index 9
                00000000 00000000   #   ifi_flags, ifi_change
                1400 1a00           # IFLA_AF_SPEC (26) len 20
                  0800 0200 0c00 0100  #   IFLA_BRIDGE_VLAN_INFO (2): flags UNTAGGED|RANGE_BEGIN (0x0c), vid 1
                  0800 0200 1400 fe0f  #   IFLA_BRIDGE_VLAN_INFO (2): flags UNTAGGED|RANGE_END (0x14), vid 4094
                """)));
    }

    @Test
    void selfOnTheBridgeDeviceAddsBridgeFlagsSelfBeforeTheVlans() throws Exception {
        MessageBuilder m = request(Rtnl.RTM_SETLINK, 2, true, 0, VidRange.of(5), VidRange.of(7, 8));
        assertThat(toHex(bytesOf(m.finish(0x01020304)))).isEqualTo(toHex(hex("""
                44000000 1300 0000 04030201 00000000  # nlmsghdr: len 68, RTM_SETLINK
                07 00 0000 02000000 00000000 00000000 # ifinfomsg: AF_BRIDGE, index 2
                2400 1a00                             # IFLA_AF_SPEC len 36
                  0600 0000 0200 0000                 #   IFLA_BRIDGE_FLAGS (0) len 6: u16 BRIDGE_FLAGS_SELF (2) + pad
                  0800 0200 0000 0500                 #   VLAN_INFO flags 0, vid 5 (a single VID: no range flags)
                  0800 0200 0800 0700                 #   VLAN_INFO RANGE_BEGIN, vid 7
                  0800 0200 1000 0800                 #   VLAN_INFO RANGE_END, vid 8
                """)));
    }

    @Test
    void deleteUsesDellinkWithTheSameRangeEncoding() throws Exception {
        MessageBuilder m = request(Rtnl.RTM_DELLINK, 4, false, 0, VidRange.of(100, 199));
        assertThat(toHex(bytesOf(m.finish(0x01020304)))).isEqualTo(toHex(hex("""
                34000000 1100 0000 04030201 00000000  # nlmsghdr: len 52, RTM_DELLINK (17)
                07 00 0000 04000000 00000000 00000000 # ifinfomsg: AF_BRIDGE, index 4
                1400 1a00                             # IFLA_AF_SPEC len 20
                  0800 0200 0800 6400                 #   VLAN_INFO RANGE_BEGIN, vid 100
                  0800 0200 1000 c700                 #   VLAN_INFO RANGE_END, vid 199
                """)));
    }
}
