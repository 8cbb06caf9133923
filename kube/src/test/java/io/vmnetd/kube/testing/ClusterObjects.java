package io.vmnetd.kube.testing;

import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.vmnetd.kube.crd.ClusterNetwork;
import io.vmnetd.kube.crd.Harvester;
import io.vmnetd.kube.crd.NetworkAttachmentDefinition;
import io.vmnetd.kube.crd.VlanConfig;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** The cluster objects a test makes, built as Harvester's UI would write them. */
public final class ClusterObjects {
    private ClusterObjects() {}

    public static ClusterNetwork clusterNetwork(String name) {
        ClusterNetwork cn = new ClusterNetwork();
        cn.setMetadata(new ObjectMetaBuilder().withName(name).build());
        return cn;
    }

    public static VlanConfig vlanConfig(String name, String cn, Map<String, String> nodeSelector, String... nics) {
        return vlanConfig(name, cn, nodeSelector, new VlanConfig.Uplink(List.of(nics), null, null));
    }

    public static VlanConfig vlanConfig(String name, String cn, Map<String, String> nodeSelector,
                                        VlanConfig.Uplink uplink) {
        VlanConfig vc = new VlanConfig();
        vc.setMetadata(new ObjectMetaBuilder().withName(name).build());
        vc.setSpec(new VlanConfig.Spec(null, cn, nodeSelector, uplink));
        return vc;
    }

    /** A VLAN network, as Harvester writes one: labels for its cluster network, type and VID, a bridge netconf. */
    public static NetworkAttachmentDefinition vlanNad(String namespace, String name, String cn, int vid) {
        return nad(namespace, name, cn, "L2VlanNetwork", Integer.toString(vid),
                "{\"cniVersion\":\"0.3.1\",\"name\":\"" + name + "\",\"type\":\"vmnet\",\"bridge\":\"" + cn
                        + "-br\",\"promiscMode\":true,\"vlan\":" + vid + ",\"ipam\":{}}");
    }

    public static NetworkAttachmentDefinition untaggedNad(String namespace, String name, String cn) {
        return nad(namespace, name, cn, "UntaggedNetwork", "0", "{\"cniVersion\":\"0.3.1\",\"name\":\"" + name
                + "\",\"type\":\"vmnet\",\"bridge\":\"" + cn + "-br\",\"promiscMode\":true,\"ipam\":{}}");
    }

    public static NetworkAttachmentDefinition trunkNad(String namespace, String name, String cn, String vlanTrunk) {
        return nad(namespace, name, cn, "L2VlanTrunkNetwork", "0", "{\"cniVersion\":\"0.3.1\",\"name\":\"" + name
                + "\",\"type\":\"vmnet\",\"bridge\":\"" + cn + "-br\",\"promiscMode\":true,\"vlanTrunk\":" + vlanTrunk
                + ",\"ipam\":{}}");
    }

    public static NetworkAttachmentDefinition nad(String namespace, String name, String cn, String type, String vid,
                                                  String config) {
        NetworkAttachmentDefinition nad = new NetworkAttachmentDefinition();
        Map<String, String> labels = new HashMap<>();
        labels.put(Harvester.CLUSTER_NETWORK_LABEL, cn);
        labels.put(Harvester.TYPE_LABEL, type);
        labels.put(Harvester.VLAN_ID_LABEL, vid);
        nad.setMetadata(new ObjectMetaBuilder().withNamespace(namespace).withName(name).withLabels(labels).build());
        nad.setSpec(new NetworkAttachmentDefinition.Spec(config));
        return nad;
    }

    public static NetworkAttachmentDefinition withRoute(NetworkAttachmentDefinition nad, String routeJson) {
        nad.getMetadata().setAnnotations(Map.of(Harvester.ROUTE_ANNOTATION, routeJson));
        return nad;
    }
}
