package io.vmnetd.kube.status;

import io.vmnetd.daemon.cluster.ConnectivityResult;
import java.time.Instant;

/**
 * The last connectivity result of one VM network and when its outcome last changed: a check that finds the same again
 * changes nothing that is written.
 */
public record Connectivity(ConnectivityResult result, Instant changed) {

    /** {@code next} following this (null: the first result). */
    public static Connectivity after(Connectivity previous, ConnectivityResult next) {
        boolean same = previous != null && previous.result().outcome() == next.outcome()
                && previous.result().detail().equals(next.detail());
        return new Connectivity(next, same ? previous.changed() : next.checkedAt());
    }
}
