package io.vmnetd.kube.translate;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The cluster's objects read for this node: what runs, and a report on each cluster network and
 * NetworkAttachmentDefinition concerning the node.
 *
 * @param reports by cluster network: those a VlanConfig selects this node for, and those that ran before
 * @param nads those on cluster networks that run here (and on mgmt)
 * @param localAreas by cluster network: each NetworkAttachmentDefinition's VID and CIDR (from its route), as
 *     Harvester lists them on a VlanStatus
 */
public record Translation(Running running, Map<String, ClusterNetworkReport> reports, List<NadReport> nads,
                          Map<String, List<LocalArea>> localAreas) {

    public record LocalArea(int vid, Optional<String> cidr) {}

    public Translation {
        reports = Map.copyOf(reports);
        nads = List.copyOf(nads);
        localAreas = Map.copyOf(localAreas);
    }
}
