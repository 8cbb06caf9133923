package io.vmnetd.daemon.probe.net;

import java.util.Arrays;
import java.util.Optional;

/**
 * An IPv4 datagram, and the ICMP echo messages it carries: the probe builds echo requests (the kernel adds the
 * header) and reads whole packets from its raw ICMP socket. Fragments are never decoded (echo replies of the
 * probe's size are never fragmented).
 */
public record Ipv4Packet(Ipv4Address source, Ipv4Address destination, int protocol, byte[] payload) {
    public static final int ICMP = 1;
    private static final int HEADER = 20;
    private static final int TTL = 64;

    public byte[] encode() {
        byte[] b = new byte[HEADER + payload.length];
        b[0] = 0x45;
        b[2] = (byte) (b.length >>> 8);
        b[3] = (byte) b.length;
        b[6] = 0x40; // DF: nothing the probe sends needs fragmenting
        b[8] = TTL;
        b[9] = (byte) protocol;
        source.write(b, 12);
        destination.write(b, 16);
        int sum = checksum(b, 0, HEADER, 0);
        b[10] = (byte) (sum >>> 8);
        b[11] = (byte) sum;
        System.arraycopy(payload, 0, b, HEADER, payload.length);
        return b;
    }

    /** The datagram in {@code b}, or empty when it is not a whole, unfragmented IPv4 datagram with a valid header. */
    public static Optional<Ipv4Packet> decode(byte[] b) {
        if (b.length < HEADER || (b[0] & 0xf0) != 0x40) {
            return Optional.empty();
        }
        int headerLength = (b[0] & 0x0f) * 4;
        int total = (b[2] & 0xff) << 8 | b[3] & 0xff;
        boolean fragment = (b[6] & 0x20) != 0 || ((b[6] & 0x1f) << 8 | b[7] & 0xff) != 0;
        if (headerLength < HEADER || total < headerLength || total > b.length || fragment
                || checksum(b, 0, headerLength, 0) != 0) {
            return Optional.empty();
        }
        return Optional.of(new Ipv4Packet(Ipv4Address.of(b, 12), Ipv4Address.of(b, 16), b[9] & 0xff,
                Arrays.copyOfRange(b, headerLength, total)));
    }

    /** An ICMP echo request ({@code reply} false) or reply. */
    public static Ipv4Packet echo(Ipv4Address source, Ipv4Address destination, boolean reply, int id, int sequence,
                                  byte[] data) {
        byte[] m = new byte[8 + data.length];
        m[0] = (byte) (reply ? 0 : 8);
        m[4] = (byte) (id >>> 8);
        m[5] = (byte) id;
        m[6] = (byte) (sequence >>> 8);
        m[7] = (byte) sequence;
        System.arraycopy(data, 0, m, 8, data.length);
        int sum = checksum(m, 0, m.length, 0);
        m[2] = (byte) (sum >>> 8);
        m[3] = (byte) sum;
        return new Ipv4Packet(source, destination, ICMP, m);
    }

    /** True for an ICMP echo reply with this identifier and a valid checksum. */
    public boolean isEchoReply(int id) {
        return protocol == ICMP && payload.length >= 8 && payload[0] == 0 && payload[1] == 0
                && ((payload[4] & 0xff) << 8 | payload[5] & 0xff) == (id & 0xffff)
                && checksum(payload, 0, payload.length, 0) == 0;
    }

    /** The RFC 1071 internet checksum of {@code b[offset..offset+length)}, starting from {@code initial}. */
    static int checksum(byte[] b, int offset, int length, int initial) {
        long sum = initial;
        for (int i = offset; i < offset + length; i += 2) {
            int high = b[i] & 0xff;
            int low = i + 1 < offset + length ? b[i + 1] & 0xff : 0;
            sum += high << 8 | low;
        }
        while ((sum >>> 16) != 0) {
            sum = (sum & 0xffff) + (sum >>> 16);
        }
        return (int) (~sum & 0xffff);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Ipv4Packet p && source.equals(p.source) && destination.equals(p.destination)
                && protocol == p.protocol && Arrays.equals(payload, p.payload);
    }

    @Override
    public int hashCode() {
        return source.hashCode() * 31 + Arrays.hashCode(payload);
    }

    @Override
    public String toString() {
        return "Ipv4Packet[" + source + " > " + destination + " proto " + protocol + ", " + payload.length + " bytes]";
    }
}
