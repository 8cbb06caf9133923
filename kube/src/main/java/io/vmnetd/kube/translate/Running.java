package io.vmnetd.kube.translate;

import io.vmnetd.daemon.cluster.SourcedNetworks;
import io.vmnetd.daemon.cluster.SourcedNetworks.Sourced;
import io.vmnetd.daemon.config.ClusterNetwork;
import io.vmnetd.daemon.config.VmNetwork;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * The networks the cluster gives this node, each with the object it came from: what is handed to the daemon, and
 * what stays when an object turns invalid. Kept in stateDir across restarts.
 *
 * @param clusterNetworks by cluster network name
 * @param vmNetworks by NetworkAttachmentDefinition, {@code namespace/name}
 */
public record Running(Map<String, RunningClusterNetwork> clusterNetworks, Map<String, RunningVmNetwork> vmNetworks) {

    /** @param vlanConfig the VlanConfig that gave the uplink */
    public record RunningClusterNetwork(ClusterNetwork network, String vlanConfig) {
        public RunningClusterNetwork {
            Objects.requireNonNull(network, "network");
            Objects.requireNonNull(vlanConfig, "vlanConfig");
        }
    }

    /** @param nad its NetworkAttachmentDefinition, {@code namespace/name} */
    public record RunningVmNetwork(VmNetwork network, String nad) {
        public RunningVmNetwork {
            Objects.requireNonNull(network, "network");
            Objects.requireNonNull(nad, "nad");
        }
    }

    public Running {
        clusterNetworks = Map.copyOf(clusterNetworks);
        vmNetworks = Map.copyOf(vmNetworks);
    }

    public static Running empty() {
        return new Running(Map.of(), Map.of());
    }

    /** For the daemon, in a stable order (by name). */
    public SourcedNetworks sourced() {
        Map<String, RunningClusterNetwork> cns = new java.util.TreeMap<>(clusterNetworks);
        Map<String, RunningVmNetwork> vms = new java.util.TreeMap<>(vmNetworks);
        return new SourcedNetworks(
                cns.values().stream().map(r -> new Sourced<>(r.network(), "VlanConfig " + r.vlanConfig())).toList(),
                vms.values().stream().map(r -> new Sourced<>(r.network(), "NetworkAttachmentDefinition " + r.nad()))
                        .toList());
    }

    /** The NetworkAttachmentDefinition a VM network came from, by the VM network's name. */
    public Map<String, String> nadsByVmNetwork() {
        Map<String, String> out = new LinkedHashMap<>();
        vmNetworks.values().forEach(v -> out.put(v.network().name(), v.nad()));
        return out;
    }
}
