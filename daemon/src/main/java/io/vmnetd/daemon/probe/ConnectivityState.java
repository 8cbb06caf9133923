package io.vmnetd.daemon.probe;

/** What the last check of a VM network found, as the API and the metrics spell it. */
public enum ConnectivityState {
    /** The gateway answered ARP (and ICMP echo, when asked). */
    ACTIVE("active"),
    /** The gateway was silent. */
    INACTIVE("inactive"),
    /** A route in auto mode got no DHCP OFFER: no server is reachable on the VLAN from this node. */
    DHCP_FAILED("dhcp-failed"),
    /** The check could not be made or its answer made no sense; the reason says why. */
    ERROR("error"),
    /** The network is not checked: it has no route (or an IPv6 one). */
    NOT_APPLICABLE("not-applicable"),
    /** Checked, but no check has finished yet. */
    UNKNOWN("unknown");

    private final String apiName;

    ConnectivityState(String apiName) {
        this.apiName = apiName;
    }

    public String apiName() {
        return apiName;
    }
}
