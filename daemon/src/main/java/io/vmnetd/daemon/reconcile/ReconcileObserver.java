package io.vmnetd.daemon.reconcile;

import java.time.Duration;

/** Hears about every reconcile run and every drift repair, e.g. to count them. */
public interface ReconcileObserver {
    void reconciled(boolean succeeded, Duration took);

    void repaired(String kind);

    /** A reconcile of one network failed with {@code message}. */
    default void failed(String message) {}

    ReconcileObserver NONE = new ReconcileObserver() {
        @Override
        public void reconciled(boolean succeeded, Duration took) {}

        @Override
        public void repaired(String kind) {}
    };
}
