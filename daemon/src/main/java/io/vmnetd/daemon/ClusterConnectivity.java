package io.vmnetd.daemon;

import io.vmnetd.daemon.cluster.ConnectivityResult;
import io.vmnetd.daemon.probe.Connectivity;
import java.util.Optional;

/**
 * A connectivity check's outcome as a cluster source reports it (Harvester's route annotation has words only for
 * connected, unreachable and DHCP failed). States that say nothing about the network (not applicable, not yet
 * checked) are not reported.
 */
final class ClusterConnectivity {
    private ClusterConnectivity() {}

    static Optional<ConnectivityResult> of(String vmNetwork, Connectivity c) {
        ConnectivityResult.Outcome outcome = switch (c.state()) {
            case ACTIVE -> ConnectivityResult.Outcome.CONNECTED;
            case INACTIVE, ERROR -> ConnectivityResult.Outcome.UNREACHABLE;
            case DHCP_FAILED -> ConnectivityResult.Outcome.DHCP_FAILED;
            case NOT_APPLICABLE, UNKNOWN -> null;
        };
        if (outcome == null || c.checkedAt().isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new ConnectivityResult(vmNetwork, outcome,
                c.state().apiName() + c.reason().map(r -> ": " + r).orElse(""), c.checkedAt().get()));
    }
}
