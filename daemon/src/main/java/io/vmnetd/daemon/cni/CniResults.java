package io.vmnetd.daemon.cni;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vmnetd.daemon.state.Attachment;
import io.vmnetd.netlink.Link;
import java.util.Optional;

/** Builds spec-conformant results and errors in the version the caller asked for. */
final class CniResults {
    static final ObjectMapper JSON = new ObjectMapper();
    /** Index of the container interface in a result's "interfaces": bridge, host veth, container veth. */
    static final int CONTAINER_INTERFACE = 2;

    private CniResults() {}

    /**
     * The ADD result: the three interfaces (bridge, host end, pod end), then the IPAM result's ips (pointed at the
     * pod end), routes and dns, converted to {@code version}.
     */
    static ObjectNode add(String version, Attachment a, Networks.AppliedPort applied, Optional<JsonNode> ipamResult) {
        ObjectNode r = JSON.createObjectNode();
        r.put("cniVersion", version);
        ArrayNode ifs = r.putArray("interfaces");
        ifs.addObject().put("name", applied.bridge()).put("mac", applied.bridgeMac().map(Object::toString).orElse(""));
        ifs.addObject().put("name", applied.hostEnd()).put("mac", applied.hostMac().toString());
        ifs.addObject().put("name", a.key().ifName()).put("mac", a.port().pod().mac().toString())
                .put("sandbox", a.port().pod().netns().toString());
        ArrayNode ips = r.putArray("ips");
        if (ipamResult.isPresent()) {
            JsonNode ipam = ipamResult.get();
            for (JsonNode ip : ipam.path("ips")) {
                ObjectNode o = ips.addObject();
                String address = ip.path("address").asText();
                if (CniVersions.before1(version)) {
                    o.put("version", address.contains(":") ? "6" : "4");
                }
                o.put("address", address);
                if (ip.hasNonNull("gateway")) {
                    o.put("gateway", ip.get("gateway").asText());
                }
                o.put("interface", CONTAINER_INTERFACE);
            }
            if (ipam.has("routes")) {
                r.set("routes", ipam.get("routes").deepCopy());
            }
            if (ipam.has("dns")) {
                r.set("dns", ipam.get("dns").deepCopy());
            }
        }
        if (ips.isEmpty()) {
            r.remove("ips");
        }
        return r;
    }

    static String error(String version, CniError e) {
        ObjectNode o = JSON.createObjectNode();
        o.put("cniVersion", version);
        o.put("code", e.code());
        o.put("msg", e.getMessage());
        if (!e.details().isEmpty()) {
            o.put("details", e.details());
        }
        return o.toString();
    }

    static String version() {
        ObjectNode o = JSON.createObjectNode();
        o.put("cniVersion", CniVersions.LATEST);
        ArrayNode a = o.putArray("supportedVersions");
        CniVersions.SUPPORTED.forEach(a::add);
        return o.toString();
    }
}
