package io.vmnetd.netlink.nl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vmnetd.netlink.nl.Structs.BrVlanMsg;
import io.vmnetd.netlink.nl.Structs.BridgeVlanInfo;
import io.vmnetd.netlink.nl.Structs.IfAddrMsg;
import io.vmnetd.netlink.nl.Structs.IfInfoMsg;
import io.vmnetd.netlink.nl.Structs.RtMsg;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.function.Function;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

/**
 * The five fixed structs: encode has the C struct's size and decode(encode(x)) == x for every field value the C
 * type can hold; decode reads a struct at the start of a longer payload and refuses a shorter one.
 */
class StructsRoundTripPropertyTest {

    @Property(tries = 200)
    void ifinfomsgRoundTrips(@ForAll @IntRange(max = 255) int family, @ForAll @IntRange(max = 0xffff) int deviceType,
                             @ForAll int index, @ForAll int flags, @ForAll int change) {
        IfInfoMsg s = new IfInfoMsg(family, deviceType, index, flags, change);
        byte[] wire = s.encode();
        assertThat(wire).hasSize(IfInfoMsg.LENGTH).hasSize(16);
        assertThat(wire[1]).as("__ifi_pad").isZero();
        assertThat(IfInfoMsg.decode(buffer(wire))).isEqualTo(s);
        assertThat(IfInfoMsg.decode(buffer(withTail(wire)))).isEqualTo(s);
        assertRefusesShort(wire, IfInfoMsg::decode);
    }

    @Property(tries = 200)
    void ifaddrmsgRoundTrips(@ForAll @IntRange(max = 255) int family, @ForAll @IntRange(max = 255) int prefixLength,
                             @ForAll @IntRange(max = 255) int flags, @ForAll @IntRange(max = 255) int scope,
                             @ForAll int index) {
        IfAddrMsg s = new IfAddrMsg(family, prefixLength, flags, scope, index);
        byte[] wire = s.encode();
        assertThat(wire).hasSize(IfAddrMsg.LENGTH).hasSize(8);
        assertThat(IfAddrMsg.decode(buffer(wire))).isEqualTo(s);
        assertThat(IfAddrMsg.decode(buffer(withTail(wire)))).isEqualTo(s);
        assertRefusesShort(wire, IfAddrMsg::decode);
    }

    @Property(tries = 200)
    void rtmsgRoundTrips(@ForAll @IntRange(max = 255) int family, @ForAll @IntRange(max = 255) int dstLength,
                         @ForAll @IntRange(max = 255) int srcLength, @ForAll @IntRange(max = 255) int tos,
                         @ForAll @IntRange(max = 255) int table, @ForAll @IntRange(max = 255) int protocol,
                         @ForAll @IntRange(max = 255) int scope, @ForAll @IntRange(max = 255) int type,
                         @ForAll int flags) {
        RtMsg s = new RtMsg(family, dstLength, srcLength, tos, table, protocol, scope, type, flags);
        byte[] wire = s.encode();
        assertThat(wire).hasSize(RtMsg.LENGTH).hasSize(12);
        assertThat(RtMsg.decode(buffer(wire))).isEqualTo(s);
        assertThat(RtMsg.decode(buffer(withTail(wire)))).isEqualTo(s);
        assertRefusesShort(wire, RtMsg::decode);
    }

    @Property(tries = 200)
    void brVlanMsgRoundTrips(@ForAll @IntRange(max = 255) int family, @ForAll int index) {
        BrVlanMsg s = new BrVlanMsg(family, index);
        byte[] wire = s.encode();
        assertThat(wire).hasSize(BrVlanMsg.LENGTH).hasSize(8);
        assertThat(Arrays.copyOfRange(wire, 1, 4)).as("reserved bytes").containsOnly(0);
        assertThat(BrVlanMsg.decode(buffer(wire))).isEqualTo(s);
        assertThat(BrVlanMsg.decode(buffer(withTail(wire)))).isEqualTo(s);
        assertRefusesShort(wire, BrVlanMsg::decode);
    }

    @Property(tries = 200)
    void bridgeVlanInfoRoundTrips(@ForAll @IntRange(max = 0xffff) int flags, @ForAll @IntRange(max = 0xffff) int vid) {
        BridgeVlanInfo s = new BridgeVlanInfo(flags, vid);
        byte[] wire = s.encode();
        assertThat(wire).hasSize(BridgeVlanInfo.LENGTH).hasSize(4);
        assertThat(BridgeVlanInfo.decode(buffer(wire))).isEqualTo(s);
        assertThat(BridgeVlanInfo.decode(buffer(withTail(wire)))).isEqualTo(s);
        assertRefusesShort(wire, BridgeVlanInfo::decode);
    }

    @Property(tries = 50)
    void fieldsSitWhereTheCStructPutsThem(@ForAll int index, @ForAll int flags) {
        ByteBuffer ifi = buffer(new IfInfoMsg(7, 0x0304, index, flags, ~flags).encode());
        assertThat(ifi.get(0)).isEqualTo((byte) 7);
        assertThat(ifi.getShort(2)).isEqualTo((short) 0x0304);
        assertThat(ifi.getInt(4)).isEqualTo(index);
        assertThat(ifi.getInt(8)).isEqualTo(flags);
        assertThat(ifi.getInt(12)).isEqualTo(~flags);
        ByteBuffer rt = buffer(new RtMsg(2, 24, 0, 0, 254, 4, 253, 1, flags).encode());
        assertThat(rt.get(4)).as("rtm_table").isEqualTo((byte) 254);
        assertThat(rt.get(6)).as("rtm_scope").isEqualTo((byte) 253);
        assertThat(rt.getInt(8)).as("rtm_flags").isEqualTo(flags);
        ByteBuffer ifa = buffer(new IfAddrMsg(10, 64, 0x80, 253, index).encode());
        assertThat(ifa.getInt(4)).as("ifa_index").isEqualTo(index);
        ByteBuffer info = buffer(new BridgeVlanInfo(0x0012, 0x0fff & index).encode());
        assertThat(info.getShort(0)).as("flags first").isEqualTo((short) 0x0012);
        assertThat(info.getShort(2)).as("then vid").isEqualTo((short) (0x0fff & index));
    }

    private static ByteBuffer buffer(byte[] bytes) {
        return ByteBuffer.wrap(bytes).order(ByteOrder.nativeOrder());
    }

    private static byte[] withTail(byte[] wire) {
        byte[] longer = Arrays.copyOf(wire, wire.length + 7);
        Arrays.fill(longer, wire.length, longer.length, (byte) 0xee);
        return longer;
    }

    private static void assertRefusesShort(byte[] wire, Function<ByteBuffer, ?> decode) {
        for (int length = 0; length < wire.length; length++) {
            ByteBuffer shorter = buffer(Arrays.copyOf(wire, length));
            assertThatThrownBy(() -> decode.apply(shorter)).isInstanceOf(NetlinkParseException.class);
        }
    }
}
