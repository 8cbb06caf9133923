package io.vmnetd.kube.crd;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.Plural;
import io.fabric8.kubernetes.model.annotation.Version;

/**
 * {@code network-attachment-definitions.k8s.cni.cncf.io} (Multus): a VM network when it carries Harvester's labels.
 */
@Group("k8s.cni.cncf.io")
@Version("v1")
@Plural("network-attachment-definitions")
public final class NetworkAttachmentDefinition extends CustomResource<NetworkAttachmentDefinition.Spec, java.util.Map<String, Object>>
        implements Namespaced {
    private static final long serialVersionUID = 1L;

    /** @param config the CNI network configuration, as JSON text */
    @JsonIgnoreProperties(ignoreUnknown = true)
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Spec(String config) {}
}
