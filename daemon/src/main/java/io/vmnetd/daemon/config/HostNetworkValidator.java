package io.vmnetd.daemon.config;

import io.vmnetd.daemon.config.HostNetwork.Addressing;
import io.vmnetd.daemon.config.IpAddresses.Cidr;
import io.vmnetd.daemon.config.LocatedNode.Location;
import io.vmnetd.daemon.config.LocatedNode.Sequence;
import io.vmnetd.netlink.IpPrefix;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.regex.Pattern;

/**
 * Validates {@code hostNetworks}: each entry, its cluster network, and across entries one host interface per VLAN of
 * a cluster network and static subnets that do not overlap. (The node's own mgmt address is the kernel's, not the
 * config's: it is compared when a config is applied, and by the planner.)
 */
final class HostNetworkValidator {

    private static final List<String> KEYS = List.of("name", "clusterNetwork", "vlan", "mode", "address", "gateway",
            "routes");
    private static final Pattern NAME = Pattern.compile("[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?");
    private static final String NAME_RULE = "1..63 of [a-z0-9-], starting and ending with a letter or digit";
    static final IntRange VID = new IntRange(2, 4094);
    private static final String ADDRESS_RULE = "an address with its prefix length, e.g. 10.0.100.5/24";
    private static final String ROUTE_RULE = "a destination network, e.g. 10.20.0.0/16";

    private record Use(String path, Location location) {}

    private record StaticSubnet(String hostNetwork, Cidr subnet, String path, Location location) {}

    private final NodeValues values;
    private final Problems problems;
    private final ClusterNetworkValidator.Result clusterNetworks;
    private final Map<String, Use> names = new HashMap<>();
    private final Map<String, Use> vlans = new HashMap<>();
    private final List<StaticSubnet> subnets = new ArrayList<>();

    HostNetworkValidator(NodeValues values, ClusterNetworkValidator.Result clusterNetworks) {
        this.values = values;
        this.problems = values.problems();
        this.clusterNetworks = clusterNetworks;
    }

    List<HostNetwork> validate(Optional<LocatedNode> section, String path) {
        List<HostNetwork> out = new ArrayList<>();
        List<LocatedNode> items = section.flatMap(node -> values.list(node, path)).map(Sequence::items)
                .orElse(List.of());
        for (int i = 0; i < items.size(); i++) {
            read(items.get(i), Problems.item(path, i)).ifPresent(out::add);
        }
        return out;
    }

    private Optional<HostNetwork> read(LocatedNode item, String path) {
        int before = problems.count();
        Optional<MappingFields> maybe = MappingFields.of(item, path, values, KEYS);
        if (maybe.isEmpty()) {
            return Optional.empty();
        }
        MappingFields f = maybe.get();
        f.requirePresent("name", NAME_RULE);
        Optional<String> name = f.text("name").filter(text -> isNewValidName(text, f));
        List<String> referable = clusterNetworks.referableNames();
        f.requirePresent("clusterNetwork", String.join(", ", referable));
        Optional<String> clusterNetwork = f.oneOf("clusterNetwork", referable);
        f.requirePresent("vlan", VID + " (VLAN 1 is the bridge's own native VLAN)");
        OptionalInt vlan = f.integer("vlan", VID);
        f.requirePresent("mode", String.join(", ", HostNetwork.MODES));
        Optional<String> mode = f.oneOf("mode", HostNetwork.MODES);
        Optional<Addressing> addressing = mode.flatMap(m -> m.equals("static") ? staticAddressing(f, name) : dhcp(f));
        List<IpPrefix> routes = routes(f, addressing);
        if (clusterNetwork.isPresent() && vlan.isPresent()) {
            checkInterface(clusterNetwork.get(), vlan.getAsInt(), f);
        }
        if (problems.count() != before) {
            return Optional.empty();
        }
        return Optional.of(new HostNetwork(name.orElseThrow(), clusterNetwork.orElseThrow(), vlan.getAsInt(),
                addressing.orElseThrow(), routes));
    }

    private boolean isNewValidName(String name, MappingFields f) {
        Location at = f.get("name").orElseThrow().location();
        Use first = names.putIfAbsent(name, new Use(f.path(), at));
        if (first != null) {
            problems.add(at, f.path("name"), "duplicate host network name \"" + name + "\"; first declared at "
                    + first.path() + " (" + first.location() + ")");
            return false;
        }
        if (!NAME.matcher(name).matches()) {
            problems.add(at, f.path("name"), "invalid host network name \"" + name + "\"; allowed: " + NAME_RULE);
            return false;
        }
        return true;
    }

    /** One host interface per VLAN of a cluster network, and a name the kernel takes. */
    private void checkInterface(String clusterNetwork, int vlan, MappingFields f) {
        Location at = f.get("vlan").orElseThrow().location();
        String ifName = HostNetwork.interfaceName(clusterNetwork, vlan);
        Use first = vlans.putIfAbsent(ifName, new Use(f.path(), at));
        if (first != null) {
            problems.add(at, f.path("vlan"), "VLAN " + vlan + " of cluster network " + clusterNetwork
                    + " already has a host interface (" + ifName + "), from " + first.path() + " (" + first.location()
                    + "); give that one the address, or use another VLAN");
            return;
        }
        int bytes = ifName.getBytes(StandardCharsets.UTF_8).length;
        if (bytes > 15) {
            problems.add(at, f.path("vlan"), "the host interface " + ifName + " would be " + bytes
                    + " bytes; Linux allows 15: use a cluster network whose name has at most "
                    + (15 - ClusterNetwork.BRIDGE_SUFFIX.length() - 1 - Integer.toString(vlan).length())
                    + " characters for VLAN " + vlan);
        }
    }

    private Optional<Addressing> staticAddressing(MappingFields f, Optional<String> name) {
        f.requirePresent("address", ADDRESS_RULE + " (mode static)");
        Optional<Cidr> cidr = f.text("address").flatMap(text -> hostAddress(text, f));
        Optional<byte[]> gateway = f.text("gateway").flatMap(text -> address(text, f, "gateway"));
        if (cidr.isPresent() && gateway.isPresent() && !gatewayFits(cidr.get(), gateway.get(), f)) {
            return Optional.empty();
        }
        if (cidr.isEmpty() || f.has("gateway") && gateway.isEmpty()) {
            return Optional.empty();
        }
        IpPrefix address = new IpPrefix(IpPrefix.fromBytes(cidr.get().address()), cidr.get().prefixLength());
        subnets.add(new StaticSubnet(name.orElse(f.path()), cidr.get(), f.path("address"),
                f.get("address").orElseThrow().location()));
        checkSubnetIsFree(cidr.get(), f);
        return Optional.of(new Addressing.Static(address, gateway.map(IpPrefix::fromBytes)));
    }

    private Optional<Addressing> dhcp(MappingFields f) {
        for (String key : List.of("address", "gateway")) {
            if (f.has(key)) {
                problems.add(f.keyLocation(key).orElseThrow(), f.path(key), "in mode dhcp the " + key
                        + " comes from the DHCP lease" + (key.equals("gateway") ? " (its router option)" : "")
                        + "; remove this field or set mode: static");
            }
        }
        return Optional.of(new Addressing.Dhcp());
    }

    /** address/prefix with host bits: not the network or broadcast address of an IPv4 subnet with room for hosts. */
    private Optional<Cidr> hostAddress(String text, MappingFields f) {
        Location at = f.get("address").orElseThrow().location();
        Optional<Cidr> cidr = IpAddresses.parseCidr(text);
        if (cidr.isEmpty()) {
            problems.add(at, f.path("address"), "invalid address \"" + text + "\"; allowed: " + ADDRESS_RULE);
            return Optional.empty();
        }
        Cidr c = cidr.get();
        boolean v4WithHosts = c.address().length == 4 && c.prefixLength() <= 30;
        if (v4WithHosts && java.util.Arrays.equals(c.address(), c.networkAddress())
                || c.address().length == 16 && !c.hasHostBits() && c.prefixLength() < 128) {
            problems.add(at, f.path("address"), "\"" + text + "\" is the network address of its subnet; give the "
                    + "node's own address in it, e.g. " + example(c));
            return Optional.empty();
        }
        if (v4WithHosts && java.util.Arrays.equals(c.address(), c.broadcastAddress())) {
            problems.add(at, f.path("address"), "\"" + text + "\" is the broadcast address of its subnet");
            return Optional.empty();
        }
        return cidr;
    }

    private static String example(Cidr c) {
        byte[] host = c.networkAddress();
        host[host.length - 1] |= 5;
        return IpAddresses.format(host) + "/" + c.prefixLength();
    }

    private Optional<byte[]> address(String text, MappingFields f, String key) {
        Optional<byte[]> a = IpAddresses.parse(text);
        if (a.isEmpty()) {
            problems.add(f.get(key).orElseThrow().location(), f.path(key), "invalid IP address \"" + text
                    + "\"; allowed: an IPv4 or IPv6 address inside address's subnet");
        }
        return a;
    }

    private boolean gatewayFits(Cidr cidr, byte[] gateway, MappingFields f) {
        Location at = f.get("gateway").orElseThrow().location();
        String subnet = IpAddresses.format(cidr.networkAddress()) + "/" + cidr.prefixLength();
        String text = IpAddresses.format(gateway);
        String why = null;
        if (!cidr.contains(gateway)) {
            why = "gateway " + text + " is not inside the subnet " + subnet + " of address";
        } else if (java.util.Arrays.equals(gateway, cidr.address())) {
            why = "gateway " + text + " is the node's own address";
        } else if (gateway.length == 4 && cidr.prefixLength() <= 30
                && (java.util.Arrays.equals(gateway, cidr.networkAddress())
                    || java.util.Arrays.equals(gateway, cidr.broadcastAddress()))) {
            why = "gateway " + text + " is the network or broadcast address of " + subnet;
        }
        if (why != null) {
            problems.add(at, f.path("gateway"), why);
            return false;
        }
        return true;
    }

    private void checkSubnetIsFree(Cidr subnet, MappingFields f) {
        StaticSubnet mine = subnets.get(subnets.size() - 1);
        for (StaticSubnet other : subnets.subList(0, subnets.size() - 1)) {
            if (overlap(other.subnet(), subnet)) {
                problems.add(mine.location(), mine.path(), "subnet " + describe(subnet) + " overlaps "
                        + describe(other.subnet()) + " of host network " + other.hostNetwork() + " (" + other.path()
                        + "): the node could not tell which interface reaches an address in both");
                return;
            }
        }
    }

    static boolean overlap(Cidr a, Cidr b) {
        if (a.address().length != b.address().length) {
            return false;
        }
        Cidr wider = a.prefixLength() <= b.prefixLength() ? a : b;
        Cidr narrower = wider == a ? b : a;
        return wider.contains(narrower.address());
    }

    private static String describe(Cidr c) {
        return IpAddresses.format(c.networkAddress()) + "/" + c.prefixLength();
    }

    /** Destination networks of the address's family, never the default route: mgmt keeps the node's. */
    private List<IpPrefix> routes(MappingFields f, Optional<Addressing> addressing) {
        if (!f.has("routes")) {
            return List.of();
        }
        List<IpPrefix> out = new ArrayList<>();
        Optional<Sequence> list = f.list("routes");
        if (list.isEmpty()) {
            return out;
        }
        if (addressing.orElse(null) instanceof Addressing.Static s && s.gateway().isEmpty() && f.has("address")) {
            problems.add(f.keyLocation("routes").orElseThrow(), f.path("routes"), "routes go through the gateway; "
                    + "set gateway (an address inside address's subnet) or remove routes");
            return out;
        }
        int family = addressing.orElse(null) instanceof Addressing.Static s ? s.address().address().getAddress().length
                : 4;
        for (int i = 0; i < list.get().items().size(); i++) {
            LocatedNode node = list.get().items().get(i);
            String path = Problems.item(f.path("routes"), i);
            values.text(node, path).ifPresent(text -> route(text, node.location(), path, family).ifPresent(out::add));
        }
        return out;
    }

    private Optional<IpPrefix> route(String text, Location at, String path, int familyBytes) {
        Optional<Cidr> cidr = IpAddresses.parseCidr(text);
        if (cidr.isEmpty()) {
            problems.add(at, path, "invalid route \"" + text + "\"; allowed: " + ROUTE_RULE);
            return Optional.empty();
        }
        Cidr c = cidr.get();
        String why = null;
        if (c.hasHostBits()) {
            why = "\"" + text + "\" has host bits set; the network is " + describe(c);
        } else if (c.prefixLength() == 0) {
            why = "a host network never takes the node's default route (mgmt keeps it); list the destination "
                    + "networks reached through this one";
        } else if (c.address().length != familyBytes) {
            why = "\"" + text + "\" is not of the address family of this host network ("
                    + (familyBytes == 4 ? "IPv4" : "IPv6") + ")";
        }
        if (why != null) {
            problems.add(at, path, why);
            return Optional.empty();
        }
        InetAddress dst = IpPrefix.fromBytes(c.address());
        return Optional.of(new IpPrefix(dst, c.prefixLength()));
    }
}
