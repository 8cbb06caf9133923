package io.vmnetd.daemon.probe.dhcp;

import java.util.Optional;

/** Option 53, the DHCP message type (RFC 2132 9.6). */
public enum DhcpMessageType {
    DISCOVER(1), OFFER(2), REQUEST(3), DECLINE(4), ACK(5), NAK(6), RELEASE(7), INFORM(8);

    private final int code;

    DhcpMessageType(int code) {
        this.code = code;
    }

    public int code() {
        return code;
    }

    public static Optional<DhcpMessageType> of(int code) {
        for (DhcpMessageType t : values()) {
            if (t.code == code) {
                return Optional.of(t);
            }
        }
        return Optional.empty();
    }

    /** Sent by clients (BOOTREQUEST) rather than servers. */
    public boolean fromClient() {
        return this == DISCOVER || this == REQUEST || this == DECLINE || this == RELEASE || this == INFORM;
    }
}
