package io.vmnetd.daemon.probe.net;

import io.vmnetd.netlink.MacAddress;
import java.util.Arrays;
import java.util.Optional;

/**
 * An Ethernet II frame: destination, source, EtherType and payload. Encoding pads to the 60-byte minimum (the FCS is
 * the NIC's); decoding skips one 802.1Q tag, should a frame arrive tagged.
 */
public record EthernetFrame(MacAddress destination, MacAddress source, int etherType, byte[] payload) {
    public static final int IPV4 = 0x0800;
    public static final int ARP = 0x0806;
    public static final int VLAN = 0x8100;
    public static final MacAddress BROADCAST = MacAddress.parse("ff:ff:ff:ff:ff:ff");
    private static final int HEADER = 14;
    private static final int MIN_LENGTH = 60;

    public byte[] encode() {
        byte[] b = new byte[Math.max(MIN_LENGTH, HEADER + payload.length)];
        System.arraycopy(destination.bytes(), 0, b, 0, 6);
        System.arraycopy(source.bytes(), 0, b, 6, 6);
        b[12] = (byte) (etherType >>> 8);
        b[13] = (byte) etherType;
        System.arraycopy(payload, 0, b, HEADER, payload.length);
        return b;
    }

    /** The frame in {@code b}, or empty when it is too short to be one. */
    public static Optional<EthernetFrame> decode(byte[] b) {
        if (b.length < HEADER) {
            return Optional.empty();
        }
        int offset = 12;
        int type = (b[offset] & 0xff) << 8 | b[offset + 1] & 0xff;
        if (type == VLAN && b.length >= HEADER + 4) {
            offset += 4;
            type = (b[offset] & 0xff) << 8 | b[offset + 1] & 0xff;
        }
        return Optional.of(new EthernetFrame(MacAddress.of(Arrays.copyOfRange(b, 0, 6)),
                MacAddress.of(Arrays.copyOfRange(b, 6, 12)), type, Arrays.copyOfRange(b, offset + 2, b.length)));
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof EthernetFrame f && destination.equals(f.destination) && source.equals(f.source)
                && etherType == f.etherType && Arrays.equals(payload, f.payload);
    }

    @Override
    public int hashCode() {
        return destination.hashCode() * 31 + Arrays.hashCode(payload);
    }

    @Override
    public String toString() {
        return "EthernetFrame[" + source + " > " + destination + " type 0x" + Integer.toHexString(etherType) + ", "
                + payload.length + " bytes]";
    }
}
