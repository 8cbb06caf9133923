package io.vmnetd.daemon.reconcile;

import java.time.Instant;
import java.util.List;

/** The outcome of one reconcile: what ran, what was applied, what went wrong. */
public record ReconcileRun(Instant at, Reason reason, long millis, List<String> applied, List<String> problems,
                           List<String> errors) {
    public ReconcileRun {
        applied = List.copyOf(applied);
        problems = List.copyOf(problems);
        errors = List.copyOf(errors);
    }

    public boolean succeeded() {
        return errors.isEmpty();
    }
}
