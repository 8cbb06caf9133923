package io.vmnetd.daemon.reconcile;

/** Why a reconcile runs; only event-driven, periodic and operator-requested (CHECK) runs can find drift. */
public enum Reason {
    STARTUP, CONFIG, CNI, LINK_EVENT, RESYNC, MONITOR_OVERFLOW, RETRY, CHECK;

    public boolean repairsDrift() {
        return this == LINK_EVENT || this == RESYNC || this == MONITOR_OVERFLOW || this == RETRY || this == CHECK;
    }
}
