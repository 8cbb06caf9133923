package io.vmnetd.kube;

import io.vmnetd.daemon.cluster.NetworkSource;
import io.vmnetd.daemon.cluster.NetworkSources;
import io.vmnetd.daemon.config.Config;
import java.util.logging.Level;
import java.util.logging.Logger;

/** Serves the config's {@code kubernetes} section; found by the daemon's ServiceLoader. */
public final class KubeProvider implements NetworkSource.Provider {
    /**
     * Harvester's resources are v1beta1, which the client warns about once per kind at every start: noise in the
     * journal. Held here because java.util.logging keeps loggers only weakly.
     */
    private static final Logger VERSION_WARNINGS =
            Logger.getLogger("io.fabric8.kubernetes.client.dsl.internal.VersionUsageUtils");

    static {
        VERSION_WARNINGS.setLevel(Level.SEVERE);
    }
    @Override
    public String section() {
        return NetworkSources.KUBERNETES;
    }

    @Override
    public NetworkSource open(Config config) {
        var settings = config.kubernetes().orElseThrow(() -> new IllegalArgumentException("no kubernetes section"));
        return new KubeNetworkSource(settings.resolvedNodeName(), config.stateDir(), settings.resyncSeconds(),
                () -> Clients.create(settings));
    }
}
