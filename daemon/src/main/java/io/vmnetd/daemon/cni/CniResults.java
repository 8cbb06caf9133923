package io.vmnetd.daemon.cni;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;

/** Builds spec-conformant results and errors in the version the caller asked for. */
final class CniResults {
    static final ObjectMapper JSON = new ObjectMapper();
    /** Index of the container interface in a result's "interfaces": bridge, host veth, container veth. */
    static final int CONTAINER_INTERFACE = 2;

    record Iface(String name, String mac, String sandbox) {}

    private CniResults() {}

    /**
     * The ADD result: the three interfaces, then the IPAM result's ips (pointed at the container interface),
     * routes and dns, converted to {@code version}.
     */
    static ObjectNode add(String version, List<Iface> interfaces, JsonNode ipam) {
        ObjectNode r = JSON.createObjectNode();
        r.put("cniVersion", version);
        ArrayNode ifs = r.putArray("interfaces");
        for (Iface i : interfaces) {
            ObjectNode o = ifs.addObject().put("name", i.name()).put("mac", i.mac());
            if (i.sandbox() != null) {
                o.put("sandbox", i.sandbox());
            }
        }
        ArrayNode ips = r.putArray("ips");
        if (ipam != null) {
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
