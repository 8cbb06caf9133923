package io.vmnetd.daemon.cluster;

import io.vmnetd.daemon.config.ClusterNetwork;
import io.vmnetd.daemon.config.VmNetwork;
import java.util.List;
import java.util.Objects;

/**
 * The networks a {@link NetworkSource} declares for this node, each with the object it came from, so that a refusal
 * can name it.
 */
public record SourcedNetworks(List<Sourced<ClusterNetwork>> clusterNetworks, List<Sourced<VmNetwork>> vmNetworks) {

    /**
     * @param origin the declaring object as its users name it, e.g. {@code VlanConfig data-uplink}
     */
    public record Sourced<T>(T network, String origin) {
        public Sourced {
            Objects.requireNonNull(network, "network");
            Objects.requireNonNull(origin, "origin");
        }
    }

    public SourcedNetworks {
        clusterNetworks = List.copyOf(clusterNetworks);
        vmNetworks = List.copyOf(vmNetworks);
    }

    public static SourcedNetworks empty() {
        return new SourcedNetworks(List.of(), List.of());
    }
}
