package io.vmnetd.kube.crd;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.Plural;
import io.fabric8.kubernetes.model.annotation.Version;
import java.util.List;

/**
 * {@code vlanstatuses.network.harvesterhci.io}: one node's view of one cluster network, written by that node only.
 * The object is all status (Harvester's CRD has no status subresource), so it is written as a whole.
 *
 * <p>{@code clusterNetwork}, {@code vlanConfig}, {@code node}, {@code localAreas}, {@code linkStatus} and
 * {@code conditions} are Harvester's fields; the rest is vmnetd's (a CRD without them prunes them, losing nothing
 * Harvester's own tools read).
 */
@Group(Harvester.GROUP)
@Version(Harvester.VERSION)
@Plural("vlanstatuses")
public final class VlanStatus extends CustomResource<java.util.Map<String, Object>, VlanStatus.Status> {
    private static final long serialVersionUID = 1L;

    /**
     * @param vlanConfig the VlanConfig that gives this node's uplink (two names, comma-separated, in a conflict)
     * @param localAreas the VIDs the cluster's VM networks need on this node (Harvester's name), with their CIDR
     * @param linkStatus the bridge, the bond and each NIC as the kernel has them
     * @param bridge the cluster network's bridge
     * @param bond its uplink bond
     * @param vids the VIDs the kernel has on the uplink now, e.g. {@code 1,100,200-299}
     * @param vmNetworks each VM network of the cluster on this node: whether it runs, and its connectivity
     */
    @JsonIgnoreProperties(ignoreUnknown = true)
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Status(String clusterNetwork, String vlanConfig, String node, List<LocalArea> localAreas,
                         List<LinkStatus> linkStatus, String bridge, String bond, String vids,
                         List<VmNetworkStatus> vmNetworks, List<Condition> conditions) {}

    @JsonIgnoreProperties(ignoreUnknown = true)
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record LocalArea(Integer vlanID, String cidr) {}

    /**
     * @param type bridge, bond or nic
     * @param state the kernel's operational state, or ABSENT
     */
    @JsonIgnoreProperties(ignoreUnknown = true)
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record LinkStatus(String name, String type, String state, String master) {}

    /**
     * @param name the NetworkAttachmentDefinition, {@code namespace/name}
     * @param vmNetwork its name in vmnetd (the CNI {@code network} key may name it)
     * @param state Ready (runs), Invalid (its definition is wrong: the last valid one, if any, still runs) or Refused
     * @param connectivity this node's last check, spelled as Harvester's route annotation does ({@code true},
     *     {@code false}, {@code DHCP failed}, {@code ping failed}); absent when none ran
     * @param connectivityChanged when the connectivity last changed (RFC 3339), so that a check that finds the same
     *     again writes nothing
     */
    @JsonIgnoreProperties(ignoreUnknown = true)
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record VmNetworkStatus(String name, String vmNetwork, String type, String vlans, String state,
                                  String message, String connectivity, String connectivityMessage,
                                  String connectivityChanged) {}
}
