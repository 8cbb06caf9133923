package io.vmnetd.netlink;

import java.net.Inet4Address;
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

    /** Parses a literal address without ever asking DNS. */
    public static InetAddress parseAddress(String literal) {
        boolean v4 = literal.matches("\\d{1,3}(\\.\\d{1,3}){3}");
        boolean v6 = literal.contains(":") && literal.matches("[0-9a-fA-F:.]+");
        if (!v4 && !v6) {
            throw new InvalidArgumentException("address", "\"" + literal + "\" is not an IPv4 or IPv6 address");
        }
        try {
            return InetAddress.getByName(literal);
        } catch (UnknownHostException e) {
            throw new InvalidArgumentException("address", "\"" + literal + "\" is not an IPv4 or IPv6 address");
        }
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
        try {
            return new IpPrefix(InetAddress.getByAddress(b), length);
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
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
