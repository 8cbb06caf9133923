package io.vmnetd.daemon.config;

import io.vmnetd.netlink.VidRange;
import io.vmnetd.netlink.VidSet;

import io.vmnetd.daemon.config.LocatedNode.Location;
import io.vmnetd.daemon.config.LocatedNode.Sequence;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Validates {@code vmNetworks}: each entry, its reference to a cluster network, and VIDs across entries.
 *
 * <p>Deliberately allowed: several UntaggedNetworks on one cluster network (they all carry its native VLAN, as
 * in Harvester), and a trunk that includes the VID of an L2VlanNetwork on the same cluster network (e.g. a
 * router VM that must see the VLANs other VMs are access ports of).
 */
final class VmNetworkValidator {

    private static final List<String> KEYS = List.of("name", "clusterNetwork", "type", "vlan", "trunk", "route");
    /** A common mistake with its own message: the MTU belongs to the cluster network. */
    private static final String MTU_KEY = "mtu";

    private static final Pattern NAME = Pattern.compile("[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?");
    private static final String NAME_RULE = "1..63 of [a-z0-9-], starting and ending with a letter or digit";

    private record Declaration(String path, Location location) {
    }

    private record VlanUse(String vmNetwork, String path, Location location) {
    }

    private final NodeValues values;
    private final Problems problems;
    private final ClusterNetworkValidator.Result clusterNetworks;
    private final TrunkValidator trunkValidator;
    private final RouteValidator routeValidator;
    private final Map<String, Declaration> declarations = new HashMap<>();
    /** Per cluster network, the L2VlanNetwork that first claimed each VID. */
    private final Map<String, Map<Integer, VlanUse>> vlanUses = new HashMap<>();

    VmNetworkValidator(NodeValues values, ClusterNetworkValidator.Result clusterNetworks) {
        this.values = values;
        this.problems = values.problems();
        this.clusterNetworks = clusterNetworks;
        this.trunkValidator = new TrunkValidator(values);
        this.routeValidator = new RouteValidator(values);
    }

    List<VmNetwork> validate(Optional<LocatedNode> section, String path) {
        List<VmNetwork> networks = new ArrayList<>();
        Optional<Sequence> list = section.flatMap(node -> values.list(node, path));
        List<LocatedNode> items = list.map(Sequence::items).orElse(List.of());
        for (int i = 0; i < items.size(); i++) {
            readNetwork(items.get(i), Problems.item(path, i)).ifPresent(networks::add);
        }
        return networks;
    }

    private Optional<VmNetwork> readNetwork(LocatedNode item, String path) {
        int problemsBefore = problems.count();
        Optional<MappingFields> maybeFields = MappingFields.of(item, path, values, KEYS, Set.of(MTU_KEY));
        if (maybeFields.isEmpty()) {
            return Optional.empty();
        }
        MappingFields fields = maybeFields.get();
        fields.requirePresent("name", NAME_RULE);
        Optional<String> name = fields.text("name").filter(text -> isNewValidName(text, fields));
        List<String> referable = clusterNetworks.referableNames();
        fields.requirePresent("clusterNetwork", String.join(", ", referable));
        Optional<String> clusterNetwork = fields.oneOf("clusterNetwork", referable);
        rejectMtu(fields, clusterNetwork);
        fields.requirePresent("type", String.join(", ", VmNetworkType.names()));
        Optional<VmNetworkType> type = fields.oneOf("type", VmNetworkType.names()).map(VmNetworkType::valueOf);
        OptionalInt vlan = readVlan(fields, type);
        List<VidRange> trunk = readTrunk(fields, type);
        Optional<Route> route = fields.get("route").flatMap(node -> routeValidator.read(node, fields.path("route")));
        route.ifPresent(r -> checkRouteVlan(r, fields, type, trunk));
        if (name.isPresent() && clusterNetwork.isPresent() && vlan.isPresent()) {
            checkVlanIsFree(name.get(), clusterNetwork.get(), vlan.getAsInt(), fields);
        }
        if (problems.count() != problemsBefore) {
            return Optional.empty();
        }
        return Optional.of(new VmNetwork(name.orElseThrow(), clusterNetwork.orElseThrow(), type.orElseThrow(), vlan,
                trunk, route));
    }

    /** A route's {@code vlan} picks the trunk VID a trunk network is checked on: only there, and one of the trunk's. */
    private void checkRouteVlan(Route route, MappingFields fields, Optional<VmNetworkType> type, List<VidRange> trunk) {
        if (route.vlan().isEmpty() || type.isEmpty()) {
            return;
        }
        // The route was read as a valid mapping with a vlan, so both are there.
        LocatedNode.Mapping routeNode = (LocatedNode.Mapping) fields.get("route").orElseThrow();
        Location at = routeNode.entries().get("vlan").value().location();
        String path = Problems.child(fields.path("route"), "vlan");
        int vid = route.vlan().getAsInt();
        if (type.get() != VmNetworkType.L2VlanTrunkNetwork) {
            problems.add(at, path, "only allowed with type " + VmNetworkType.L2VlanTrunkNetwork + " (the VID a trunk"
                    + " is checked on), this network is " + type.get() + "; remove this field");
        } else if (!trunk.isEmpty() && !VidSet.of(trunk).contains(vid)) {
            problems.add(at, path, "VID " + vid + " is not in the trunk " + VidSet.of(trunk)
                    + "; allowed: one of the trunk's VIDs");
        }
    }

    private boolean isNewValidName(String name, MappingFields fields) {
        Location at = fields.get("name").orElseThrow().location();
        Declaration first = declarations.putIfAbsent(name, new Declaration(fields.path(), at));
        if (first != null) {
            problems.add(at, fields.path("name"), "duplicate VM network name \"" + name + "\"; first declared at "
                    + first.path() + " (" + first.location() + ")");
            return false;
        }
        if (!NAME.matcher(name).matches()) {
            problems.add(at, fields.path("name"), "invalid VM network name \"" + name + "\"; allowed: " + NAME_RULE);
            return false;
        }
        return true;
    }

    private void rejectMtu(MappingFields fields, Optional<String> clusterNetwork) {
        Optional<Location> at = fields.keyLocation(MTU_KEY);
        if (at.isEmpty()) {
            return;
        }
        String source = clusterNetwork.map(this::mtuSource).orElse("their cluster network");
        problems.add(at.get(), fields.path(MTU_KEY),
                "VM networks inherit the MTU of " + source + "; remove this field");
    }

    private String mtuSource(String clusterNetwork) {
        if (clusterNetwork.equals(ClusterNetwork.MGMT)) {
            return "cluster network mgmt (adopted from the kernel)";
        }
        return "cluster network " + clusterNetwork
                + clusterNetworks.network(clusterNetwork).map(network -> " (" + network.mtu() + ")").orElse("");
    }

    private OptionalInt readVlan(MappingFields fields, Optional<VmNetworkType> type) {
        boolean wanted = type.equals(Optional.of(VmNetworkType.L2VlanNetwork));
        if (!fields.has("vlan")) {
            if (wanted) {
                fields.requirePresent("vlan", TrunkValidator.VID.toString());
            }
            return OptionalInt.empty();
        }
        OptionalInt vlan = fields.integer("vlan", TrunkValidator.VID);
        if (type.isPresent() && !wanted) {
            rejectForType(fields, "vlan", VmNetworkType.L2VlanNetwork, type.get());
            return OptionalInt.empty();
        }
        return vlan;
    }

    private List<VidRange> readTrunk(MappingFields fields, Optional<VmNetworkType> type) {
        boolean wanted = type.equals(Optional.of(VmNetworkType.L2VlanTrunkNetwork));
        if (!fields.has("trunk")) {
            if (wanted) {
                fields.requirePresent("trunk", TrunkValidator.ENTRY_RULE);
            }
            return List.of();
        }
        LocatedNode node = fields.get("trunk").orElseThrow();
        Optional<List<VidRange>> trunk = trunkValidator.read(node, fields.path("trunk"));
        if (type.isPresent() && !wanted) {
            rejectForType(fields, "trunk", VmNetworkType.L2VlanTrunkNetwork, type.get());
            return List.of();
        }
        if (wanted && trunk.isPresent() && trunk.get().isEmpty()) {
            problems.add(node.location(), fields.path("trunk"),
                    "at least one entry is required; allowed: " + TrunkValidator.ENTRY_RULE);
        }
        return trunk.orElse(List.of());
    }

    private void rejectForType(MappingFields fields, String key, VmNetworkType allowedFor, VmNetworkType actual) {
        problems.add(fields.keyLocation(key).orElseThrow(), fields.path(key),
                "only allowed with type " + allowedFor + ", this network is " + actual + "; remove this field");
    }

    private void checkVlanIsFree(String vmNetwork, String clusterNetwork, int vid, MappingFields fields) {
        Location at = fields.get("vlan").orElseThrow().location();
        VlanUse use = new VlanUse(vmNetwork, fields.path(), at);
        VlanUse first = vlanUses.computeIfAbsent(clusterNetwork, any -> new HashMap<>()).putIfAbsent(vid, use);
        if (first != null) {
            problems.add(at, fields.path("vlan"), "VID " + vid + " on cluster network " + clusterNetwork
                    + " is already used by " + first.path() + " (" + first.vmNetwork() + ", " + first.location() + ")");
        }
    }
}
