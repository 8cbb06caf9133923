package io.vmnetd.daemon.cni;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vmnetd.netlink.InvalidArgumentException;
import io.vmnetd.netlink.MacAddress;
import io.vmnetd.netlink.VidRange;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * The network configuration of one call: vmnet's own {@code network} key, or the reference bridge plugin's keys
 * as Harvester writes them ({@code bridge}, {@code vlan}, {@code vlanTrunk}, {@code mtu}, ...). Every problem
 * names the field and what it may hold.
 */
public record NetConf(
        ObjectNode raw,
        String cniVersion,
        String name,
        Optional<String> network,
        Optional<String> bridge,
        OptionalInt vlan,
        List<VidRange> vlanTrunk,
        OptionalInt mtu,
        boolean promiscMode,
        boolean preserveDefaultVlan,
        boolean portIsolation,
        Optional<String> ipamType,
        Optional<MacAddress> mac,
        Optional<JsonNode> prevResult) {

    private static final ObjectMapper JSON = new ObjectMapper();

    public static NetConf parse(String text) throws CniError {
        JsonNode n;
        try {
            n = JSON.readTree(text);
        } catch (IOException e) {
            throw new CniError(CniError.DECODING_FAILURE, "the network configuration is not valid JSON",
                    e.getMessage());
        }
        if (n == null || !n.isObject()) {
            throw new CniError(CniError.DECODING_FAILURE, "the network configuration is not a JSON object");
        }
        ObjectNode o = (ObjectNode) n;
        String version = string(o, "cniVersion").orElseThrow(() -> new CniError(CniError.INCOMPATIBLE_VERSION,
                "cniVersion is missing; supported: " + String.join(", ", CniVersions.SUPPORTED)));
        if (!CniVersions.isSupported(version)) {
            throw new CniError(CniError.INCOMPATIBLE_VERSION, "cniVersion \"" + version + "\" is not supported; "
                    + "supported: " + String.join(", ", CniVersions.SUPPORTED));
        }
        String name = string(o, "name").filter(s -> !s.isEmpty())
                .orElseThrow(() -> invalid("name", "is required: the network's name"));
        for (String unsupported : List.of("isGateway", "isDefaultGateway", "ipMasq", "hairpinMode")) {
            if (o.path(unsupported).asBoolean(false)) {
                throw new CniError(CniError.UNSUPPORTED_FIELD, unsupported + ": true is not supported by vmnet, "
                        + "which bridges VMs at layer 2 onto the cluster network; remove it or set it to false");
            }
        }
        OptionalInt vlan = integer(o, "vlan", 0, 4094);
        if (vlan.isPresent() && vlan.getAsInt() == 0) {
            vlan = OptionalInt.empty();
        }
        return new NetConf(o, version, name, string(o, "network"), string(o, "bridge"), vlan, trunk(o),
                integer(o, "mtu", 576, 9000), bool(o, "promiscMode"), bool(o, "preserveDefaultVlan"),
                bool(o, "portIsolation"), ipamType(o), mac(o), Optional.ofNullable(o.get("prevResult")));
    }

    private static Optional<String> ipamType(ObjectNode o) throws CniError {
        JsonNode ipam = o.get("ipam");
        if (ipam == null || ipam.isNull()) {
            return Optional.empty();
        }
        if (!ipam.isObject()) {
            throw invalid("ipam", "must be an object: {} for none, or {\"type\": \"host-local\", ...}");
        }
        JsonNode type = ipam.get("type");
        if (type == null || type.isNull() || type.asText().isEmpty()) {
            return Optional.empty();
        }
        if (!type.isTextual()) {
            throw invalid("ipam.type", "must be the name of an IPAM plugin, like \"host-local\" or \"static\"");
        }
        return Optional.of(type.asText());
    }

    private static Optional<MacAddress> mac(ObjectNode o) throws CniError {
        JsonNode runtime = o.path("runtimeConfig").path("mac");
        JsonNode args = o.path("args").path("cni").path("mac");
        JsonNode m = runtime.isTextual() ? runtime : args.isTextual() ? args : null;
        if (m == null) {
            return Optional.empty();
        }
        try {
            return Optional.of(MacAddress.parse(m.asText()));
        } catch (InvalidArgumentException e) {
            throw invalid(runtime.isTextual() ? "runtimeConfig.mac" : "args.cni.mac",
                    "\"" + m.asText() + "\" is not an Ethernet address like 02:00:00:00:00:01");
        }
    }

    private static List<VidRange> trunk(ObjectNode o) throws CniError {
        JsonNode t = o.get("vlanTrunk");
        List<VidRange> out = new ArrayList<>();
        if (t == null || t.isNull()) {
            return out;
        }
        if (!t.isArray()) {
            throw invalid("vlanTrunk", "must be a list of {\"id\": N} or {\"minID\": A, \"maxID\": B}");
        }
        for (int i = 0; i < t.size(); i++) {
            JsonNode e = t.get(i);
            String field = "vlanTrunk[" + i + "]";
            if (e.has("id") && !e.has("minID") && !e.has("maxID")) {
                int id = vid(e.get("id"), field + ".id");
                out.add(VidRange.of(id));
            } else if (e.has("minID") && e.has("maxID") && !e.has("id")) {
                int min = vid(e.get("minID"), field + ".minID");
                int max = vid(e.get("maxID"), field + ".maxID");
                if (min > max) {
                    throw invalid(field, "minID " + min + " is above maxID " + max);
                }
                out.add(VidRange.of(min, max));
            } else {
                throw invalid(field, "must be {\"id\": N} or {\"minID\": A, \"maxID\": B} with VIDs in 1..4094");
            }
        }
        return out;
    }

    private static int vid(JsonNode v, String field) throws CniError {
        if (v == null || !v.canConvertToExactIntegral() || v.asInt() < 1 || v.asInt() > 4094) {
            throw invalid(field, (v == null ? "missing" : v.toString()) + " is not a VLAN id; allowed: 1..4094");
        }
        return v.asInt();
    }

    private static Optional<String> string(ObjectNode o, String field) throws CniError {
        JsonNode v = o.get(field);
        if (v == null || v.isNull()) {
            return Optional.empty();
        }
        if (!v.isTextual()) {
            throw invalid(field, "must be a string, not " + v);
        }
        return Optional.of(v.asText());
    }

    private static OptionalInt integer(ObjectNode o, String field, int min, int max) throws CniError {
        JsonNode v = o.get(field);
        if (v == null || v.isNull()) {
            return OptionalInt.empty();
        }
        if (!v.canConvertToExactIntegral() || v.asLong() < min || v.asLong() > max) {
            throw invalid(field, v + " is out of range; allowed: " + min + ".." + max);
        }
        return OptionalInt.of(v.asInt());
    }

    private static boolean bool(ObjectNode o, String field) throws CniError {
        JsonNode v = o.get(field);
        if (v == null || v.isNull()) {
            return false;
        }
        if (v.isBoolean()) {
            return v.asBoolean();
        }
        // The reference plugin's README writes "portIsolation": "true".
        if (v.isTextual() && (v.asText().equals("true") || v.asText().equals("false"))) {
            return v.asText().equals("true");
        }
        throw invalid(field, v + " is not a boolean; allowed: true, false");
    }

    static CniError invalid(String field, String what) {
        return new CniError(CniError.INVALID_NETWORK_CONFIG, field + ": " + what);
    }
}
