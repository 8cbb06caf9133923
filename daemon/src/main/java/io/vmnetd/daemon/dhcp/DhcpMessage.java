package io.vmnetd.daemon.dhcp;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * A DHCPv4 message (RFC 2131 with the options of RFC 2132 a client needs), encoded and decoded. Options are kept as
 * raw bytes by code, in order, each code once: a code split over several options (RFC 3396) is joined on decoding,
 * and options a server overloaded into the {@code file} and {@code sname} fields (option 52) are read too. The typed
 * accessors read the few a lease is made of. Encoding pads to BOOTP's 300 bytes, which some relays still require.
 *
 * @param op 1 for a client's request, 2 for a server's reply
 * @param secs seconds since the client began acquiring or renewing
 * @param flags {@link #FLAG_BROADCAST}: the client cannot take a unicast reply yet (it has no address)
 */
public record DhcpMessage(int op, int xid, int secs, int flags, Inet4Address ciaddr, Inet4Address yiaddr,
                          Inet4Address siaddr, Inet4Address giaddr, byte[] chaddr, Map<Integer, byte[]> options) {
    public static final int BOOTREQUEST = 1;
    public static final int BOOTREPLY = 2;
    public static final int FLAG_BROADCAST = 0x8000;
    public static final int SERVER_PORT = 67;
    public static final int CLIENT_PORT = 68;

    static final int MAGIC_COOKIE = 0x63825363;
    /** A BOOTP message is at least 300 bytes: some servers and relays drop a shorter one. */
    static final int MIN_LENGTH = 300;
    static final int FIXED_LENGTH = 236;
    private static final int SNAME_OFFSET = 44;
    private static final int SNAME_LENGTH = 64;
    private static final int FILE_OFFSET = 108;
    private static final int FILE_LENGTH = 128;

    public static final int OPT_PAD = 0;
    public static final int OPT_SUBNET_MASK = 1;
    public static final int OPT_ROUTER = 3;
    public static final int OPT_REQUESTED_ADDRESS = 50;
    public static final int OPT_LEASE_TIME = 51;
    public static final int OPT_OVERLOAD = 52;
    public static final int OPT_MESSAGE_TYPE = 53;
    public static final int OPT_SERVER_ID = 54;
    public static final int OPT_PARAMETERS = 55;
    public static final int OPT_MESSAGE = 56;
    public static final int OPT_RENEWAL_TIME = 58;
    public static final int OPT_REBINDING_TIME = 59;
    public static final int OPT_CLIENT_ID = 61;
    public static final int OPT_END = 255;

    public static final Inet4Address ANY = ipv4(new byte[4]);
    public static final Inet4Address BROADCAST = ipv4(new byte[] {-1, -1, -1, -1});

    /** DHCP message types (option 53). */
    public enum Type {
        DISCOVER(1), OFFER(2), REQUEST(3), DECLINE(4), ACK(5), NAK(6), RELEASE(7), INFORM(8);

        final int code;

        Type(int code) {
            this.code = code;
        }

        static Optional<Type> of(int code) {
            return Arrays.stream(values()).filter(t -> t.code == code).findFirst();
        }
    }

    public DhcpMessage {
        Objects.requireNonNull(ciaddr, "ciaddr");
        Objects.requireNonNull(yiaddr, "yiaddr");
        Objects.requireNonNull(siaddr, "siaddr");
        Objects.requireNonNull(giaddr, "giaddr");
        if (chaddr.length != 6) {
            throw new IllegalArgumentException("chaddr must be an Ethernet address (6 bytes), not " + chaddr.length);
        }
        chaddr = chaddr.clone();
        // In the order given: the message type goes first, as servers expect.
        options = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(options));
    }

    /** A client's request of {@code type}, with the message type option added to {@code options}. */
    public static DhcpMessage request(Type type, int xid, int flags, Inet4Address ciaddr, byte[] chaddr,
                                      Map<Integer, byte[]> options) {
        Map<Integer, byte[]> all = new LinkedHashMap<>();
        all.put(OPT_MESSAGE_TYPE, new byte[] {(byte) type.code});
        all.putAll(options);
        return new DhcpMessage(BOOTREQUEST, xid, 0, flags, ciaddr, ANY, ANY, ANY, chaddr, all);
    }

    /** This message with {@code secs} (seconds since the client began), at most 65535. */
    public DhcpMessage withSecs(int seconds) {
        return new DhcpMessage(op, xid, Math.min(seconds, 0xffff), flags, ciaddr, yiaddr, siaddr, giaddr, chaddr,
                options);
    }

    public Optional<Type> type() {
        return option(OPT_MESSAGE_TYPE).filter(b -> b.length == 1).flatMap(b -> Type.of(b[0] & 0xff));
    }

    public Optional<byte[]> option(int code) {
        return Optional.ofNullable(options.get(code)).map(byte[]::clone);
    }

    /** An option holding one IPv4 address (or the first of a list, as the router option). */
    public Optional<Inet4Address> addressOption(int code) {
        return option(code).filter(b -> b.length >= 4 && b.length % 4 == 0).map(b -> ipv4(Arrays.copyOf(b, 4)));
    }

    /** An option holding a 32-bit number of seconds. */
    public OptionalInt secondsOption(int code) {
        return option(code).filter(b -> b.length == 4).map(b -> OptionalInt.of(ByteBuffer.wrap(b).getInt()))
                .orElse(OptionalInt.empty());
    }

    public byte[] encode() {
        int optionBytes = 4 + 1; // cookie, end
        for (byte[] v : options.values()) {
            optionBytes += 2 + v.length;
        }
        ByteBuffer b = ByteBuffer.allocate(Math.max(MIN_LENGTH, FIXED_LENGTH + optionBytes));
        b.put((byte) op).put((byte) 1).put((byte) 6).put((byte) 0);
        b.putInt(xid).putShort((short) secs).putShort((short) flags);
        b.put(ciaddr.getAddress()).put(yiaddr.getAddress()).put(siaddr.getAddress()).put(giaddr.getAddress());
        b.put(chaddr).put(new byte[10]); // chaddr is 16 bytes
        b.put(new byte[64 + 128]); // sname, file
        b.putInt(MAGIC_COOKIE);
        for (Map.Entry<Integer, byte[]> o : options.entrySet()) {
            if (o.getValue().length > 255) {
                throw new IllegalArgumentException("option " + o.getKey() + " is longer than 255 bytes");
            }
            b.put((byte) (int) o.getKey()).put((byte) o.getValue().length).put(o.getValue());
        }
        b.put((byte) OPT_END);
        return b.array();
    }

    /** Decodes a message; throws {@link IllegalArgumentException} for anything that is not an Ethernet DHCP one. */
    public static DhcpMessage decode(byte[] data, int length) {
        if (length < FIXED_LENGTH + 4) {
            throw new IllegalArgumentException("a DHCP message has at least 240 bytes, not " + length);
        }
        ByteBuffer b = ByteBuffer.wrap(data, 0, length);
        int op = b.get() & 0xff;
        int htype = b.get() & 0xff;
        int hlen = b.get() & 0xff;
        b.get(); // hops
        if (htype != 1 || hlen != 6) {
            throw new IllegalArgumentException("not an Ethernet address (htype " + htype + ", hlen " + hlen + ")");
        }
        int xid = b.getInt();
        int secs = b.getShort() & 0xffff;
        int flags = b.getShort() & 0xffff;
        Inet4Address ciaddr = ipv4(bytes(b, 4));
        Inet4Address yiaddr = ipv4(bytes(b, 4));
        Inet4Address siaddr = ipv4(bytes(b, 4));
        Inet4Address giaddr = ipv4(bytes(b, 4));
        byte[] chaddr = Arrays.copyOf(bytes(b, 16), 6);
        b.position(FIXED_LENGTH);
        if (b.getInt() != MAGIC_COOKIE) {
            throw new IllegalArgumentException("no DHCP magic cookie");
        }
        Map<Integer, byte[]> options = new LinkedHashMap<>();
        readOptions(b, length, options);
        // Option 52: the server ran out of room and went on in "file" (1), "sname" (2) or both, "file" first
        // (RFC 2131 4.1).
        int overload = options.containsKey(OPT_OVERLOAD) && options.get(OPT_OVERLOAD).length == 1
                ? options.get(OPT_OVERLOAD)[0] : 0;
        if ((overload & 1) != 0) {
            readOptions(ByteBuffer.wrap(data, FILE_OFFSET, FILE_LENGTH), FILE_OFFSET + FILE_LENGTH, options);
        }
        if ((overload & 2) != 0) {
            readOptions(ByteBuffer.wrap(data, SNAME_OFFSET, SNAME_LENGTH), SNAME_OFFSET + SNAME_LENGTH, options);
        }
        return new DhcpMessage(op, xid, secs, flags, ciaddr, yiaddr, siaddr, giaddr, chaddr, options);
    }

    /** Options from {@code b}'s position up to END or {@code end}; a code given again is appended (RFC 3396). */
    private static void readOptions(ByteBuffer b, int end, Map<Integer, byte[]> into) {
        while (b.position() < end) {
            int code = b.get() & 0xff;
            if (code == OPT_END) {
                return;
            }
            if (code == OPT_PAD) {
                continue;
            }
            if (b.position() >= end) {
                throw new IllegalArgumentException("option " + code + " has no length");
            }
            int len = b.get() & 0xff;
            if (end - b.position() < len) {
                throw new IllegalArgumentException("option " + code + " runs past the message");
            }
            into.merge(code, bytes(b, len), DhcpMessage::concat);
        }
        // no END: accepted, as most clients do
    }

    private static byte[] bytes(ByteBuffer b, int n) {
        byte[] out = new byte[n];
        b.get(out);
        return out;
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    static Inet4Address ipv4(byte[] four) {
        try {
            return (Inet4Address) InetAddress.getByAddress(four);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException(e);
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof DhcpMessage m && op == m.op && xid == m.xid && secs == m.secs && flags == m.flags
                && ciaddr.equals(m.ciaddr) && yiaddr.equals(m.yiaddr) && siaddr.equals(m.siaddr)
                && giaddr.equals(m.giaddr) && Arrays.equals(chaddr, m.chaddr) && sameOptions(options, m.options);
    }

    private static boolean sameOptions(Map<Integer, byte[]> a, Map<Integer, byte[]> b) {
        return a.keySet().equals(b.keySet()) && a.keySet().stream().allMatch(k -> Arrays.equals(a.get(k), b.get(k)));
    }

    @Override
    public int hashCode() {
        return Objects.hash(op, xid, ciaddr, yiaddr, Arrays.hashCode(chaddr), options.keySet());
    }

    @Override
    public String toString() {
        return "DhcpMessage[" + type().map(Enum::name).orElse("op " + op) + " xid " + Integer.toHexString(xid)
                + " ciaddr " + ciaddr.getHostAddress() + " yiaddr " + yiaddr.getHostAddress() + " options "
                + options.keySet() + "]";
    }
}
