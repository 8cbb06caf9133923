package io.vmnetd.daemon.config;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Parses IP literals without ever touching DNS ({@link InetAddress#getByName} may resolve what it fails to
 * parse, and validation must neither block nor depend on the network).
 */
final class IpAddresses {

    private static final Pattern IPV4 = Pattern.compile("(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})");
    private static final Pattern HEX_GROUP = Pattern.compile("[0-9a-fA-F]{1,4}");

    private IpAddresses() {
    }

    /** A network: address plus prefix length. */
    record Cidr(byte[] address, int prefixLength) {

        /** Whether {@code other} (of the same family) lies inside this network. */
        boolean contains(byte[] other) {
            return other.length == address.length && samePrefix(address, other, prefixLength);
        }

        boolean hasHostBits() {
            return !samePrefix(address, networkAddress(), address.length * 8);
        }

        byte[] networkAddress() {
            byte[] network = address.clone();
            for (int bit = prefixLength; bit < network.length * 8; bit++) {
                network[bit / 8] &= (byte) ~(0x80 >>> (bit % 8));
            }
            return network;
        }

        byte[] broadcastAddress() {
            byte[] broadcast = address.clone();
            for (int bit = prefixLength; bit < broadcast.length * 8; bit++) {
                broadcast[bit / 8] |= (byte) (0x80 >>> (bit % 8));
            }
            return broadcast;
        }
    }

    /** An IPv4 dotted quad or an IPv6 address (no brackets, no zone). */
    static Optional<byte[]> parse(String text) {
        return text.contains(":") ? parseIpv6(text) : parseIpv4(text);
    }

    /** {@code address/prefix}, with the prefix no longer than the address family allows. */
    static Optional<Cidr> parseCidr(String text) {
        int slash = text.indexOf('/');
        if (slash < 0 || slash != text.lastIndexOf('/')) {
            return Optional.empty();
        }
        Optional<byte[]> address = parse(text.substring(0, slash));
        String prefix = text.substring(slash + 1);
        if (address.isEmpty() || !prefix.matches("\\d{1,3}")) {
            return Optional.empty();
        }
        int prefixLength = Integer.parseInt(prefix);
        if (prefixLength > address.get().length * 8) {
            return Optional.empty();
        }
        return Optional.of(new Cidr(address.get(), prefixLength));
    }

    static String format(byte[] address) {
        try {
            // getByAddress never resolves anything.
            return InetAddress.getByAddress(address).getHostAddress();
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("not an IPv4 or IPv6 address length: " + address.length, e);
        }
    }

    static Optional<byte[]> parseIpv4(String text) {
        var matcher = IPV4.matcher(text);
        if (!matcher.matches()) {
            return Optional.empty();
        }
        byte[] address = new byte[4];
        for (int i = 0; i < 4; i++) {
            String octet = matcher.group(i + 1);
            // Leading zeros read as octal in some tools and as decimal in others; refuse the ambiguity.
            if (octet.length() > 1 && octet.startsWith("0") || Integer.parseInt(octet) > 255) {
                return Optional.empty();
            }
            address[i] = (byte) Integer.parseInt(octet);
        }
        return Optional.of(address);
    }

    static Optional<byte[]> parseIpv6(String text) {
        int gap = text.indexOf("::");
        if (gap >= 0 && gap != text.lastIndexOf("::")) {
            return Optional.empty();
        }
        List<Integer> head = new ArrayList<>();
        List<Integer> tail = new ArrayList<>();
        boolean valid = gap < 0
                ? addGroups(text, true, head)
                : addGroups(text.substring(0, gap), false, head) && addGroups(text.substring(gap + 2), true, tail);
        int groupCount = head.size() + tail.size();
        if (!valid || (gap < 0 ? groupCount != 8 : groupCount > 7)) {
            return Optional.empty();
        }
        byte[] address = new byte[16];
        for (int i = 0; i < head.size(); i++) {
            putGroup(address, i, head.get(i));
        }
        for (int i = 0; i < tail.size(); i++) {
            putGroup(address, 8 - tail.size() + i, tail.get(i));
        }
        return Optional.of(address);
    }

    private static boolean addGroups(String part, boolean mayEndWithIpv4, List<Integer> groups) {
        if (part.isEmpty()) {
            return true;
        }
        String[] pieces = part.split(":", -1);
        for (int i = 0; i < pieces.length; i++) {
            String piece = pieces[i];
            if (mayEndWithIpv4 && i == pieces.length - 1 && piece.contains(".")) {
                Optional<byte[]> ipv4 = parseIpv4(piece);
                if (ipv4.isEmpty()) {
                    return false;
                }
                byte[] octets = ipv4.get();
                groups.add((octets[0] & 0xff) << 8 | octets[1] & 0xff);
                groups.add((octets[2] & 0xff) << 8 | octets[3] & 0xff);
            } else if (HEX_GROUP.matcher(piece).matches()) {
                groups.add(Integer.parseInt(piece, 16));
            } else {
                return false;
            }
        }
        return true;
    }

    private static void putGroup(byte[] address, int index, int group) {
        address[2 * index] = (byte) (group >>> 8);
        address[2 * index + 1] = (byte) group;
    }

    private static boolean samePrefix(byte[] a, byte[] b, int prefixLength) {
        for (int bit = 0; bit < prefixLength; bit++) {
            int mask = 0x80 >>> (bit % 8);
            if ((a[bit / 8] & mask) != (b[bit / 8] & mask)) {
                return false;
            }
        }
        return true;
    }
}
