package io.vmnetd.kube.crd;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.Plural;
import io.fabric8.kubernetes.model.annotation.Version;
import java.util.List;
import java.util.Map;

/**
 * {@code vlanconfigs.network.harvesterhci.io}: the uplink of one cluster network on the nodes its
 * {@code nodeSelector} matches (every node when empty).
 */
@Group(Harvester.GROUP)
@Version(Harvester.VERSION)
@Plural("vlanconfigs")
public final class VlanConfig extends CustomResource<VlanConfig.Spec, java.util.Map<String, Object>> {
    private static final long serialVersionUID = 1L;

    @JsonIgnoreProperties(ignoreUnknown = true)
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Spec(String description, String clusterNetwork, Map<String, String> nodeSelector, Uplink uplink) {}

    @JsonIgnoreProperties(ignoreUnknown = true)
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Uplink(List<String> nics, LinkAttributes linkAttributes, BondOptions bondOptions) {}

    /**
     * @param mtu 0 or absent: the default (1500)
     * @param txQLen -1 or absent: the kernel's default
     * @param hardwareAddr base64 of the address bytes (Go's []byte): the bond's MAC
     */
    @JsonIgnoreProperties(ignoreUnknown = true)
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record LinkAttributes(Integer mtu, Integer txQLen, String hardwareAddr) {}

    /**
     * Harvester's bond options, with the kernel's value names; vmnetd applies mode, miimon, xmitHashPolicy, lacpRate
     * and adSelect and reports the ARP monitor's (arp*) as unsupported. Harvester's master has mode and miimon only;
     * the others come from its network-controller-harvester pull request 272, whose CRD defaults xmitHashPolicy to
     * layer2, arpValidate to none and arpAllTargets to any.
     *
     * @param miimon -1 or absent: vmnetd's default (100 ms)
     */
    @JsonIgnoreProperties(ignoreUnknown = true)
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record BondOptions(String mode, Integer miimon, String xmitHashPolicy, String lacpRate, String adSelect,
                              Integer arpInterval, List<String> arpIpTargets, String arpValidate,
                              String arpAllTargets) {}
}
