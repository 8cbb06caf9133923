package io.vmnetd.daemon.service;

import io.vmnetd.daemon.config.ClusterNetwork;
import io.vmnetd.daemon.config.Config;
import io.vmnetd.daemon.config.VmNetwork;
import io.vmnetd.daemon.reconcile.Reason;
import io.vmnetd.daemon.reconcile.ReconcileRun;
import io.vmnetd.daemon.reconcile.Reconciler;
import java.util.List;
import java.util.Optional;

/**
 * {@code POST /v1/networks/{name}/check}: an operator's "look at this network now". The cluster network (for a VM
 * network, the cluster network that carries it) is reconciled at once, under its lock like any other run, and the
 * answer says what was found different and repaired, what cannot be repaired, and what failed.
 */
public final class NetworkCheck {

    /**
     * The answer's JSON shape.
     *
     * @param network the name asked for
     * @param clusterNetwork the cluster network that was reconciled
     * @param applied the repairs made, as "network: step" lines; empty when the network was as declared
     * @param problems what keeps the network from its declared state ("network: cannot: ..."), left as it is
     * @param errors steps that failed
     * @param result "ok" when the network is now as declared (no problems, no errors), else "error"
     */
    public record Result(String network, String clusterNetwork, List<String> applied, List<String> problems,
                         List<String> errors, String result) {
        public Result {
            applied = List.copyOf(applied);
            problems = List.copyOf(problems);
            errors = List.copyOf(errors);
        }
    }

    private final Reconciler reconciler;

    public NetworkCheck(Reconciler reconciler) {
        this.reconciler = reconciler;
    }

    /** Reconciles the network now; empty when the running config has no network of that name. */
    public Optional<Result> run(String name) {
        Optional<String> cluster = clusterNetworkOf(reconciler.config(), name);
        if (cluster.isEmpty()) {
            return Optional.empty();
        }
        ReconcileRun run = reconciler.reconcile(cluster.get(), Reason.CHECK);
        boolean ok = run.errors().isEmpty() && run.problems().isEmpty();
        return Optional.of(new Result(name, cluster.get(), run.applied(), run.problems(), run.errors(),
                ok ? "ok" : "error"));
    }

    /** A cluster network (mgmt is always one) is its own; a VM network's is the one it names. */
    static Optional<String> clusterNetworkOf(Config config, String name) {
        if (name.equals(ClusterNetwork.MGMT) || config.clusterNetwork(name).isPresent()) {
            return Optional.of(name);
        }
        return config.vmNetwork(name).map(VmNetwork::clusterNetwork);
    }
}
