package io.vmnetd.kube.crd;

import java.util.Set;

/** The names Harvester's network controller gives its labels and annotations; vmnetd reads and writes the same. */
public final class Harvester {
    public static final String GROUP = "network.harvesterhci.io";
    public static final String VERSION = "v1beta1";

    /** On a NetworkAttachmentDefinition: its cluster network. Also on a VlanStatus. */
    public static final String CLUSTER_NETWORK_LABEL = GROUP + "/clusternetwork";
    /** On a NetworkAttachmentDefinition: L2VlanNetwork, UntaggedNetwork or L2VlanTrunkNetwork. */
    public static final String TYPE_LABEL = GROUP + "/type";
    /** On a NetworkAttachmentDefinition: the access VID (L2VlanNetwork). */
    public static final String VLAN_ID_LABEL = GROUP + "/vlan-id";
    /** On a NetworkAttachmentDefinition: its route as JSON, {@code {"mode":"auto"}} or manual with cidr and gateway. */
    public static final String ROUTE_ANNOTATION = GROUP + "/route";
    /** On a VlanStatus: the VlanConfig and the node it reports on. */
    public static final String VLAN_CONFIG_LABEL = GROUP + "/vlanconfig";
    public static final String NODE_LABEL = GROUP + "/node";

    /** The built-in cluster network, never declared by a VlanConfig. */
    public static final String MGMT = "mgmt";

    /**
     * Keys under {@value #GROUP}/ that are not a cluster network's readiness label {@code <group>/<cn>=true}, so that
     * vmnetd never takes one for its own.
     */
    public static final Set<String> NOT_CLUSTER_NETWORK_LABELS = Set.of("clusternetwork", "type", "vlan-id",
            "vlanconfig", "node", "ready", "route", "matched-nodes", "last-vlan-id", "last-clusternetwork");

    /** A node's label saying that {@code clusterNetwork} is ready on it, set to {@code "true"}. */
    public static String readyLabel(String clusterNetwork) {
        return GROUP + "/" + clusterNetwork;
    }

    private Harvester() {}
}
