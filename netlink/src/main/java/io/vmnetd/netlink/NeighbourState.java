package io.vmnetd.netlink;

/** NUD_*: where a neighbour entry is in the kernel's resolution state machine (ARP for IPv4, NDP for IPv6). */
public enum NeighbourState {
    NONE(0x00),
    /** Being resolved: solicitations go out, nothing answered yet. */
    INCOMPLETE(0x01),
    /** Answered recently by a unicast reply: its link-layer address is confirmed. */
    REACHABLE(0x02),
    /** Has a link-layer address that is not confirmed (learnt from a broadcast, or aged from REACHABLE). */
    STALE(0x04),
    DELAY(0x08),
    PROBE(0x10),
    /** Resolution gave up: every solicitation went unanswered. */
    FAILED(0x20),
    NOARP(0x40),
    PERMANENT(0x80);

    private final int bits;

    NeighbourState(int bits) {
        this.bits = bits;
    }

    public int bits() {
        return bits;
    }

    /** True in the states where the entry holds a link-layer address someone answered with (NUD_VALID but NOARP). */
    public boolean isResolved() {
        return this == REACHABLE || this == STALE || this == DELAY || this == PROBE || this == PERMANENT;
    }

    /** The state of an ndm_state value: one bit is set; a value with none of these is NONE. */
    public static NeighbourState ofBits(int bits) {
        for (NeighbourState s : values()) {
            if (s.bits != 0 && (bits & s.bits) != 0) {
                return s;
            }
        }
        return NONE;
    }
}
