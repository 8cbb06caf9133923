package io.vmnetd.netlink.nl;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Optional;

/**
 * The attributes of one message or one nested attribute, in wire order. Parsing checks every length and keeps only
 * where each attribute lies; an {@link Attribute} (a view of its payload) is made when it is asked for, so that
 * decoding a dump of a thousand links allocates for the few attributes read, not for every one the kernel sent.
 */
public final class Attributes {
    private static final Attributes EMPTY = new Attributes(ByteBuffer.allocate(0), new int[0], 0);
    /** Per attribute: its raw type (nested flag included), the offset of its payload and the payload's length. */
    private static final int FIELDS = 3;

    private final ByteBuffer buf;
    private final int[] index;
    private final int count;

    private Attributes(ByteBuffer buf, int[] index, int count) {
        this.buf = buf;
        this.index = index;
        this.count = count;
    }

    public static Attributes empty() {
        return EMPTY;
    }

    /** Parses {@code [offset, end)} of {@code buf}; a length that leaves the region is a parse error. */
    public static Attributes parse(ByteBuffer buf, int offset, int end) {
        if (offset < 0 || end > buf.limit() || offset > end) {
            throw new NetlinkParseException("attribute region " + offset + ".." + end + " outside " + buf.limit() + " bytes");
        }
        int[] index = new int[FIELDS * 8];
        int count = 0;
        while (end - offset >= Nl.ATTR_HEADER_LENGTH) {
            int length = buf.getShort(offset) & 0xffff;
            int rawType = buf.getShort(offset + 2) & 0xffff;
            if (length < Nl.ATTR_HEADER_LENGTH || length > end - offset) {
                throw new NetlinkParseException("attribute type " + (rawType & Nl.NLA_TYPE_MASK) + " at offset " + offset
                        + " claims " + length + " bytes; " + (end - offset) + " remain");
            }
            if (FIELDS * (count + 1) > index.length) {
                index = Arrays.copyOf(index, index.length * 2);
            }
            index[FIELDS * count] = rawType;
            index[FIELDS * count + 1] = offset + Nl.ATTR_HEADER_LENGTH;
            index[FIELDS * count + 2] = length - Nl.ATTR_HEADER_LENGTH;
            count++;
            offset += Math.min(Nl.align(length), end - offset);
        }
        if (offset != end) {
            throw new NetlinkParseException((end - offset) + " stray bytes after the last attribute");
        }
        return new Attributes(buf, index, count);
    }

    private int type(int i) {
        return index[FIELDS * i] & Nl.NLA_TYPE_MASK;
    }

    private Attribute attribute(int i) {
        int rawType = index[FIELDS * i];
        ByteBuffer payload = buf.slice(index[FIELDS * i + 1], index[FIELDS * i + 2]).order(ByteOrder.nativeOrder());
        return new Attribute(rawType & Nl.NLA_TYPE_MASK, (rawType & Nl.NLA_F_NESTED) != 0, payload);
    }

    public List<Attribute> all() {
        List<Attribute> out = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            out.add(attribute(i));
        }
        return Collections.unmodifiableList(out);
    }

    public List<Attribute> all(int type) {
        List<Attribute> matching = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            if (type(i) == type) {
                matching.add(attribute(i));
            }
        }
        return matching;
    }

    public Optional<Attribute> get(int type) {
        for (int i = 0; i < count; i++) {
            if (type(i) == type) {
                return Optional.of(attribute(i));
            }
        }
        return Optional.empty();
    }

    public boolean has(int type) {
        for (int i = 0; i < count; i++) {
            if (type(i) == type) {
                return true;
            }
        }
        return false;
    }

    public int size() {
        return count;
    }

    /** One attribute; the typed readers check the payload is long enough. */
    public record Attribute(int type, boolean nestedFlag, ByteBuffer payload) {
        public int length() {
            return payload.limit();
        }

        public int u8() {
            need(1);
            return payload.get(0) & 0xff;
        }

        public int u16() {
            need(2);
            return payload.getShort(0) & 0xffff;
        }

        public int u16be() {
            need(2);
            return ((payload.get(0) & 0xff) << 8) | (payload.get(1) & 0xff);
        }

        public int u32() {
            need(4);
            return payload.getInt(0);
        }

        public long u64() {
            need(8);
            return payload.getLong(0);
        }

        /** A string up to its first NUL (or the payload's end when there is none). */
        public String string() {
            int end = 0;
            while (end < payload.limit() && payload.get(end) != 0) {
                end++;
            }
            byte[] bytes = new byte[end];
            payload.get(0, bytes);
            return new String(bytes, java.nio.charset.StandardCharsets.UTF_8);
        }

        public byte[] bytes() {
            byte[] bytes = new byte[payload.limit()];
            payload.get(0, bytes);
            return bytes;
        }

        public Attributes nested() {
            return Attributes.parse(payload, 0, payload.limit());
        }

        /** Attributes after a fixed struct inside this attribute (the veth peer's ifinfomsg). */
        public Attributes nestedAfter(int structLength) {
            need(structLength);
            return Attributes.parse(payload, Math.min(Nl.align(structLength), payload.limit()), payload.limit());
        }

        private void need(int bytes) {
            if (payload.limit() < bytes) {
                throw new NetlinkParseException("attribute type " + type + " has " + payload.limit()
                        + " bytes; " + bytes + " needed");
            }
        }
    }
}
