package io.vmnetd.daemon.config;

import io.vmnetd.netlink.InvalidArgumentException;
import io.vmnetd.netlink.MacAddress;

import io.vmnetd.daemon.config.LocatedNode.Location;
import io.vmnetd.daemon.config.LocatedNode.Sequence;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.regex.Pattern;

/** Validates {@code clusterNetworks}: each entry, then names and NICs across entries. */
final class ClusterNetworkValidator {

    private static final List<String> KEYS = List.of("name", "mtu", "uplink");
    private static final List<String> UPLINK_KEYS = List.of("nics", "bond", "txQueueLen", "hardwareAddr");

    // 12 characters leave room for the "-br"/"-bo" suffixes within the kernel's 15-byte interface names.
    private static final Pattern NAME = Pattern.compile("[a-z0-9]([a-z0-9-]{0,10}[a-z0-9])?");
    private static final String NAME_RULE = "1..12 of [a-z0-9-], starting and ending with a letter or digit";
    private static final String INTERFACE_NAME_RULE = "1..15 bytes without '/', ':' or whitespace, not \".\" or \"..\"";
    private static final int MAX_INTERFACE_NAME_BYTES = 15;

    private static final IntRange MTU = new IntRange(ClusterNetwork.MIN_MTU, ClusterNetwork.MAX_MTU);
    private static final IntRange TX_QUEUE_LEN = new IntRange(1, 100_000);

    /**
     * @param networks the entries that are valid on their own
     * @param declaredNames every name written, valid or not, so VM networks that name a broken cluster network
     *     are not also reported as pointing nowhere
     */
    record Result(List<ClusterNetwork> networks, Set<String> declaredNames) {

        /** Names a VM network may refer to: the built-in mgmt, then the declared ones in file order. */
        List<String> referableNames() {
            List<String> names = new ArrayList<>();
            names.add(ClusterNetwork.MGMT);
            names.addAll(declaredNames);
            return names;
        }

        Optional<ClusterNetwork> network(String name) {
            return networks.stream().filter(network -> network.name().equals(name)).findFirst();
        }
    }

    private record Declaration(String path, Location location) {
    }

    /** One NIC as listed, remembered for the checks that span cluster networks. */
    private record NicUse(String nic, int networkIndex, Optional<String> network, String path, Location location) {
    }

    private final NodeValues values;
    private final Problems problems;
    private final Set<String> declaredNames = new LinkedHashSet<>();
    private final Map<String, Declaration> declarations = new HashMap<>();
    private final List<NicUse> nicUses = new ArrayList<>();

    ClusterNetworkValidator(NodeValues values) {
        this.values = values;
        this.problems = values.problems();
    }

    Result validate(Optional<LocatedNode> section, String path) {
        List<ClusterNetwork> networks = new ArrayList<>();
        Optional<Sequence> list = section.flatMap(node -> values.list(node, path));
        List<LocatedNode> items = list.map(Sequence::items).orElse(List.of());
        for (int i = 0; i < items.size(); i++) {
            int problemsBefore = problems.count();
            Optional<ClusterNetwork> network = readNetwork(items.get(i), Problems.item(path, i), i);
            if (network.isPresent() && problems.count() == problemsBefore) {
                networks.add(network.get());
            }
        }
        checkNicsAcrossNetworks();
        return new Result(networks, declaredNames);
    }

    private Optional<ClusterNetwork> readNetwork(LocatedNode item, String path, int index) {
        Optional<MappingFields> maybeFields = MappingFields.of(item, path, values, KEYS);
        if (maybeFields.isEmpty()) {
            return Optional.empty();
        }
        MappingFields fields = maybeFields.get();
        fields.requirePresent("name", NAME_RULE);
        Optional<String> name = fields.text("name").filter(text -> isNewValidName(text, fields));
        int mtu = fields.integer("mtu", MTU).orElse(ClusterNetwork.DEFAULT_MTU);
        fields.requirePresent("uplink", "");
        Optional<Uplink> uplink = fields.mapping("uplink", UPLINK_KEYS)
                .map(uplinkFields -> readUplink(uplinkFields, index, name));
        if (name.isEmpty() || uplink.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new ClusterNetwork(name.get(), mtu, uplink.get()));
    }

    private boolean isNewValidName(String name, MappingFields fields) {
        Location at = fields.get("name").orElseThrow().location();
        String path = fields.path("name");
        if (name.equals(ClusterNetwork.MGMT)) {
            problems.add(at, path, "mgmt is built in and adopted as it is; remove it from clusterNetworks");
            return false;
        }
        declaredNames.add(name);
        Declaration first = declarations.putIfAbsent(name, new Declaration(fields.path(), at));
        if (first != null) {
            problems.add(at, path, "duplicate cluster network name \"" + name + "\"; first declared at "
                    + first.path() + " (" + first.location() + ")");
            return false;
        }
        if (!NAME.matcher(name).matches()) {
            problems.add(at, path, "invalid cluster network name \"" + name + "\"; allowed: " + NAME_RULE);
            return false;
        }
        return true;
    }

    private Uplink readUplink(MappingFields fields, int networkIndex, Optional<String> network) {
        fields.requirePresent("nics", "1 or more interface names");
        List<String> nics = new ArrayList<>();
        fields.list("nics").ifPresent(list -> {
            if (list.items().isEmpty()) {
                problems.add(list.location(), fields.path("nics"), "at least one NIC is required");
            }
            for (int i = 0; i < list.items().size(); i++) {
                LocatedNode item = list.items().get(i);
                String path = Problems.item(fields.path("nics"), i);
                values.matching(item, path, ClusterNetworkValidator::isValidInterfaceName, "interface name",
                        INTERFACE_NAME_RULE).ifPresent(nic -> {
                            nics.add(nic);
                            nicUses.add(new NicUse(nic, networkIndex, network, path, item.location()));
                        });
            }
        });
        BondValidator.Bond bond = new BondValidator(problems).read(fields.mapping("bond", BondValidator.KEYS), nics);
        OptionalInt txQueueLen = fields.integer("txQueueLen", TX_QUEUE_LEN);
        Optional<MacAddress> hardwareAddr = fields.text("hardwareAddr").flatMap(text -> hardwareAddr(text, fields));
        return new Uplink(nics, bond.mode(), bond.miimon(), txQueueLen, bond.settings(), hardwareAddr);
    }

    /** A unicast MAC other than all zeros: what a bond may be given as its own address. */
    private Optional<MacAddress> hardwareAddr(String text, MappingFields fields) {
        Location at = fields.get("hardwareAddr").orElseThrow().location();
        String path = fields.path("hardwareAddr");
        MacAddress mac;
        try {
            mac = MacAddress.parse(text);
        } catch (InvalidArgumentException e) {
            problems.add(at, path, "invalid MAC address \"" + text + "\"; allowed: 6 hex octets separated by ':', "
                    + "e.g. 02:00:5e:10:00:01");
            return Optional.empty();
        }
        if ((mac.bytes()[0] & 1) != 0 || mac.value() == 0) {
            problems.add(at, path, "\"" + text + "\" is a " + (mac.value() == 0 ? "zero" : "multicast")
                    + " address; a bond needs a unicast address (the first octet even), e.g. 02:00:5e:10:00:01");
            return Optional.empty();
        }
        return Optional.of(mac);
    }

    /** The kernel's dev_valid_name(), plus the length limit IFNAMSIZ implies. */
    static boolean isValidInterfaceName(String name) {
        return !name.isEmpty()
                && name.getBytes(StandardCharsets.UTF_8).length <= MAX_INTERFACE_NAME_BYTES
                && !name.equals(".") && !name.equals("..")
                && name.chars().noneMatch(c -> c == '/' || c == ':' || Character.isWhitespace(c));
    }

    private void checkNicsAcrossNetworks() {
        Map<String, String> reserved = reservedInterfaceNames();
        Map<String, NicUse> firstUse = new HashMap<>();
        for (NicUse use : nicUses) {
            String purpose = reserved.get(use.nic());
            if (purpose != null) {
                problems.add(use.location(), use.path(), "interface name \"" + use.nic() + "\" is reserved for "
                        + purpose + "; list physical NICs here");
                continue;
            }
            NicUse first = firstUse.putIfAbsent(use.nic(), use);
            if (first == null) {
                continue;
            }
            if (first.networkIndex() == use.networkIndex()) {
                problems.add(use.location(), use.path(),
                        "NIC \"" + use.nic() + "\" is listed twice; first at " + first.path());
            } else {
                String owner = first.network().map(name -> "cluster network " + name).orElse("another cluster network");
                problems.add(use.location(), use.path(), "NIC \"" + use.nic() + "\" is already an uplink of "
                        + owner + " (" + first.path() + "); a NIC can serve one cluster network only");
            }
        }
    }

    /** The bridges and bonds vmnetd creates (or, for mgmt, adopts), which must never be listed as NICs. */
    private Map<String, String> reservedInterfaceNames() {
        Map<String, String> reserved = new LinkedHashMap<>();
        List<String> networks = new ArrayList<>(declaredNames);
        networks.add(ClusterNetwork.MGMT);
        for (String network : networks) {
            reserved.put(ClusterNetwork.bridgeName(network), "the bridge of cluster network " + network);
            reserved.put(ClusterNetwork.bondName(network), "the bond of cluster network " + network);
        }
        return reserved;
    }
}
