package io.vmnetd.netlink.nl;

import static org.assertj.core.api.Assertions.assertThat;

import io.vmnetd.netlink.GoldenBytes;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.constraints.IntRange;

/**
 * Any tree of attributes (types 1..200, payloads of 0..300 bytes, nests up to three deep, with or without
 * NLA_F_NESTED) encoded by MessageBuilder comes back from Message.parseAll + attributes() with the same types,
 * flags and payloads; an independent walk of the wire bytes finds every attribute 4-byte aligned with zero padding.
 */
class AttributeRoundTripPropertyTest {

    sealed interface Node permits Leaf, Nest {
        int type();
    }

    /** A leaf written with the writer that fits its size (flag, u8, u16, u32) or else bytes(). */
    record Leaf(int type, byte[] payload, boolean scalarWriter) implements Node {
        @Override
        public String toString() {
            return type + "=" + GoldenBytes.toHex(payload);
        }
    }

    record Nest(int type, boolean nestedFlag, List<Node> children) implements Node {}

    @Provide
    Arbitrary<List<Node>> trees() {
        return node(3).list().ofMaxSize(8);
    }

    private Arbitrary<Node> node(int depth) {
        Arbitrary<Node> leaf = Combinators.combine(
                Arbitraries.integers().between(1, 200),
                Arbitraries.bytes().array(byte[].class).ofMaxSize(300),
                Arbitraries.of(true, false)).as(Leaf::new);
        if (depth == 0) {
            return leaf;
        }
        Arbitrary<Node> nest = Combinators.combine(
                Arbitraries.integers().between(1, 200),
                Arbitraries.of(true, false),
                Arbitraries.lazy(() -> node(depth - 1)).list().ofMaxSize(5)).as(Nest::new);
        return Arbitraries.frequencyOf(Tuple.of(3, leaf), Tuple.of(1, nest));
    }

    @Property(tries = 300)
    void attributesComeBackAsEncoded(@ForAll("trees") List<Node> tree,
                                     @ForAll @IntRange(min = 0, max = 4) int structWords,
                                     @ForAll @IntRange(min = 0, max = 0xffff) int type,
                                     @ForAll int sequence) {
        int structLength = 4 * structWords;
        byte[] struct = new byte[structLength];
        java.util.Arrays.fill(struct, (byte) 0x5a);
        MessageBuilder m = new MessageBuilder(type, 0x0102).struct(struct);
        write(m, tree);
        ByteBuffer wire = m.finish(sequence);

        List<Message> messages = Message.parseAll(wire);
        assertThat(messages).hasSize(1);
        Message message = messages.get(0);
        assertThat(message.type()).isEqualTo(type);
        assertThat(message.flags()).isEqualTo(0x0102);
        assertThat(message.sequence()).isEqualTo(sequence);
        assertThat(message.portId()).isZero();
        assertThat(message.payload().limit()).isEqualTo(wire.remaining() - Nl.HEADER_LENGTH);
        assertSame(tree, message.attributes(structLength));
    }

    @Property(tries = 300)
    void everyAttributeStartsFourByteAlignedAndPaddingIsZero(@ForAll("trees") List<Node> tree,
                                                             @ForAll @IntRange(min = 0, max = 4) int structWords) {
        MessageBuilder m = new MessageBuilder(16, 0).struct(new byte[4 * structWords]);
        write(m, tree);
        ByteBuffer wire = m.finish(1);
        byte[] bytes = GoldenBytes.bytesOf(wire);
        assertThat(bytes.length % 4).isZero();
        assertThat(ByteBuffer.wrap(bytes).order(ByteOrder.nativeOrder()).getInt(0)).isEqualTo(bytes.length);
        int end = walk(bytes, Nl.HEADER_LENGTH + 4 * structWords, tree);
        assertThat(end).as("the attributes fill the message exactly").isEqualTo(bytes.length);
    }

    private static void write(MessageBuilder m, List<Node> nodes) {
        for (Node node : nodes) {
            if (node instanceof Leaf leaf) {
                byte[] p = leaf.payload();
                ByteBuffer v = ByteBuffer.wrap(p).order(ByteOrder.nativeOrder());
                if (leaf.scalarWriter() && p.length == 0) {
                    m.flag(leaf.type());
                } else if (leaf.scalarWriter() && p.length == 1) {
                    m.u8(leaf.type(), p[0]);
                } else if (leaf.scalarWriter() && p.length == 2) {
                    m.u16(leaf.type(), v.getShort(0));
                } else if (leaf.scalarWriter() && p.length == 4) {
                    m.u32(leaf.type(), v.getInt(0));
                } else {
                    m.bytes(leaf.type(), p);
                }
            } else {
                Nest nest = (Nest) node;
                int token = m.beginNested(nest.type() | (nest.nestedFlag() ? Nl.NLA_F_NESTED : 0));
                write(m, nest.children());
                m.endNested(token);
            }
        }
    }

    private static void assertSame(List<Node> expected, Attributes actual) {
        assertThat(actual.size()).isEqualTo(expected.size());
        for (int i = 0; i < expected.size(); i++) {
            Node e = expected.get(i);
            Attributes.Attribute a = actual.all().get(i);
            assertThat(a.type()).isEqualTo(e.type());
            if (e instanceof Leaf leaf) {
                assertThat(a.nestedFlag()).isFalse();
                assertThat(a.bytes()).isEqualTo(leaf.payload());
                assertThat(a.length()).isEqualTo(leaf.payload().length);
            } else {
                Nest nest = (Nest) e;
                assertThat(a.nestedFlag()).isEqualTo(nest.nestedFlag());
                assertSame(nest.children(), a.nested());
            }
        }
        for (Node e : expected) {
            assertThat(actual.get(e.type())).isPresent();
            assertThat(actual.all(e.type())).isNotEmpty();
        }
    }

    /** Walks the wire bytes against the model without the library's parser; returns where the last one ends. */
    private static int walk(byte[] bytes, int offset, List<Node> nodes) {
        ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.nativeOrder());
        for (Node node : nodes) {
            assertThat(offset % 4).as("attribute start %d", offset).isZero();
            int length = b.getShort(offset) & 0xffff;
            int type = b.getShort(offset + 2) & 0xffff;
            int end;
            if (node instanceof Leaf leaf) {
                assertThat(type).isEqualTo(leaf.type());
                assertThat(length).isEqualTo(4 + leaf.payload().length);
                end = offset + length;
            } else {
                Nest nest = (Nest) node;
                assertThat(type).isEqualTo(nest.type() | (nest.nestedFlag() ? Nl.NLA_F_NESTED : 0));
                end = walk(bytes, offset + 4, nest.children());
                assertThat(length).as("nest length covers its children").isEqualTo(end - offset);
            }
            int padded = Nl.align(end);
            for (int i = end; i < padded; i++) {
                assertThat(bytes[i]).as("padding byte %d", i).isZero();
            }
            offset = padded;
        }
        return offset;
    }
}
