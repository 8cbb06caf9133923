package io.vmnetd.netlink;

import io.vmnetd.netlink.nl.Nl;
import io.vmnetd.netlink.nl.Rtnl;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

/** The ways the robustness properties break valid netlink bytes. */
public final class WireMutations {
    private WireMutations() {}

    /** The first {@code length} bytes; with {@code patch}, nlmsg_len says exactly that many (when room for it). */
    public static byte[] truncate(byte[] message, int length, boolean patch) {
        byte[] out = Arrays.copyOf(message, length);
        if (patch && length >= 4) {
            WireFuzz.wrap(out).putInt(0, length);
        }
        return out;
    }

    /** {@code count} random bytes set to random values. */
    public static byte[] flip(byte[] bytes, Random r, int count) {
        byte[] out = bytes.clone();
        for (int i = 0; i < count && out.length > 0; i++) {
            out[r.nextInt(out.length)] = (byte) r.nextInt(256);
        }
        return out;
    }

    /** One length field (nlmsg_len, or an nla_len found by walking the attributes) made larger than it is. */
    public static byte[] overstate(byte[] message, Random r) {
        byte[] out = message.clone();
        ByteBuffer b = WireFuzz.wrap(out);
        List<Integer> fields = attributeOffsets(out);
        if (fields.isEmpty() || r.nextInt(4) == 0) {
            int length = b.getInt(0);
            b.putInt(0, r.nextBoolean() ? -1 - r.nextInt(3) : length + 1 + r.nextInt(64));
        } else {
            int at = fields.get(r.nextInt(fields.size()));
            int length = b.getShort(at) & 0xffff;
            b.putShort(at, (short) (r.nextBoolean() ? 0xffff : Math.min(0xffff, length + 1 + r.nextInt(64))));
        }
        return out;
    }

    /** Offsets of every nla_len that walking the first message finds, descending into payloads that parse. */
    public static List<Integer> attributeOffsets(byte[] message) {
        List<Integer> out = new ArrayList<>();
        if (message.length < Nl.HEADER_LENGTH) {
            return out;
        }
        ByteBuffer b = WireFuzz.wrap(message);
        int end = Math.min(message.length, b.getInt(0) < 0 ? message.length : b.getInt(0));
        int type = b.getShort(4) & 0xffff;
        int struct = switch (type) {
            case Rtnl.RTM_NEWLINK, Rtnl.RTM_DELLINK, Rtnl.RTM_SETLINK -> 16;
            case Rtnl.RTM_NEWADDR -> 8;
            case Rtnl.RTM_NEWROUTE -> 12;
            default -> 4;
        };
        walk(b, Nl.HEADER_LENGTH + struct, end, out, 0);
        return out;
    }

    private static void walk(ByteBuffer b, int from, int to, List<Integer> out, int depth) {
        int offset = from;
        while (to - offset >= 4 && depth < 6) {
            int length = b.getShort(offset) & 0xffff;
            if (length < 4 || length > to - offset) {
                return;
            }
            out.add(offset);
            walk(b, offset + 4, offset + length, out, depth + 1);
            offset += Nl.align(length);
        }
    }
}
