package io.vmnetd.netlink;

/** MACVLAN_MODE_* values. */
public enum MacvlanMode {
    PRIVATE(1), VEPA(2), BRIDGE(4), PASSTHRU(8), SOURCE(16);

    private final int number;

    MacvlanMode(int number) {
        this.number = number;
    }

    public int number() {
        return number;
    }

    public static MacvlanMode ofNumber(int number) {
        for (MacvlanMode m : values()) {
            if (m.number == number) {
                return m;
            }
        }
        throw new io.vmnetd.netlink.nl.NetlinkParseException("unknown macvlan mode " + number);
    }
}
