package io.vmnetd.daemon.bench;

/**
 * Sums of vmnetd's own counters over the measured vmnet calls. {@code complete} is false once any scrape around them
 * failed, so that a partial sum is never reported as the whole.
 */
record DaemonStats(double calls, double seconds, double netlinkRequests, double reconciles,
                   double reconcileSeconds, boolean complete) {
    static final DaemonStats ZERO = new DaemonStats(0, 0, 0, 0, 0, true);

    static DaemonStats between(VmnetdMetrics a, VmnetdMetrics b, String command) {
        if (a == null || b == null) {
            return new DaemonStats(0, 0, 0, 0, 0, false);
        }
        String base = "vmnetd_cni_request_duration_seconds";
        String tag = "{command=\"" + command + "\",}";
        return new DaemonStats(b.get(base + "_count" + tag) - a.get(base + "_count" + tag),
                b.get(base + "_sum" + tag) - a.get(base + "_sum" + tag),
                b.sumMatching("vmnetd_netlink_requests_total") - a.sumMatching("vmnetd_netlink_requests_total"),
                b.sumMatching("vmnetd_reconcile_duration_seconds_count")
                        - a.sumMatching("vmnetd_reconcile_duration_seconds_count"),
                b.sumMatching("vmnetd_reconcile_duration_seconds_sum")
                        - a.sumMatching("vmnetd_reconcile_duration_seconds_sum"), true);
    }

    DaemonStats plus(DaemonStats d) {
        return new DaemonStats(calls + d.calls, seconds + d.seconds, netlinkRequests + d.netlinkRequests,
                reconciles + d.reconciles, reconcileSeconds + d.reconcileSeconds, complete && d.complete);
    }

    double meanNanos() {
        return calls > 0 ? seconds / calls * 1e9 : Double.NaN;
    }

    double netlinkPerCall() {
        return calls > 0 ? netlinkRequests / calls : Double.NaN;
    }

    double reconcilesPerCall() {
        return calls > 0 ? reconciles / calls : Double.NaN;
    }

    double reconcileMeanNanos() {
        return reconciles > 0 ? reconcileSeconds / reconciles * 1e9 : Double.NaN;
    }
}
