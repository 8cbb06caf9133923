package io.vmnetd.daemon.cni;

import com.fasterxml.jackson.databind.JsonNode;
import io.vmnetd.daemon.model.PodEnd;
import io.vmnetd.daemon.model.PodRoute;
import io.vmnetd.netlink.InvalidArgumentException;
import io.vmnetd.netlink.IpPrefix;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Reads an IPAM plugin's result: the pod end's addresses and routes, as the reference plugins apply them. */
final class IpamResults {
    private IpamResults() {}

    /**
     * {@code pod} with the result's ips and routes; a route without "gw" goes through the gateway of the IP of its
     * family, as the reference plugins do.
     *
     * @throws CniError naming the entry that is not an address or route
     */
    static PodEnd addressing(PodEnd pod, JsonNode result) throws CniError {
        List<IpPrefix> addresses = new ArrayList<>();
        try {
            for (JsonNode ip : result.path("ips")) {
                addresses.add(IpPrefix.parse(ip.path("address").asText()));
            }
            List<PodRoute> routes = new ArrayList<>();
            for (JsonNode r : result.path("routes")) {
                IpPrefix dst = IpPrefix.parse(r.path("dst").asText());
                String gw = r.path("gw").asText("");
                Optional<String> via = gw.isEmpty() ? defaultGateway(result, dst) : Optional.of(gw);
                routes.add(new PodRoute(dst, via.map(IpPrefix::parseAddress)));
            }
            return pod.withAddressing(addresses, routes);
        } catch (InvalidArgumentException e) {
            throw new CniError(CniError.DECODING_FAILURE, "the IPAM result has an entry that is not an address or "
                    + "route: " + e.getMessage());
        }
    }

    private static Optional<String> defaultGateway(JsonNode result, IpPrefix dst) {
        boolean v6 = dst.address().getHostAddress().contains(":");
        for (JsonNode ip : result.path("ips")) {
            if (ip.hasNonNull("gateway") && ip.path("address").asText().contains(":") == v6) {
                return Optional.of(ip.get("gateway").asText());
            }
        }
        return Optional.empty();
    }

    /** A journaled result, as JSON; empty JSON would be no result, so empty means none was journaled. */
    static Optional<JsonNode> parse(Optional<String> journaled) {
        return journaled.flatMap(s -> {
            try {
                return Optional.of(CniResults.JSON.readTree(s));
            } catch (IOException e) {
                return Optional.empty();
            }
        });
    }
}
