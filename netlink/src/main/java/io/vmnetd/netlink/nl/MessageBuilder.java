package io.vmnetd.netlink.nl;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * Encodes one netlink message: header, fixed struct, then attributes (nested ones through
 * {@link #beginNested}/{@link #endNested}). Host byte order except where an attribute says otherwise;
 * every attribute is padded to 4 bytes. Not thread-safe; one builder per message.
 */
public final class MessageBuilder {
    private ByteBuffer buf;

    public MessageBuilder(int type, int flags) {
        buf = ByteBuffer.allocate(256).order(ByteOrder.nativeOrder());
        buf.putInt(0);          // length, set by finish()
        buf.putShort((short) type);
        buf.putShort((short) flags);
        buf.putInt(0);          // sequence, set by finish()
        buf.putInt(0);          // port id: 0 addresses the kernel
    }

    public int type() {
        return buf.getShort(4) & 0xffff;
    }

    public int flags() {
        return buf.getShort(6) & 0xffff;
    }

    public MessageBuilder addFlags(int flags) {
        buf.putShort(6, (short) (flags() | flags));
        return this;
    }

    /** Raw bytes of a fixed struct; its length must already be a multiple of 4. */
    public MessageBuilder struct(byte[] bytes) {
        ensure(bytes.length);
        buf.put(bytes);
        pad();
        return this;
    }

    public MessageBuilder u8(int type, int value) {
        header(type, 1);
        buf.put((byte) value);
        pad();
        return this;
    }

    public MessageBuilder u16(int type, int value) {
        header(type, 2);
        buf.putShort((short) value);
        pad();
        return this;
    }

    /** A 16-bit value in network byte order, as the kernel wants for protocol numbers. */
    public MessageBuilder u16be(int type, int value) {
        header(type, 2);
        buf.put((byte) (value >> 8)).put((byte) value);
        pad();
        return this;
    }

    public MessageBuilder u32(int type, int value) {
        header(type, 4);
        buf.putInt(value);
        pad();
        return this;
    }

    public MessageBuilder u64(int type, long value) {
        header(type, 8);
        buf.putLong(value);
        pad();
        return this;
    }

    /** A NUL-terminated string. */
    public MessageBuilder string(int type, String value) {
        byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
        header(type, bytes.length + 1);
        buf.put(bytes).put((byte) 0);
        pad();
        return this;
    }

    public MessageBuilder bytes(int type, byte[] value) {
        header(type, value.length);
        buf.put(value);
        pad();
        return this;
    }

    /** An attribute with no payload (a flag). */
    public MessageBuilder flag(int type) {
        header(type, 0);
        return this;
    }

    /**
     * Starts a nested attribute; returns the token {@link #endNested} needs. Like iproute2, the type goes out
     * as given: rtnetlink's older attributes are parsed leniently and some (the veth peer) reject
     * NLA_F_NESTED, so callers add it only where the kernel's policy wants it.
     */
    public int beginNested(int type) {
        int start = buf.position();
        header(type, 0);
        return start;
    }

    public MessageBuilder endNested(int token) {
        int length = buf.position() - token;
        if (length > 0xffff) {
            throw new IllegalArgumentException("nested attribute is " + length + " bytes; the limit is 65535");
        }
        buf.putShort(token, (short) length);
        return this;
    }

    /** Sets length, sequence number and port id, and returns the wire bytes ready to send. */
    public ByteBuffer finish(int sequence) {
        int length = buf.position();
        buf.putInt(0, length);
        buf.putInt(8, sequence);
        ByteBuffer out = buf.duplicate().order(ByteOrder.nativeOrder());
        out.flip();
        return out;
    }

    public int length() {
        return buf.position();
    }

    private void header(int type, int payloadLength) {
        int length = Nl.ATTR_HEADER_LENGTH + payloadLength;
        if (length > 0xffff) {
            throw new IllegalArgumentException("attribute " + type + " is " + length + " bytes; the limit is 65535");
        }
        ensure(Nl.align(length));
        buf.putShort((short) length);
        buf.putShort((short) type);
    }

    private void pad() {
        while ((buf.position() & 3) != 0) {
            buf.put((byte) 0);
        }
    }

    private void ensure(int more) {
        if (buf.remaining() < more + 4) {
            ByteBuffer bigger = ByteBuffer.allocate(Math.max(buf.capacity() * 2, buf.position() + more + 64))
                    .order(ByteOrder.nativeOrder());
            buf.flip();
            bigger.put(buf);
            buf = bigger;
        }
    }
}
