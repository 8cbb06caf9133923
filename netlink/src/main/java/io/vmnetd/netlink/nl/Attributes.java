package io.vmnetd.netlink.nl;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;

/** The attributes of one message or one nested attribute, in wire order. */
public final class Attributes {
    private static final Attributes EMPTY = new Attributes(List.of());

    private final List<Attribute> list;

    private Attributes(List<Attribute> list) {
        this.list = list;
    }

    public static Attributes empty() {
        return EMPTY;
    }

    /** Parses {@code [offset, end)} of {@code buf}; a length that leaves the region is a parse error. */
    public static Attributes parse(ByteBuffer buf, int offset, int end) {
        if (offset < 0 || end > buf.limit() || offset > end) {
            throw new NetlinkParseException("attribute region " + offset + ".." + end + " outside " + buf.limit() + " bytes");
        }
        List<Attribute> list = new ArrayList<>();
        while (end - offset >= Nl.ATTR_HEADER_LENGTH) {
            int length = buf.getShort(offset) & 0xffff;
            int rawType = buf.getShort(offset + 2) & 0xffff;
            if (length < Nl.ATTR_HEADER_LENGTH || length > end - offset) {
                throw new NetlinkParseException("attribute type " + (rawType & Nl.NLA_TYPE_MASK) + " at offset " + offset
                        + " claims " + length + " bytes; " + (end - offset) + " remain");
            }
            ByteBuffer payload = buf.slice(offset + Nl.ATTR_HEADER_LENGTH, length - Nl.ATTR_HEADER_LENGTH)
                    .order(ByteOrder.nativeOrder());
            list.add(new Attribute(rawType & Nl.NLA_TYPE_MASK, (rawType & Nl.NLA_F_NESTED) != 0, payload));
            offset += Math.min(Nl.align(length), end - offset);
        }
        if (offset != end) {
            throw new NetlinkParseException((end - offset) + " stray bytes after the last attribute");
        }
        return new Attributes(Collections.unmodifiableList(list));
    }

    public List<Attribute> all() {
        return list;
    }

    public List<Attribute> all(int type) {
        List<Attribute> matching = new ArrayList<>();
        for (Attribute a : list) {
            if (a.type() == type) {
                matching.add(a);
            }
        }
        return matching;
    }

    public Optional<Attribute> get(int type) {
        for (Attribute a : list) {
            if (a.type() == type) {
                return Optional.of(a);
            }
        }
        return Optional.empty();
    }

    public boolean has(int type) {
        return get(type).isPresent();
    }

    public int size() {
        return list.size();
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
