package io.vmnetd.daemon.cluster;

import java.util.List;
import java.util.function.Supplier;

/**
 * The daemon's side of a running {@link NetworkSource}: its networks go through the {@link ComposedConfig} and a
 * reconcile; every reconcile tells the source, which then reads the networks' states when it reports.
 */
public final class ClusterMode implements NetworkSource.Host, AutoCloseable {
    private final NetworkSource source;
    private final ComposedConfig composer;
    private final Supplier<List<NetworkState>> states;
    private final Runnable requestReconcile;

    /**
     * @param requestReconcile asks for a reconcile of every network soon (the reconcile loop's request)
     */
    public ClusterMode(NetworkSource source, ComposedConfig composer, Supplier<List<NetworkState>> states,
                       Runnable requestReconcile) {
        this.source = source;
        this.composer = composer;
        this.states = states;
        this.requestReconcile = requestReconcile;
    }

    /** Starts the source, which hands over its last good networks before this returns. */
    public void start() {
        source.start(this);
    }

    public ComposedConfig composer() {
        return composer;
    }

    public NetworkSource source() {
        return source;
    }

    @Override
    public void networksChanged(SourcedNetworks networks) {
        composer.applySourced(networks);
        requestReconcile.run();
    }

    @Override
    public List<Refusal> refusals() {
        return composer.refusals();
    }

    @Override
    public List<NetworkState> networkStates() {
        return states.get();
    }

    /** A reconcile ran. */
    public void reconciled() {
        source.nodeChanged();
    }

    @Override
    public void close() {
        source.close();
    }
}
