package io.vmnetd.daemon.service;

import io.vmnetd.daemon.metrics.Metrics;
import io.vmnetd.daemon.reconcile.ReconcileObserver;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/** Feeds reconcile outcomes to the metrics and keeps the totals /v1/status reports. */
public final class DriftCounter implements ReconcileObserver {
    private static final int KEPT_ERRORS = 20;

    private final Metrics metrics;
    private final AtomicLong repairs = new AtomicLong();
    private final AtomicLong failedRuns = new AtomicLong();
    private final Deque<String> errors = new ArrayDeque<>();

    public DriftCounter(Metrics metrics) {
        this.metrics = metrics;
    }

    @Override
    public void reconciled(boolean succeeded, Duration took) {
        metrics.reconcileRun(succeeded ? Metrics.OK : Metrics.ERROR, took);
        if (!succeeded) {
            failedRuns.incrementAndGet();
        }
    }

    @Override
    public void repaired(String kind) {
        repairs.incrementAndGet();
        metrics.driftRepaired(kind);
    }

    @Override
    public void failed(String message) {
        error(message);
    }

    public void error(String message) {
        synchronized (errors) {
            errors.addLast(java.time.Instant.now() + " " + message);
            while (errors.size() > KEPT_ERRORS) {
                errors.removeFirst();
            }
        }
    }

    public long total() {
        return repairs.get();
    }

    public List<String> recentErrors() {
        synchronized (errors) {
            return List.copyOf(errors);
        }
    }
}
