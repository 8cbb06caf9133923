package io.vmnetd.netlink.nl;

import static io.vmnetd.netlink.GoldenBytes.bytesOf;
import static io.vmnetd.netlink.GoldenBytes.hex;
import static io.vmnetd.netlink.GoldenBytes.toHex;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.vmnetd.netlink.GoldenBytes;
import java.nio.ByteBuffer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Disabled;
import org.junit.jupiter.api.Test;

/** MessageBuilder's framing, one attribute form at a time, against hand-written little-endian bytes. */
class MessageBuilderGoldenTest {

    @BeforeAll
    static void littleEndianHost() {
        assumeTrue(GoldenBytes.hostIsLittleEndian(), "expectations are in little-endian host order");
    }

    private static String wire(MessageBuilder m, int seq) {
        return toHex(bytesOf(m.finish(seq)));
    }

    @Test
    void headerAloneIsSixteenBytesWithLengthSequenceAndPortZero() {
        assertThat(wire(new MessageBuilder(0x1234, 0x0301), 0x0a0b0c0d)).isEqualTo(toHex(hex("""
                10000000   # nlmsg_len 16
                3412       # nlmsg_type 0x1234
                0103       # nlmsg_flags 0x0301
                0d0c0b0a   # nlmsg_seq 0x0a0b0c0d
                00000000   # nlmsg_pid 0: addressed to the kernel
                """)));
    }

    @Test
    void everyScalarFormIsPaddedToFourBytes() {
        MessageBuilder m = new MessageBuilder(16, 0)
                .u8(1, 0xab)
                .u16(2, 0x1234)
                .u16be(3, 0x8100)
                .u32(4, 0xdeadbeef)
                .flag(5);
        assertThat(wire(m, 1)).isEqualTo(toHex(hex("""
                34000000 1000 0000 01000000 00000000  # nlmsghdr: len 52
                0500 0100 ab 000000                   # len 5, type 1, u8 0xab, 3 pad
                0600 0200 3412 0000                   # len 6, type 2, u16 0x1234 little-endian, 2 pad
                0600 0300 8100 0000                   # len 6, type 3, 0x8100 in network order, 2 pad
                0800 0400 efbeadde                    # len 8, type 4, u32 0xdeadbeef little-endian
                0400 0500                             # len 4, type 5: a flag has no payload
                """)));
    }

    @Test
    void stringsCarryTheirNulAndBytesDoNot() {
        MessageBuilder m = new MessageBuilder(16, 0)
                .string(3, "abc")            // 4 bytes with NUL: no padding
                .string(3, "abcd")           // 5 bytes with NUL: 3 pad
                .string(3, "")               // just the NUL
                .bytes(1, new byte[] {1, 2, 3, 4, 5, 6})
                .bytes(7, new byte[0]);
        assertThat(wire(m, 1)).isEqualTo(toHex(hex("""
                3c000000 1000 0000 01000000 00000000  # nlmsghdr: len 60
                0800 0300 61626300                    # "abc\\0"
                0900 0300 6162636400 000000           # "abcd\\0" + 3 pad
                0500 0300 00 000000                   # "\\0" + 3 pad
                0a00 0100 010203040506 0000           # 6 bytes + 2 pad
                0400 0700                             # empty payload
                """)));
    }

    @Test
    void structIsCopiedAsIsBeforeTheAttributes() {
        MessageBuilder m = new MessageBuilder(20, 0)
                .struct(new Structs.IfAddrMsg(2, 24, 0, 0, 5).encode())
                .bytes(2, new byte[] {10, 1, 2, 3});
        assertThat(wire(m, 1)).isEqualTo(toHex(hex("""
                20000000 1400 0000 01000000 00000000  # nlmsghdr: len 32, RTM_NEWADDR
                02 18 00 00 05000000                  # ifaddrmsg: AF_INET, /24, flags 0, scope 0, index 5
                0800 0200 0a010203                    # IFA_LOCAL 10.1.2.3
                """)));
    }

    @Test
    void nestedLengthsCoverTheirChildrenIncludingPadding() {
        MessageBuilder m = new MessageBuilder(16, 0);
        int outer = m.beginNested(18 | Nl.NLA_F_NESTED);
        m.u8(1, 7);
        int inner = m.beginNested(2);
        m.string(3, "x");
        m.endNested(inner);
        m.endNested(outer);
        m.u32(4, 1);
        assertThat(wire(m, 1)).isEqualTo(toHex(hex("""
                30000000 1000 0000 01000000 00000000  # nlmsghdr: len 48
                1800 1280                             # outer: len 24, type 18 | NLA_F_NESTED (0x8000)
                  0500 0100 07 000000                 #   u8 7 + 3 pad
                  0c00 0200                           #   inner: len 12, type 2 (includes its child's padding)
                    0600 0300 7800 0000               #     "x\\0" + 2 pad
                0800 0400 01000000                    # after the nest: u32 1
                """)));
    }

    @Test
    void growsPastItsInitialBufferWithoutLosingBytes() {
        MessageBuilder m = new MessageBuilder(16, 0);
        byte[] big = new byte[1000];
        for (int i = 0; i < big.length; i++) {
            big[i] = (byte) i;
        }
        for (int i = 0; i < 5; i++) {
            m.bytes(i + 1, big);
        }
        ByteBuffer out = m.finish(1);
        assertThat(out.remaining()).isEqualTo(16 + 5 * 1004).isEqualTo(m.length());
        Attributes a = Message.parseAll(out).get(0).attributes(0);
        assertThat(a.all()).hasSize(5).allSatisfy(x -> assertThat(x.bytes()).isEqualTo(big));
    }

    @Test
    void finishCanBeRepeatedWithANewSequenceLikeADumpRetry() {
        MessageBuilder m = new MessageBuilder(18, Nl.F_DUMP).u32(29, 8);
        ByteBuffer first = m.finish(1);
        ByteBuffer second = m.finish(2);
        assertThat(Message.parseAll(second).get(0).sequence()).isEqualTo(2);
        assertThat(first.remaining()).isEqualTo(second.remaining()).isEqualTo(24);
        assertThat(m.flags()).isEqualTo(Nl.F_DUMP);
        assertThat(m.addFlags(Nl.F_REQUEST).flags()).isEqualTo(Nl.F_DUMP | Nl.F_REQUEST);
        assertThat(m.type()).isEqualTo(18);
    }

    @Test
    void anAttributeOverTheSixteenBitLengthIsRefused() {
        MessageBuilder m = new MessageBuilder(16, 0);
        m.bytes(1, new byte[65531]); // 65535 with its header: the largest there is
        assertThatThrownBy(() -> m.bytes(1, new byte[65532]))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("65535");
    }

    @Test
    void aNestOverTheSixteenBitLengthIsRefusedRatherThanWrapped() {
        MessageBuilder m = new MessageBuilder(16, 0);
        int token = m.beginNested(26);
        for (int i = 0; i < 321; i++) {
            m.bytes(2, new byte[296]); // 300 bytes each: the nest is 4 + 321 * 300 = 96304 bytes
        }
        assertThatThrownBy(() -> m.endNested(token)).isInstanceOf(IllegalArgumentException.class);
    }
}
