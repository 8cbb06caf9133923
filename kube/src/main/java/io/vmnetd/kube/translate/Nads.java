package io.vmnetd.kube.translate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vmnetd.daemon.config.ClusterNetwork;
import io.vmnetd.daemon.config.VmNetwork;
import io.vmnetd.kube.crd.Harvester;
import io.vmnetd.kube.crd.NetworkAttachmentDefinition;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A NetworkAttachmentDefinition with Harvester's labels as a VM network: its cluster network and type from the
 * labels, the access VID from the {@code vlan-id} label, a trunk's VIDs from {@code vlanTrunk} in its CNI config, the
 * route from the route annotation.
 */
final class Nads {
    private static final ObjectMapper JSON = new ObjectMapper();
    static final Set<String> VLAN_TYPES = Set.of("L2VlanNetwork", "UntaggedNetwork", "L2VlanTrunkNetwork");

    private static final List<Map.Entry<String, String>> FIELD_NAMES = List.of(
            Map.entry("vmNetworks[0].vlan", "metadata.labels[" + Harvester.VLAN_ID_LABEL + "]"),
            Map.entry("vmNetworks[0].type", "metadata.labels[" + Harvester.TYPE_LABEL + "]"),
            Map.entry("vmNetworks[0].clusterNetwork", "metadata.labels[" + Harvester.CLUSTER_NETWORK_LABEL + "]"),
            Map.entry("vmNetworks[0].trunk", "spec.config.vlanTrunk"),
            Map.entry("vmNetworks[0].route", "metadata.annotations[" + Harvester.ROUTE_ANNOTATION + "]"),
            Map.entry("vmNetworks[0].name", "metadata.name"),
            Map.entry("vmNetworks[0]", "metadata"));

    /**
     * @param localArea the VID and, from the route annotation (also in auto mode, where Harvester writes what it
     *     learned), the CIDR
     */
    record Mapped(Optional<VmNetwork> network, List<String> problems, String type, Optional<Translation.LocalArea> localArea) {}

    private Nads() {}

    static String key(NetworkAttachmentDefinition nad) {
        return nad.getMetadata().getNamespace() + "/" + nad.getMetadata().getName();
    }

    static String label(NetworkAttachmentDefinition nad, String key) {
        Map<String, String> labels = nad.getMetadata().getLabels();
        return labels == null ? null : labels.get(key);
    }

    /** True for the definitions vmnetd serves: Harvester's VLAN networks (not overlay networks). */
    static boolean isVlanNetwork(NetworkAttachmentDefinition nad) {
        String type = label(nad, Harvester.TYPE_LABEL);
        return label(nad, Harvester.CLUSTER_NETWORK_LABEL) != null && (type == null || VLAN_TYPES.contains(type));
    }

    /**
     * @param name the VM network's name
     * @param clusterNetwork the running cluster network it is on (empty for mgmt)
     */
    static Mapped map(NetworkAttachmentDefinition nad, String name, Optional<ClusterNetwork> clusterNetwork) {
        String type = Optional.ofNullable(label(nad, Harvester.TYPE_LABEL)).orElse("");
        Map<String, Object> vm = new LinkedHashMap<>();
        vm.put("name", name);
        vm.put("clusterNetwork", label(nad, Harvester.CLUSTER_NETWORK_LABEL));
        if (!type.isEmpty()) {
            vm.put("type", type);
        }
        List<String> problems = new ArrayList<>();
        String vlanLabel = label(nad, Harvester.VLAN_ID_LABEL);
        if (type.equals("L2VlanNetwork") && vlanLabel != null) {
            vm.put("vlan", integerOrText(vlanLabel));
        }
        if (type.equals("L2VlanTrunkNetwork")) {
            trunk(nad, problems).ifPresent(t -> vm.put("trunk", t));
        }
        JsonNode route = route(nad, problems);
        if (route.path("mode").asText("").equals("manual")) {
            Map<String, Object> r = new LinkedHashMap<>();
            r.put("mode", "manual");
            r.put("cidr", route.path("cidr").asText(""));
            r.put("gateway", route.path("gateway").asText(""));
            vm.put("route", r);
        } else if (route.path("mode").asText("").equals("auto")) {
            vm.put("route", Map.of("mode", "auto")); // checked with DHCP, as Harvester does; no annotation: unchecked
        } else if (!route.path("mode").asText("").isEmpty()) {
            problems.add("metadata.annotations[" + Harvester.ROUTE_ANNOTATION + "].mode: unknown value \""
                    + route.path("mode").asText() + "\"; allowed: auto, manual");
        }
        Map<String, Object> document = new LinkedHashMap<>();
        clusterNetwork.ifPresent(cn -> document.put("clusterNetworks", List.of(ClusterNetworkDocument.of(cn))));
        document.put("vmNetworks", List.of(vm));
        ConfigRules.Result result = ConfigRules.check(document, FIELD_NAMES);
        if (result instanceof ConfigRules.Invalid invalid) {
            problems.addAll(invalid.problems());
        }
        Optional<Translation.LocalArea> area = Optional.empty();
        if (type.equals("L2VlanNetwork") && vlanLabel != null && vlanLabel.matches("\\d{1,4}")) {
            String cidr = route.path("cidr").asText("");
            area = Optional.of(new Translation.LocalArea(Integer.parseInt(vlanLabel),
                    cidr.isEmpty() ? Optional.empty() : Optional.of(cidr)));
        }
        if (!problems.isEmpty()) {
            return new Mapped(Optional.empty(), problems, type, area);
        }
        VmNetwork mapped = ((ConfigRules.Valid) result).config().vmNetworks().get(0);
        return new Mapped(Optional.of(mapped), List.of(), type, area);
    }

    private static Object integerOrText(String text) {
        return text.matches("-?\\d{1,9}") ? Integer.valueOf(text) : text;
    }

    /** vlanTrunk of the CNI config ({@code [{"minID": A, "maxID": B}, {"id": N}]}) in the config file's form. */
    private static Optional<List<Map<String, Object>>> trunk(NetworkAttachmentDefinition nad, List<String> problems) {
        String config = nad.getSpec() == null ? null : nad.getSpec().config();
        JsonNode trunk;
        try {
            trunk = config == null ? JSON.missingNode() : JSON.readTree(config).path("vlanTrunk");
        } catch (IOException e) {
            problems.add("spec.config: not valid JSON: " + e.getMessage().lines().findFirst().orElse(""));
            return Optional.empty();
        }
        if (!trunk.isArray()) {
            return Optional.empty(); // the rules report the missing trunk
        }
        List<Map<String, Object>> out = new ArrayList<>();
        for (JsonNode entry : trunk) {
            Map<String, Object> e = new LinkedHashMap<>();
            if (entry.has("id")) {
                e.put("id", entry.get("id").isInt() ? entry.get("id").asInt() : entry.get("id").asText());
            }
            if (entry.has("minID")) {
                e.put("min", entry.get("minID").isInt() ? entry.get("minID").asInt() : entry.get("minID").asText());
            }
            if (entry.has("maxID")) {
                e.put("max", entry.get("maxID").isInt() ? entry.get("maxID").asInt() : entry.get("maxID").asText());
            }
            out.add(e);
        }
        return Optional.of(out);
    }

    private static JsonNode route(NetworkAttachmentDefinition nad, List<String> problems) {
        Map<String, String> annotations = nad.getMetadata().getAnnotations();
        String text = annotations == null ? null : annotations.get(Harvester.ROUTE_ANNOTATION);
        if (text == null || text.isBlank()) {
            return JSON.createObjectNode();
        }
        try {
            JsonNode node = JSON.readTree(text);
            if (node.isObject()) {
                return node;
            }
        } catch (IOException e) {
            // reported below
        }
        problems.add("metadata.annotations[" + Harvester.ROUTE_ANNOTATION + "]: not a JSON object such as "
                + "{\"mode\":\"auto\"} or {\"mode\":\"manual\",\"cidr\":\"10.0.100.0/24\",\"gateway\":\"10.0.100.1\"}");
        return JSON.createObjectNode();
    }
}
