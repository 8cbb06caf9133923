package io.vmnetd.netlink.nl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.vmnetd.netlink.GoldenBytes;
import io.vmnetd.netlink.nl.Connection.Ack;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Connection.Ack.decode/decodeDone on NLMSG_ERROR and NLMSG_DONE the kernel sent (golden/kernel): plain errors,
 * extended acks with the echoed request in full (iproute2 leaves NETLINK_CAP_ACK off) or capped to its header
 * (as this library's sockets ask), and the success ack.
 */
class KernelAckDecodeTest {

    @BeforeAll
    static void littleEndianHost() {
        assumeTrue(GoldenBytes.hostIsLittleEndian(), "captures are in little-endian host order");
    }

    private static Message only(String path) {
        List<Message> messages = Message.parseAll(GoldenBytes.datagram(path));
        assertThat(messages).hasSize(1);
        assertThat(messages.get(0).type()).isEqualTo(Nl.NLMSG_ERROR);
        return messages.get(0);
    }

    @Test
    void existingLinkIsEexistWithoutKernelText() {
        Message m = only("kernel/error-eexist.hex");
        assertThat(m.has(Nl.F_ACK_TLVS)).isFalse();
        assertThat(m.has(Nl.F_CAPPED)).isFalse();
        assertThat(Ack.decode(m)).isEqualTo(new Ack(17, null));
    }

    @Test
    void unknownDeviceTypeCarriesTheKernelsTextAfterTheFullEchoedRequest() {
        Message m = only("kernel/error-extack-unknown-device-type.hex");
        assertThat(m.has(Nl.F_ACK_TLVS)).isTrue();
        assertThat(m.has(Nl.F_CAPPED)).isFalse();
        assertThat(m.payload().getInt(4)).as("echoed nlmsg_len of the 88-byte vlan request").isEqualTo(88);
        assertThat(Ack.decode(m)).isEqualTo(new Ack(95, "Unknown device type"));
    }

    @Test
    void mtuBelowMinimumCarriesTheKernelsText() {
        assertThat(Ack.decode(only("kernel/error-extack-mtu.hex"))).isEqualTo(new Ack(22, "mtu less than device minimum"));
    }

    @Test
    void cappedExtendedAckSkipsOnlyTheEchoedHeader() {
        Message m = only("kernel/error-extack-mtu-capped.hex");
        assertThat(m.has(Nl.F_CAPPED | Nl.F_ACK_TLVS)).isTrue();
        assertThat(m.sequence()).isEqualTo(0x1234);
        assertThat(Ack.decode(m)).isEqualTo(new Ack(22, "mtu less than device minimum"));
    }

    @Test
    void successAckIsErrnoZero() {
        Message m = only("kernel/ack-capped.hex");
        assertThat(m.has(Nl.F_CAPPED)).isTrue();
        assertThat(Ack.decode(m)).isEqualTo(new Ack(0, null));
    }

    @Test
    void notSupportedWithoutExtendedAck() {
        assertThat(Ack.decode(only("kernel/error-eopnotsupp.hex"))).isEqualTo(new Ack(95, null));
    }

    @Test
    void doneOfADumpIsSuccess() {
        Message done = Message.parseAll(GoldenBytes.datagram("kernel/link-dump-done.hex")).get(0);
        assertThat(Ack.decodeDone(done)).isEqualTo(new Ack(0, null));
    }

    @Test
    void doneWithAnErrorAndExtendedAckText() {
        // NLMSG_DONE of a failed dump: int error, then (NLM_F_ACK_TLVS) attributes right after it.
        MessageBuilder b = new MessageBuilder(Nl.NLMSG_DONE, Nl.F_MULTI | Nl.F_ACK_TLVS)
                .struct(intBytes(-22))
                .string(Nl.NLMSGERR_ATTR_MSG, "Invalid header for dump request");
        assertThat(Ack.decodeDone(Message.parseAll(b.finish(3)).get(0)))
                .isEqualTo(new Ack(22, "Invalid header for dump request"));
    }

    @Test
    void errorWithoutRoomForItsCodeIsAParseError() {
        Message m = Message.parseAll(new MessageBuilder(Nl.NLMSG_ERROR, 0).finish(1)).get(0);
        assertThatThrownBy(() -> Ack.decode(m)).isInstanceOf(NetlinkParseException.class);
        assertThat(Ack.decodeDone(m)).isEqualTo(new Ack(0, null));
    }

    @Test
    void extendedAckWhoseEchoedLengthOverrunsIsAParseError() {
        MessageBuilder b = new MessageBuilder(Nl.NLMSG_ERROR, Nl.F_ACK_TLVS).struct(intBytes(-22))
                .struct(new byte[] {(byte) 0xf0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0}); // echoed len 240
        assertThatThrownBy(() -> Ack.decode(Message.parseAll(b.finish(1)).get(0))).isInstanceOf(NetlinkParseException.class);
    }

    private static byte[] intBytes(int value) {
        return ByteBuffer.allocate(4).order(ByteOrder.nativeOrder()).putInt(value).array();
    }
}
