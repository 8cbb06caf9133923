package io.vmnetd.kube.crd;

import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.Plural;
import io.fabric8.kubernetes.model.annotation.Version;

/**
 * {@code clusternetworks.network.harvesterhci.io}: a cluster network exists in the cluster; its uplink on each node
 * comes from the VlanConfig that selects the node. vmnetd reads only its name.
 */
@Group(Harvester.GROUP)
@Version(Harvester.VERSION)
@Plural("clusternetworks")
public final class ClusterNetwork extends CustomResource<java.util.Map<String, Object>, ClusterNetwork.Status> {
    private static final long serialVersionUID = 1L;

    /** Written by Harvester's controller, not by vmnetd. */
    @com.fasterxml.jackson.annotation.JsonIgnoreProperties(ignoreUnknown = true)
    public record Status(java.util.List<Condition> conditions) {}
}
