package io.vmnetd.kube.translate;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What the cluster's objects say about one cluster network on this node, for its VlanStatus.
 *
 * @param vlanConfigs the VlanConfigs of this cluster network that select this node (more than one: a conflict)
 * @param verdict whether the node runs what they say
 * @param problems each naming the object's field, e.g. {@code VlanConfig a: spec.uplink.nics: ...}
 * @param unsupported fields vmnetd does not apply, each with the value asked for
 * @param keptFrom when the verdict is not {@link Verdict#APPLIED}: the VlanConfig whose earlier, valid uplink still
 *     runs, if any
 */
public record ClusterNetworkReport(String clusterNetwork, List<String> vlanConfigs, Verdict verdict,
                                   List<String> problems, List<String> unsupported, Optional<String> keptFrom) {

    public enum Verdict {
        /** The VlanConfig is valid and its uplink is what runs. */
        APPLIED,
        /** The VlanConfig is invalid: nothing of it is applied. */
        INVALID,
        /** Two or more VlanConfigs of the network select this node: nothing of them is applied. */
        CONFLICT,
        /** The uplink would take a NIC another cluster network of the cluster uses on this node. */
        NIC_CONFLICT,
        /** No VlanConfig selects this node any more, or the network is gone: it is taken down. */
        REMOVED
    }

    public ClusterNetworkReport {
        Objects.requireNonNull(clusterNetwork, "clusterNetwork");
        vlanConfigs = List.copyOf(vlanConfigs);
        Objects.requireNonNull(verdict, "verdict");
        problems = List.copyOf(problems);
        unsupported = List.copyOf(unsupported);
        Objects.requireNonNull(keptFrom, "keptFrom");
    }
}
