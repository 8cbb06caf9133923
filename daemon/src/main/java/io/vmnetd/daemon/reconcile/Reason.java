package io.vmnetd.daemon.reconcile;

/** Why a reconcile runs; only event-driven and periodic runs can find drift. */
public enum Reason {
    STARTUP, CONFIG, CNI, LINK_EVENT, RESYNC, MONITOR_OVERFLOW, RETRY,
    /** An operator's POST /v1/networks/NAME/check. */
    CHECK,
    /** A host network's DHCP lease was bound, renewed with a change, or lost. */
    DHCP_LEASE;

    public boolean repairsDrift() {
        return this == LINK_EVENT || this == RESYNC || this == MONITOR_OVERFLOW || this == RETRY || this == CHECK;
    }
}
