package io.vmnetd.daemon.probe.dhcp;

import io.vmnetd.daemon.probe.net.Ipv4Address;
import io.vmnetd.netlink.MacAddress;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * A DHCP message (RFC 2131) over BOOTP's fixed fields, for Ethernet clients. Options are kept in order, each code
 * once: a code split over several options (RFC 3396) is joined on decoding, and options overloaded into the
 * {@code file} and {@code sname} fields (option 52) are read too. Encoding writes option 53 first and pads the
 * message to BOOTP's 300 bytes, which some relays still require.
 *
 * @param op 1 BOOTREQUEST, 2 BOOTREPLY
 * @param secs seconds since the client began the exchange
 * @param broadcast the flag that asks servers to broadcast their reply (a client without an address cannot take
 *     unicast IP to an address it does not have yet)
 */
public record DhcpMessage(int op, int xid, int secs, boolean broadcast, Ipv4Address clientAddress,
                          Ipv4Address yourAddress, Ipv4Address serverAddress, Ipv4Address relayAddress,
                          MacAddress clientMac, Map<Integer, byte[]> options) {
    public static final int BOOTREQUEST = 1;
    public static final int BOOTREPLY = 2;
    private static final int FIXED = 236;
    private static final int MIN_LENGTH = 300;
    private static final byte[] MAGIC_COOKIE = {99, (byte) 130, 83, 99};

    public DhcpMessage {
        options = Collections.unmodifiableMap(new LinkedHashMap<>(options));
    }

    /** A client's message of {@code type}, with no addresses and only option 53; add more with {@link #with}. */
    public static DhcpMessage fromClient(DhcpMessageType type, int xid, MacAddress mac) {
        Map<Integer, byte[]> options = new LinkedHashMap<>();
        options.put(DhcpOption.MESSAGE_TYPE, new byte[] {(byte) type.code()});
        return new DhcpMessage(BOOTREQUEST, xid, 0, true, Ipv4Address.ANY, Ipv4Address.ANY, Ipv4Address.ANY,
                Ipv4Address.ANY, mac, options);
    }

    /** This message with option {@code code} set to {@code value} (replacing any earlier one). */
    public DhcpMessage with(int code, byte[] value) {
        if (code == DhcpOption.PAD || code == DhcpOption.END || value.length > 255) {
            throw new IllegalArgumentException("option " + code + " of " + value.length + " bytes cannot be sent");
        }
        Map<Integer, byte[]> o = new LinkedHashMap<>(options);
        o.put(code, value.clone());
        return new DhcpMessage(op, xid, secs, broadcast, clientAddress, yourAddress, serverAddress, relayAddress,
                clientMac, o);
    }

    public DhcpMessage withSecs(int seconds) {
        return new DhcpMessage(op, xid, Math.min(seconds, 0xffff), broadcast, clientAddress, yourAddress,
                serverAddress, relayAddress, clientMac, options);
    }

    public Optional<DhcpMessageType> type() {
        byte[] t = options.get(DhcpOption.MESSAGE_TYPE);
        return t == null || t.length != 1 ? Optional.empty() : DhcpMessageType.of(t[0] & 0xff);
    }

    public Optional<byte[]> option(int code) {
        return Optional.ofNullable(options.get(code)).map(byte[]::clone);
    }

    public Optional<Ipv4Address> subnetMask() {
        return address(DhcpOption.SUBNET_MASK);
    }

    /** Option 3, in the server's order of preference. */
    public List<Ipv4Address> routers() {
        return addresses(DhcpOption.ROUTER);
    }

    public Optional<Ipv4Address> serverId() {
        return address(DhcpOption.SERVER_ID);
    }

    public OptionalInt leaseSeconds() {
        byte[] v = options.get(DhcpOption.LEASE_TIME);
        return v == null || v.length != 4 ? OptionalInt.empty() : OptionalInt.of(Ipv4Address.of(v, 0).value());
    }

    private Optional<Ipv4Address> address(int code) {
        byte[] v = options.get(code);
        return v == null || v.length != 4 ? Optional.empty() : Optional.of(Ipv4Address.of(v, 0));
    }

    private List<Ipv4Address> addresses(int code) {
        byte[] v = options.getOrDefault(code, new byte[0]);
        List<Ipv4Address> out = new ArrayList<>();
        for (int i = 0; i + 4 <= v.length; i += 4) {
            out.add(Ipv4Address.of(v, i));
        }
        return out;
    }

    public byte[] encode() {
        ByteArrayOutputStream out = new ByteArrayOutputStream(MIN_LENGTH);
        byte[] fixed = new byte[FIXED];
        fixed[0] = (byte) op;
        fixed[1] = 1; // htype: Ethernet
        fixed[2] = 6; // hlen
        new Ipv4Address(xid).write(fixed, 4);
        fixed[8] = (byte) (secs >>> 8);
        fixed[9] = (byte) secs;
        fixed[10] = (byte) (broadcast ? 0x80 : 0);
        clientAddress.write(fixed, 12);
        yourAddress.write(fixed, 16);
        serverAddress.write(fixed, 20);
        relayAddress.write(fixed, 24);
        System.arraycopy(clientMac.bytes(), 0, fixed, 28, 6);
        out.writeBytes(fixed);
        out.writeBytes(MAGIC_COOKIE);
        writeOption(out, DhcpOption.MESSAGE_TYPE);
        for (Integer code : options.keySet()) {
            if (code != DhcpOption.MESSAGE_TYPE) {
                writeOption(out, code);
            }
        }
        out.write(DhcpOption.END);
        while (out.size() < MIN_LENGTH) {
            out.write(DhcpOption.PAD);
        }
        return out.toByteArray();
    }

    private void writeOption(ByteArrayOutputStream out, int code) {
        byte[] v = options.get(code);
        if (v != null) {
            out.write(code);
            out.write(v.length);
            out.writeBytes(v);
        }
    }

    /** The DHCP message in {@code b}, or empty when it is not one (BOOTP without the cookie, truncated, not Ethernet). */
    public static Optional<DhcpMessage> decode(byte[] b) {
        if (b.length < FIXED + 4 || b[1] != 1 || b[2] != 6
                || !Arrays.equals(Arrays.copyOfRange(b, FIXED, FIXED + 4), MAGIC_COOKIE)) {
            return Optional.empty();
        }
        Map<Integer, ByteArrayOutputStream> raw = new LinkedHashMap<>();
        if (!readOptions(b, FIXED + 4, b.length, raw)) {
            return Optional.empty();
        }
        ByteArrayOutputStream overload = raw.get(DhcpOption.OVERLOAD);
        int overloaded = overload == null || overload.size() != 1 ? 0 : overload.toByteArray()[0];
        // RFC 2131 4.1: options in "file" come before those in "sname".
        if ((overloaded & 1) != 0 && !readOptions(b, 108, 236, raw)) {
            return Optional.empty();
        }
        if ((overloaded & 2) != 0 && !readOptions(b, 44, 108, raw)) {
            return Optional.empty();
        }
        Map<Integer, byte[]> options = new LinkedHashMap<>();
        raw.forEach((code, value) -> options.put(code, value.toByteArray()));
        return Optional.of(new DhcpMessage(b[0] & 0xff, Ipv4Address.of(b, 4).value(), (b[8] & 0xff) << 8 | b[9] & 0xff,
                (b[10] & 0x80) != 0, Ipv4Address.of(b, 12), Ipv4Address.of(b, 16), Ipv4Address.of(b, 20),
                Ipv4Address.of(b, 24), MacAddress.of(Arrays.copyOfRange(b, 28, 34)), options));
    }

    /** Reads options from {@code b[from..to)} into {@code into}, joining repeated codes; false when malformed. */
    private static boolean readOptions(byte[] b, int from, int to, Map<Integer, ByteArrayOutputStream> into) {
        int i = from;
        while (i < to) {
            int code = b[i] & 0xff;
            if (code == DhcpOption.END) {
                return true;
            }
            if (code == DhcpOption.PAD) {
                i++;
                continue;
            }
            if (i + 1 >= to) {
                return false;
            }
            int length = b[i + 1] & 0xff;
            if (i + 2 + length > to) {
                return false;
            }
            into.computeIfAbsent(code, c -> new ByteArrayOutputStream()).write(b, i + 2, length);
            i += 2 + length;
        }
        return true; // no END: accepted, as most clients do
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof DhcpMessage m) || op != m.op || xid != m.xid || secs != m.secs || broadcast != m.broadcast
                || !clientAddress.equals(m.clientAddress) || !yourAddress.equals(m.yourAddress)
                || !serverAddress.equals(m.serverAddress) || !relayAddress.equals(m.relayAddress)
                || !clientMac.equals(m.clientMac) || !options.keySet().equals(m.options.keySet())) {
            return false;
        }
        return options.entrySet().stream().allMatch(e -> Arrays.equals(e.getValue(), m.options.get(e.getKey())));
    }

    @Override
    public int hashCode() {
        return xid * 31 + clientMac.hashCode();
    }

    @Override
    public String toString() {
        return "DhcpMessage[" + type().map(Enum::name).orElse("op " + op) + " xid 0x" + Integer.toHexString(xid)
                + " chaddr " + clientMac + " yiaddr " + yourAddress + " options " + options.keySet() + "]";
    }
}
