package io.vmnetd.daemon.config;

import io.vmnetd.daemon.config.IpAddresses.Cidr;
import io.vmnetd.daemon.config.LocatedNode.Location;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalInt;

/** Validates the {@code route} of a VM network. */
final class RouteValidator {

    private static final List<String> KEYS = List.of("mode", "cidr", "gateway", "vlan", "ping", "pingFrom");
    private static final List<String> MODES = Arrays.stream(Route.Mode.values()).map(Route.Mode::configName).toList();
    private static final String CIDR_RULE = "IPv4 address/0..32 or IPv6 address/0..128, e.g. 10.0.100.0/24";

    private final NodeValues values;
    private final Problems problems;

    RouteValidator(NodeValues values) {
        this.values = values;
        this.problems = values.problems();
    }

    /** The route, or empty if anything about it is wrong (already reported). */
    Optional<Route> read(LocatedNode node, String path) {
        Optional<MappingFields> maybeFields = MappingFields.of(node, path, values, KEYS);
        if (maybeFields.isEmpty()) {
            return Optional.empty();
        }
        MappingFields fields = maybeFields.get();
        int problemsBefore = problems.count();
        Optional<Route.Mode> mode = fields.has("mode")
                ? fields.oneOf("mode", MODES).map(name -> Route.Mode.valueOf(name.toUpperCase(Locale.ROOT)))
                : Optional.of(Route.Mode.AUTO);
        Optional<String> cidrText = fields.text("cidr");
        Optional<Cidr> cidr = cidrText.flatMap(text -> parseCidr(text, fields));
        Optional<String> gatewayText = fields.text("gateway");
        Optional<byte[]> gateway = gatewayText.flatMap(text -> parseGateway(text, fields));

        if (mode.equals(Optional.of(Route.Mode.AUTO))) {
            rejectWithAutoMode(fields, "cidr");
            rejectWithAutoMode(fields, "gateway");
        } else if (mode.isPresent()) {
            fields.requirePresent("cidr", CIDR_RULE);
            fields.requirePresent("gateway", "an address inside cidr");
        }
        if (cidr.isPresent() && gateway.isPresent()) {
            checkGatewayInside(cidr.get(), gateway.get(), fields);
        }
        OptionalInt vlan = fields.integer("vlan", TrunkValidator.VID);
        boolean ping = fields.bool("ping").orElse(false);
        Optional<String> pingFrom = fields.text("pingFrom");
        checkPingFrom(fields, mode, ping, pingFrom, cidr, gateway);
        if (mode.isEmpty() || problems.count() != problemsBefore) {
            return Optional.empty();
        }
        Route route = mode.get() == Route.Mode.AUTO
                ? Route.auto()
                : Route.manual(cidrText.orElseThrow(), gatewayText.orElseThrow());
        if (vlan.isPresent()) {
            route = route.onVlan(vlan.getAsInt());
        }
        return Optional.of(ping ? route.withPing(pingFrom) : route);
    }

    /**
     * The echo requests need a source address: the offered one in auto mode, else {@code pingFrom}, an IPv4 address
     * (the probe speaks ARP) inside a manual route's cidr that is neither its gateway nor reserved.
     */
    private void checkPingFrom(MappingFields fields, Optional<Route.Mode> mode, boolean ping, Optional<String> pingFrom,
                               Optional<Cidr> cidr, Optional<byte[]> gateway) {
        if (!fields.has("pingFrom")) {
            if (ping && mode.equals(Optional.of(Route.Mode.MANUAL))) {
                fields.requirePresent("pingFrom", "the IPv4 address inside cidr that echo requests come from "
                        + "(mode auto uses the address the DHCP server offers)");
            }
            return;
        }
        Location at = fields.get("pingFrom").orElseThrow().location();
        String path = fields.path("pingFrom");
        if (!ping) {
            problems.add(at, path, "only allowed with ping: true; set ping: true or remove this field");
            return;
        }
        Optional<byte[]> address = pingFrom.flatMap(IpAddresses::parse);
        if (pingFrom.isPresent() && (address.isEmpty() || address.get().length != 4)) {
            problems.add(at, path, "invalid IPv4 address \"" + pingFrom.get() + "\"; allowed: an IPv4 address"
                    + " (the probe speaks ARP), e.g. 10.0.100.250");
            return;
        }
        if (address.isEmpty() || cidr.isEmpty()) {
            return;
        }
        String network = IpAddresses.format(cidr.get().address()) + "/" + cidr.get().prefixLength();
        byte[] from = address.get();
        if (!cidr.get().contains(from)) {
            problems.add(at, path, "pingFrom " + pingFrom.get() + " is not inside cidr " + network);
        } else if (gateway.isPresent() && Arrays.equals(from, gateway.get())) {
            problems.add(at, path, "pingFrom " + pingFrom.get() + " is the gateway itself; use a free address of "
                    + network);
        } else if (cidr.get().prefixLength() <= 30
                && (Arrays.equals(from, cidr.get().networkAddress()) || Arrays.equals(from, cidr.get().broadcastAddress()))) {
            problems.add(at, path, "pingFrom " + pingFrom.get() + " is the network or broadcast address of " + network);
        }
    }

    private void rejectWithAutoMode(MappingFields fields, String key) {
        if (fields.has(key)) {
            problems.add(fields.keyLocation(key).orElseThrow(), fields.path(key),
                    "only allowed with route mode manual; set mode: manual or remove this field");
        }
    }

    private Optional<Cidr> parseCidr(String text, MappingFields fields) {
        Location at = fields.get("cidr").orElseThrow().location();
        Optional<Cidr> cidr = IpAddresses.parseCidr(text);
        if (cidr.isEmpty()) {
            problems.add(at, fields.path("cidr"), "invalid CIDR \"" + text + "\"; allowed: " + CIDR_RULE);
        } else if (cidr.get().hasHostBits()) {
            problems.add(at, fields.path("cidr"), "CIDR \"" + text + "\" has host bits set; the network is "
                    + IpAddresses.format(cidr.get().networkAddress()) + "/" + cidr.get().prefixLength());
            return Optional.empty();
        }
        return cidr;
    }

    private Optional<byte[]> parseGateway(String text, MappingFields fields) {
        Optional<byte[]> address = IpAddresses.parse(text);
        if (address.isEmpty()) {
            problems.add(fields.get("gateway").orElseThrow().location(), fields.path("gateway"),
                    "invalid IP address \"" + text + "\"; allowed: an IPv4 or IPv6 address inside cidr");
        }
        return address;
    }

    private void checkGatewayInside(Cidr cidr, byte[] gateway, MappingFields fields) {
        Location at = fields.get("gateway").orElseThrow().location();
        String path = fields.path("gateway");
        String network = IpAddresses.format(cidr.address()) + "/" + cidr.prefixLength();
        String gatewayText = IpAddresses.format(gateway);
        if (!cidr.contains(gateway)) {
            problems.add(at, path, "gateway " + gatewayText + " is not inside cidr " + network);
        } else if (gateway.length == 4 && cidr.prefixLength() <= 30) {
            // IPv4 subnets larger than a point-to-point /31 reserve their first and last address.
            if (Arrays.equals(gateway, cidr.networkAddress())) {
                problems.add(at, path, "gateway " + gatewayText + " is the network address of " + network);
            } else if (Arrays.equals(gateway, cidr.broadcastAddress())) {
                problems.add(at, path, "gateway " + gatewayText + " is the broadcast address of " + network);
            }
        }
    }
}
