package io.vmnetd.netlink;

import static org.assertj.core.api.Assertions.assertThat;

import io.vmnetd.netlink.nl.Attributes;
import io.vmnetd.netlink.nl.Attributes.Attribute;
import io.vmnetd.netlink.nl.Message;
import io.vmnetd.netlink.nl.NetlinkParseException;
import io.vmnetd.netlink.nl.Rtnl;
import java.util.List;
import java.util.Random;
import java.util.function.Consumer;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Assume;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

/**
 * Whatever bytes arrive, Message.parseAll and every decoder either decode or throw NetlinkParseException: never
 * IndexOutOfBounds, BufferUnderflow, IllegalArgument, NullPointer... Inputs: valid datagrams (captured ones and
 * random well-formed ones) truncated at every length, with bytes overwritten, with a length overstated, and garbage.
 * (Connection.Ack has its own property in the nl package, where its decoder is visible.)
 */
class DecoderRobustnessPropertyTest {
    private static final List<byte[]> CAPTURED = WireFuzz.captured();

    private static final List<Consumer<Message>> DECODERS = List.of(
            LinkCodec::decode,
            BridgeVlans::decodePort,
            Addresses::decode,
            Routes::decode,
            LinkMonitor::decode,
            m -> LinkMonitor.decode(as(Rtnl.RTM_NEWLINK, m)),
            m -> LinkMonitor.decode(as(Rtnl.RTM_DELLINK, m)),
            m -> BridgeVlans.decodePort(m).vids(),
            DecoderRobustnessPropertyTest::readEveryAttributeEveryWay);

    @Provide
    Arbitrary<byte[]> validDatagrams() {
        return Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(1, Arbitraries.of(CAPTURED)),
                net.jqwik.api.Tuple.of(3, Arbitraries.longs().map(seed -> WireFuzz.randomDatagram(new Random(seed)))));
    }

    @Property(tries = 150)
    void validDatagramsDecodeOrFailOnlyWithAParseError(@ForAll("validDatagrams") byte[] datagram) {
        decodeEverything(datagram);
    }

    @Property(tries = 60)
    void truncatedAtEveryLength(@ForAll("validDatagrams") byte[] datagram) {
        for (int length = 0; length <= datagram.length; length++) {
            decodeEverything(WireMutations.truncate(datagram, length, false));
        }
        byte[] first = firstMessage(datagram);
        for (int length = 0; length <= first.length; length++) {
            decodeEverything(WireMutations.truncate(first, length, true)); // nlmsg_len agrees: decoders see the cut
        }
    }

    @Property(tries = 300)
    void withRandomBytesOverwritten(@ForAll("validDatagrams") byte[] datagram, @ForAll long seed,
                                    @ForAll @IntRange(min = 1, max = 8) int count) {
        decodeEverything(WireMutations.flip(datagram, new Random(seed), count));
        decodeEverything(WireMutations.flip(firstMessage(datagram), new Random(seed), count));
    }

    @Property(tries = 300)
    void withALengthOverstated(@ForAll("validDatagrams") byte[] datagram, @ForAll long seed) {
        Random r = new Random(seed);
        byte[] first = firstMessage(datagram);
        decodeEverything(WireMutations.overstate(first, r));
        decodeEverything(WireMutations.overstate(WireMutations.overstate(first, r), r));
    }

    @Property(tries = 300)
    void plainGarbage(@ForAll @Size(max = 600) byte[] garbage) {
        decodeEverything(garbage);
    }

    @Property(tries = 300)
    void garbageBehindAValidHeader(@ForAll @Size(max = 400) byte[] payload, @ForAll @IntRange(min = 16, max = 26) int type) {
        byte[] message = new byte[16 + payload.length];
        System.arraycopy(payload, 0, message, 16, payload.length);
        WireFuzz.wrap(message).putInt(0, message.length).putShort(4, (short) type);
        decodeEverything(message);
    }

    @Property(tries = 50)
    void theWalkerFindsAttributesToBreak(@ForAll("validDatagrams") byte[] datagram) {
        Message first = Message.parseAll(WireFuzz.wrap(datagram)).get(0);
        Assume.that(List.of(Rtnl.RTM_NEWLINK, Rtnl.RTM_DELLINK, Rtnl.RTM_NEWADDR, Rtnl.RTM_NEWROUTE).contains(first.type()));
        Assume.that(first.payload().limit() > 20);
        assertThat(WireMutations.attributeOffsets(firstMessage(datagram))).isNotEmpty();
    }

    /** parseAll, then every decoder on every message: only NetlinkParseException may come out. */
    static void decodeEverything(byte[] datagram) {
        List<Message> messages;
        try {
            messages = Message.parseAll(WireFuzz.wrap(datagram));
        } catch (NetlinkParseException expected) {
            return;
        }
        for (Message m : messages) {
            for (Consumer<Message> decoder : DECODERS) {
                try {
                    decoder.accept(m);
                } catch (NetlinkParseException expected) {
                    // the one allowed failure
                }
            }
        }
    }

    /** Every typed reader of every attribute after every struct size, recursively: readers check their lengths. */
    private static void readEveryAttributeEveryWay(Message m) {
        for (int struct : new int[] {0, 4, 8, 12, 16}) {
            try {
                readAll(m.attributes(struct), 0);
            } catch (NetlinkParseException expected) {
                // next struct size
            }
        }
    }

    private static void readAll(Attributes attributes, int depth) {
        for (Attribute a : attributes.all()) {
            List<Runnable> readers = List.of(a::u8, a::u16, a::u16be, a::u32, a::u64, a::string, a::bytes,
                    () -> { if (depth < 4) { readAll(a.nested(), depth + 1); } },
                    () -> { if (depth < 4) { readAll(a.nestedAfter(16), depth + 1); } });
            for (Runnable read : readers) {
                try {
                    read.run();
                } catch (NetlinkParseException expected) {
                    // next reader
                }
            }
        }
    }

    private static Message as(int type, Message m) {
        return new Message(type, m.flags(), m.sequence(), m.portId(), m.payload());
    }

    private static byte[] firstMessage(byte[] datagram) {
        int length = WireFuzz.wrap(datagram).getInt(0);
        return java.util.Arrays.copyOf(datagram, Math.min(length, datagram.length));
    }
}
