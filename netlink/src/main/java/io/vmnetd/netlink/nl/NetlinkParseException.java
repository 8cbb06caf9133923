package io.vmnetd.netlink.nl;

/** Bytes that are not a well-formed netlink message: the only exception the decoders throw for bad input. */
public class NetlinkParseException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public NetlinkParseException(String message) {
        super(message);
    }
}
