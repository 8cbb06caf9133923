package io.vmnetd.netlink;

import java.nio.charset.StandardCharsets;

/** Checks of arguments against the kernel's own rules, so that bad input fails before any message is sent. */
public final class Arguments {
    /** IFNAMSIZ - 1: the kernel keeps a NUL in 16 bytes. */
    public static final int MAX_NAME_BYTES = 15;
    public static final int MIN_VID = 1;
    public static final int MAX_VID = 4094;
    /** ETH_MIN_MTU and ETH_MAX_MTU: the widest range any Ethernet-like device accepts. */
    public static final int MIN_MTU = 68;
    public static final int MAX_MTU = 65535;

    private Arguments() {}

    /** A name the kernel's dev_valid_name() accepts: 1..15 bytes, not "." or "..", no '/', ':' or whitespace. */
    public static String linkName(String argument, String name) {
        if (name == null || name.isEmpty()) {
            throw new InvalidArgumentException(argument, "a link name must not be empty");
        }
        int bytes = name.getBytes(StandardCharsets.UTF_8).length;
        if (bytes > MAX_NAME_BYTES) {
            throw new InvalidArgumentException(argument, "\"" + name + "\" is " + bytes
                    + " bytes; a link name has 1.." + MAX_NAME_BYTES + " bytes");
        }
        if (name.equals(".") || name.equals("..")) {
            throw new InvalidArgumentException(argument, "\"" + name + "\" is not a valid link name");
        }
        // Byte by byte, as the kernel's dev_valid_name() does: its isspace() also counts 0xA0, which UTF-8
        // uses inside characters like 'à'.
        for (byte b : name.getBytes(StandardCharsets.UTF_8)) {
            int c = b & 0xff;
            if (c == '/' || c == ':' || c == ' ' || (c >= '\t' && c <= '\r') || c == 0xa0 || c == 0) {
                String what = c == '/' || c == ':' ? "'" + (char) c + "'" : "whitespace";
                throw new InvalidArgumentException(argument, "\"" + name + "\" contains " + what
                        + "; a link name may not contain '/', ':' or whitespace");
            }
        }
        return name;
    }

    public static int vid(String argument, int vid) {
        if (vid < MIN_VID || vid > MAX_VID) {
            throw new InvalidArgumentException(argument, vid + " is not a VLAN id; allowed: " + MIN_VID + ".." + MAX_VID);
        }
        return vid;
    }

    public static int mtu(String argument, int mtu, int min, int max) {
        if (mtu < min || mtu > max) {
            throw new InvalidArgumentException(argument, mtu + " is outside the device's MTU range " + min + ".." + max);
        }
        return mtu;
    }

    public static int nonNegative(String argument, int value) {
        if (value < 0) {
            throw new InvalidArgumentException(argument, value + " is negative; allowed: 0.." + Integer.MAX_VALUE);
        }
        return value;
    }

    public static <T> T notNull(String argument, T value) {
        if (value == null) {
            throw new InvalidArgumentException(argument, "must be given");
        }
        return value;
    }
}
