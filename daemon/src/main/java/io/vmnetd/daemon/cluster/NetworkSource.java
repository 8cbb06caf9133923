package io.vmnetd.daemon.cluster;

import io.vmnetd.daemon.config.Config;
import java.util.List;

/**
 * Networks declared somewhere other than the config file (a Kubernetes cluster), and the reports the node owes
 * that place in return. The daemon finds an implementation through {@link Provider} only when its config asks for
 * one (see {@link NetworkSources}), so without it none of that code is loaded.
 *
 * <p>A source never hands the daemon a partial view: until it knows the whole state again it keeps the last good
 * one, which it keeps across restarts, so that the node runs its networks (and serves CNI) while the source is
 * unreachable.
 */
public interface NetworkSource extends AutoCloseable {

    /** Makes a source; registered in {@code META-INF/services/io.vmnetd.daemon.cluster.NetworkSource$Provider}. */
    interface Provider {
        /** The config section this provider serves, e.g. {@code kubernetes}. */
        String section();

        /** A source for {@code config} (the file's), not started: nothing is contacted yet. */
        NetworkSource open(Config config) throws Exception;
    }

    /** What the daemon offers a source. Thread-safe. */
    interface Host {
        /**
         * The source's networks changed (or, at start, are known from its last good state): the daemon composes them
         * with the file's networks and reconciles.
         */
        void networksChanged(SourcedNetworks networks);

        /** The source's networks the daemon does not run, e.g. one the file declares differently, to report. */
        List<Refusal> refusals();

        /** What each network on the node looks like now: the kernel's links and the reconciler's problems. */
        List<NetworkState> networkStates();
    }

    /**
     * Hands {@code host} the last good networks (if any) before returning, without waiting for anything remote; then
     * keeps them current in the background.
     */
    void start(Host host);

    /** A reconcile ran: the node's networks may look different. Cheap; never blocks on the source. */
    void nodeChanged();

    /** A connectivity check's result for one VM network, to report where the source's users read it. */
    void connectivity(ConnectivityResult result);

    /** Stops watching; what the node runs stays as it is. */
    @Override
    void close();
}
