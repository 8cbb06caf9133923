package io.vmnetd.netlink;

/** RFC 2863 operational state (IF_OPER_*), in kernel order. */
public enum OperState {
    UNKNOWN, NOTPRESENT, DOWN, LOWERLAYERDOWN, TESTING, DORMANT, UP;

    public static OperState ofNumber(int n) {
        return n >= 0 && n < values().length ? values()[n] : UNKNOWN;
    }
}
