package io.vmnetd.netlink;

/**
 * How the kernel makes a link's IPv6 link-local address when the link goes up (IN6_ADDR_GEN_MODE_*). With
 * {@link #NONE} it makes none, so the link never starts duplicate address detection, router solicitation or MLD
 * reports: IPv6 stays silent on it without touching /proc/sys.
 */
public enum Ipv6AddrGenMode {
    EUI64(0),
    NONE(1),
    STABLE_PRIVACY(2),
    RANDOM(3);

    private final int number;

    Ipv6AddrGenMode(int number) {
        this.number = number;
    }

    public int number() {
        return number;
    }
}
