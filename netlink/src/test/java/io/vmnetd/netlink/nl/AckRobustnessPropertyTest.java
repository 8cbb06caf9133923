package io.vmnetd.netlink.nl;

import io.vmnetd.netlink.WireFuzz;
import io.vmnetd.netlink.WireMutations;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

/**
 * Connection.Ack.decode/decodeDone (package-private, hence this package) on NLMSG_ERROR and NLMSG_DONE that are
 * captured, generated, truncated, overwritten, overstated or garbage: they decode or throw NetlinkParseException.
 */
class AckRobustnessPropertyTest {
    private static final List<byte[]> CAPTURED = WireFuzz.captured();

    @Provide
    Arbitrary<byte[]> acks() {
        return Arbitraries.frequencyOf(
                Tuple.of(1, Arbitraries.of(CAPTURED)),
                Tuple.of(4, Arbitraries.longs().map(seed -> WireFuzz.randomAck(new Random(seed)))),
                Tuple.of(1, Arbitraries.longs().map(seed -> WireFuzz.randomMessage(new Random(seed)))));
    }

    @Property(tries = 60)
    void truncatedAtEveryLength(@ForAll("acks") byte[] message) {
        for (int length = 0; length <= message.length; length++) {
            decodeAsAck(WireMutations.truncate(message, length, true));
            decodeAsAck(WireMutations.truncate(message, length, false));
        }
    }

    @Property(tries = 300)
    void withRandomBytesOverwritten(@ForAll("acks") byte[] message, @ForAll long seed,
                                    @ForAll @IntRange(min = 1, max = 8) int count) {
        decodeAsAck(WireMutations.flip(message, new Random(seed), count));
    }

    @Property(tries = 300)
    void withTheEchoedLengthOrAnAttributeLengthOverstated(@ForAll("acks") byte[] message, @ForAll long seed,
                                                          @ForAll int echoedLength) {
        decodeAsAck(WireMutations.overstate(message, new Random(seed)));
        if (message.length >= 24) {
            byte[] lying = message.clone();
            WireFuzz.wrap(lying).putInt(20, echoedLength); // the echoed request's nlmsg_len
            decodeAsAck(lying);
        }
    }

    @Property(tries = 300)
    void garbagePayloadsWithEveryFlagCombination(@ForAll @Size(max = 200) byte[] payload,
                                                 @ForAll @IntRange(min = 0, max = 0x3ff) int flags) {
        byte[] message = Arrays.copyOf(new byte[16], 16 + payload.length);
        System.arraycopy(payload, 0, message, 16, payload.length);
        WireFuzz.wrap(message).putInt(0, message.length).putShort(4, (short) Nl.NLMSG_ERROR).putShort(6, (short) flags);
        decodeAsAck(message);
    }

    /** Every message of the datagram through both Ack decoders, whatever its type. */
    private static void decodeAsAck(byte[] datagram) {
        List<Message> messages;
        try {
            messages = Message.parseAll(WireFuzz.wrap(datagram));
        } catch (NetlinkParseException expected) {
            return;
        }
        for (Message m : messages) {
            try {
                Connection.Ack.decode(m);
            } catch (NetlinkParseException expected) {
                // allowed
            }
            try {
                Connection.Ack.decodeDone(m);
            } catch (NetlinkParseException expected) {
                // allowed
            }
        }
    }
}
