package io.vmnetd.daemon.probe.net;

import java.util.Optional;

/** An IPv4 address as its 32 bits; prints and parses as dotted quad. */
public record Ipv4Address(int value) {
    public static final Ipv4Address ANY = new Ipv4Address(0);
    public static final Ipv4Address BROADCAST = new Ipv4Address(0xffffffff);

    /** The dotted quad {@code text}, if it is one. */
    public static Optional<Ipv4Address> parse(String text) {
        String[] parts = text.split("\\.", -1);
        if (parts.length != 4) {
            return Optional.empty();
        }
        int value = 0;
        for (String part : parts) {
            if (part.isEmpty() || part.length() > 3 || !part.chars().allMatch(Character::isDigit)) {
                return Optional.empty();
            }
            int octet = Integer.parseInt(part);
            if (octet > 255) {
                return Optional.empty();
            }
            value = value << 8 | octet;
        }
        return Optional.of(new Ipv4Address(value));
    }

    public static Ipv4Address of(byte[] b, int offset) {
        return new Ipv4Address((b[offset] & 0xff) << 24 | (b[offset + 1] & 0xff) << 16 | (b[offset + 2] & 0xff) << 8
                | b[offset + 3] & 0xff);
    }

    public void write(byte[] b, int offset) {
        b[offset] = (byte) (value >>> 24);
        b[offset + 1] = (byte) (value >>> 16);
        b[offset + 2] = (byte) (value >>> 8);
        b[offset + 3] = (byte) value;
    }

    /** The netmask of a prefix length, e.g. 24 -> 255.255.255.0. */
    public static Ipv4Address netmask(int prefixLength) {
        if (prefixLength < 0 || prefixLength > 32) {
            throw new IllegalArgumentException("prefix length " + prefixLength + " is not 0..32");
        }
        return new Ipv4Address(prefixLength == 0 ? 0 : -1 << (32 - prefixLength));
    }

    /** The prefix length of this netmask, or empty if its ones are not contiguous (e.g. 255.0.255.0). */
    public Optional<Integer> prefixLength() {
        int ones = Integer.bitCount(value);
        return netmask(ones).equals(this) ? Optional.of(ones) : Optional.empty();
    }

    public Ipv4Address and(Ipv4Address mask) {
        return new Ipv4Address(value & mask.value);
    }

    public boolean isAny() {
        return value == 0;
    }

    @Override
    public String toString() {
        return (value >>> 24) + "." + (value >>> 16 & 0xff) + "." + (value >>> 8 & 0xff) + "." + (value & 0xff);
    }
}
