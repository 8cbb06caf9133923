package io.vmnetd.daemon.cluster;

import io.vmnetd.daemon.config.Config;
import io.vmnetd.daemon.config.ConfigException;
import io.vmnetd.daemon.reconcile.Reconciler;

/** Makes the reconciler's config out of the config file's and whatever other sources declare. Thread-safe. */
public interface ConfigComposer {

    /**
     * The config {@code file} makes together with the other sources, without changing anything; a file that
     * declares a network they declare, differently, is refused with a problem naming the network and field.
     */
    Config check(Config file) throws ConfigException;

    /** Makes {@code file}, with the other sources, the reconciler's config. */
    void apply(Config file);

    /** The file alone: no other source. */
    static ConfigComposer fileOnly(Reconciler reconciler) {
        return new ConfigComposer() {
            @Override
            public Config check(Config file) {
                return file;
            }

            @Override
            public void apply(Config file) {
                reconciler.setConfig(file);
            }
        };
    }
}
