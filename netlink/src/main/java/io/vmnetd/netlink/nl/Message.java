package io.vmnetd.netlink.nl;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

/**
 * One decoded netlink message: the header fields and a read-only view of its payload (fixed struct followed by
 * attributes). Payload offsets are relative to the payload's start.
 */
public record Message(int type, int flags, int sequence, int portId, ByteBuffer payload) {

    /** Splits a datagram into its messages, checking every length against the bytes actually present. */
    public static List<Message> parseAll(ByteBuffer datagram) {
        ByteBuffer in = datagram.duplicate().order(ByteOrder.nativeOrder());
        List<Message> messages = new ArrayList<>(4);
        int offset = in.position();
        int end = in.limit();
        while (end - offset >= Nl.HEADER_LENGTH) {
            int length = in.getInt(offset);
            if (length < Nl.HEADER_LENGTH || length > end - offset) {
                throw new NetlinkParseException("message at offset " + offset + " claims " + Integer.toUnsignedString(length)
                        + " bytes; " + (end - offset) + " remain");
            }
            int type = in.getShort(offset + 4) & 0xffff;
            int flags = in.getShort(offset + 6) & 0xffff;
            int sequence = in.getInt(offset + 8);
            int portId = in.getInt(offset + 12);
            ByteBuffer payload = in.slice(offset + Nl.HEADER_LENGTH, length - Nl.HEADER_LENGTH)
                    .order(ByteOrder.nativeOrder()).asReadOnlyBuffer().order(ByteOrder.nativeOrder());
            messages.add(new Message(type, flags, sequence, portId, payload));
            offset += Math.min(Nl.align(length), end - offset);
        }
        if (offset != end) {
            throw new NetlinkParseException((end - offset) + " trailing bytes after the last message");
        }
        return messages;
    }

    public boolean has(int flag) {
        return (flags & flag) == flag;
    }

    /** Attributes that follow a fixed struct of {@code structLength} bytes. */
    public Attributes attributes(int structLength) {
        if (payload.limit() < structLength) {
            throw new NetlinkParseException("message type " + type + " has " + payload.limit()
                    + " payload bytes; its struct needs " + structLength);
        }
        return Attributes.parse(payload, Nl.align(Math.min(structLength, payload.limit())), payload.limit());
    }
}
