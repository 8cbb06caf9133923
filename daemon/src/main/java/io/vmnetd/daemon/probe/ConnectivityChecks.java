package io.vmnetd.daemon.probe;

import io.vmnetd.daemon.config.VmNetwork;

/** What the API asks of the connectivity checks. */
public interface ConnectivityChecks {

    /** The last result for {@code network}: not-applicable without a route, unknown before the first check. */
    Connectivity current(VmNetwork network);

    /**
     * Checks {@code network} now (or joins the check already running) and returns its result; blocks for at most
     * the check timeout and a few seconds.
     */
    Connectivity checkNow(VmNetwork network);

}
