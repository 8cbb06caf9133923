package io.vmnetd.netlink;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;

/** An address with a prefix length, "10.0.100.5/24" or "fd00::1/64". */
public record IpPrefix(InetAddress address, int length) {
    public IpPrefix {
        int max = address instanceof Inet4Address ? 32 : 128;
        if (length < 0 || length > max) {
            throw new InvalidArgumentException("prefix length", length + " is outside 0.." + max);
        }
    }

    public static IpPrefix parse(String text) {
        int slash = text.indexOf('/');
        String host = slash < 0 ? text : text.substring(0, slash);
        InetAddress address = parseAddress(host);
        int max = address instanceof Inet4Address ? 32 : 128;
        int length = max;
        if (slash >= 0) {
            try {
                length = Integer.parseInt(text.substring(slash + 1));
            } catch (NumberFormatException e) {
                throw new InvalidArgumentException("prefix", "\"" + text + "\" has no numeric prefix length");
            }
        }
        return new IpPrefix(address, length);
    }

    /** Parses a literal address without ever asking DNS; an IPv4-mapped IPv6 literal stays IPv6. */
    public static InetAddress parseAddress(String literal) {
        if (literal.matches("\\d{1,3}(\\.\\d{1,3}){3}")) {
            String[] parts = literal.split("\\.");
            byte[] b = new byte[4];
            for (int i = 0; i < 4; i++) {
                int octet = Integer.parseInt(parts[i]);
                if (octet > 255) {
                    throw notAnAddress(literal);
                }
                b[i] = (byte) octet;
            }
            return fromBytes(b);
        }
        // Only hex digits, colons and dots reach getByName, so it parses a literal and never resolves a name.
        if (!literal.contains(":") || !literal.matches("[0-9a-fA-F:.]+")) {
            throw notAnAddress(literal);
        }
        try {
            InetAddress parsed = InetAddress.getByName(literal);
            return parsed instanceof Inet4Address v4 ? fromBytes(mapped(v4.getAddress())) : parsed;
        } catch (UnknownHostException e) {
            throw notAnAddress(literal);
        }
    }

    /**
     * An address from its wire bytes: 4 bytes IPv4, 16 bytes IPv6 (InetAddress.getByAddress would turn an
     * IPv4-mapped IPv6 address into IPv4).
     */
    public static InetAddress fromBytes(byte[] bytes) {
        try {
            if (bytes.length == 16) {
                return Inet6Address.getByAddress(null, bytes, -1);
            }
            if (bytes.length == 4) {
                return InetAddress.getByAddress(bytes);
            }
        } catch (UnknownHostException e) {
            // falls through: only the length can be wrong
        }
        throw new InvalidArgumentException("address", bytes.length + " bytes is neither an IPv4 nor an IPv6 address");
    }

    private static byte[] mapped(byte[] v4) {
        byte[] b = new byte[16];
        b[10] = (byte) 0xff;
        b[11] = (byte) 0xff;
        System.arraycopy(v4, 0, b, 12, 4);
        return b;
    }

    private static InvalidArgumentException notAnAddress(String literal) {
        return new InvalidArgumentException("address", "\"" + literal + "\" is not an IPv4 or IPv6 address");
    }

    public int family() {
        return address instanceof Inet4Address ? io.vmnetd.netlink.sys.Native.AF_INET : io.vmnetd.netlink.sys.Native.AF_INET6;
    }

    /** The network address: host bits cleared. */
    public IpPrefix network() {
        byte[] b = address.getAddress();
        for (int bit = length; bit < b.length * 8; bit++) {
            b[bit / 8] &= (byte) ~(0x80 >> (bit % 8));
        }
        return new IpPrefix(fromBytes(b), length);
    }

    public boolean contains(InetAddress other) {
        if (other.getAddress().length != address.getAddress().length) {
            return false;
        }
        try {
            return new IpPrefix(other, length).network().equals(network());
        } catch (InvalidArgumentException e) {
            return false;
        }
    }

    @Override
    public String toString() {
        return address.getHostAddress() + "/" + length;
    }
}
