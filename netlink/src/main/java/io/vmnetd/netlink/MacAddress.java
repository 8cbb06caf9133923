package io.vmnetd.netlink;

import java.security.SecureRandom;

/** A 48-bit Ethernet address. */
public record MacAddress(long value) {
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final char[] HEX_DIGITS = "0123456789abcdef".toCharArray();

    public MacAddress {
        if ((value & ~0xffff_ffff_ffffL) != 0) {
            throw new InvalidArgumentException("mac", "more than 48 bits");
        }
    }

    public static MacAddress of(byte[] bytes) {
        if (bytes.length != 6) {
            throw new InvalidArgumentException("mac", bytes.length + " bytes; an Ethernet address has 6");
        }
        long v = 0;
        for (byte b : bytes) {
            v = (v << 8) | (b & 0xff);
        }
        return new MacAddress(v);
    }

    /**
     * A random unicast, locally administered address, as the kernel gives a new veth: chosen here, a caller knows
     * it without asking the kernel (which, for a link in another namespace, needs a socket there).
     */
    public static MacAddress randomLocal() {
        byte[] b = new byte[6];
        RANDOM.nextBytes(b);
        b[0] = (byte) ((b[0] & 0xfe) | 0x02);
        return of(b);
    }

    /** Parses "02:00:5e:10:00:01" (also with '-' separators), the forms CNI runtimes pass. */
    public static MacAddress parse(String text) {
        String[] parts = text.trim().split("[:-]", -1);
        if (parts.length != 6) {
            throw new InvalidArgumentException("mac", "\"" + text + "\" is not an Ethernet address like 02:00:00:00:00:01");
        }
        long v = 0;
        for (String p : parts) {
            if (p.length() != 2 || !isHexDigit(p.charAt(0)) || !isHexDigit(p.charAt(1))) {
                throw new InvalidArgumentException("mac", "\"" + text + "\" is not an Ethernet address like 02:00:00:00:00:01");
            }
            v = (v << 8) | Integer.parseInt(p, 16);
        }
        return new MacAddress(v);
    }

    /** ASCII only: Character.digit would also take Arabic-Indic or fullwidth digits. */
    private static boolean isHexDigit(char c) {
        return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
    }

    public byte[] bytes() {
        byte[] b = new byte[6];
        for (int i = 5; i >= 0; i--) {
            b[i] = (byte) (value >> (8 * (5 - i)));
        }
        return b;
    }

    public boolean isMulticast() {
        return (value & 0x0100_0000_0000L) != 0;
    }

    /** "02:00:5e:10:00:01"; written out by hand: String.format cost ~0.3 ms of an ADD in the lab (JFR). */
    @Override
    public String toString() {
        char[] text = new char[17];
        for (int i = 0; i < 6; i++) {
            int octet = (int) (value >> (8 * (5 - i))) & 0xff;
            text[3 * i] = HEX_DIGITS[octet >> 4];
            text[3 * i + 1] = HEX_DIGITS[octet & 0xf];
            if (i < 5) {
                text[3 * i + 2] = ':';
            }
        }
        return new String(text);
    }
}
