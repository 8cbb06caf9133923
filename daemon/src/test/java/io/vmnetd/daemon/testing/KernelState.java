package io.vmnetd.daemon.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vmnetd.netlink.testing.Shell;
import io.vmnetd.netlink.testing.VlanMembership;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.TreeMap;

/**
 * The lab tests' independent reader of the kernel: iproute2's {@code ip -j -d link show} and
 * {@code bridge -j vlan show}, parsed, never the daemon's own netlink code. Each call runs the tools afresh.
 */
public final class KernelState {
    private static final ObjectMapper JSON = new ObjectMapper().configure(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS, true);

    /**
     * Keys that change by themselves (timers, counters, LACP negotiation; operstate, which for a bridge goes from
     * UNKNOWN to UP some time after a port forwards, while the flags keep the admin state and carrier) and are left
     * out of {@link #canonicalDump()}.
     */
    private static final List<String> VOLATILE_KEYS = List.of("operstate", "stats", "stats64", "link_failure_count", "ad_info",
            "ad_actor_oper_port_state", "ad_partner_oper_port_state", "ad_aggregator_id", "ad_actor_oper_port_state_str",
            "ad_partner_oper_port_state_str");

    private final Optional<String> netns;
    /** Set on a {@link #snapshot()}: the dumps every read answers from. */
    private final JsonNode frozenLinks;
    private final JsonNode frozenVlans;

    private KernelState(Optional<String> netns) {
        this(netns, null, null);
    }

    private KernelState(Optional<String> netns, JsonNode frozenLinks, JsonNode frozenVlans) {
        this.netns = netns;
        this.frozenLinks = frozenLinks;
        this.frozenVlans = frozenVlans;
    }

    /** The namespace the test JVM runs in: the lab node's. */
    public static KernelState host() {
        return new KernelState(Optional.empty());
    }

    /** A named namespace (as in /run/netns). */
    public static KernelState in(String netnsName) {
        return new KernelState(Optional.of(netnsName));
    }

    /**
     * One {@code ip -j -d link show} and one {@code bridge -j vlan show}, taken now, that every method of the
     * returned reader answers from: a consistent view, and cheap to query many times (e.g. when polling).
     */
    public KernelState snapshot() {
        return new KernelState(netns, links(), vlanDump());
    }

    /** {@code ip -j -d link show}: one object per link. */
    public JsonNode links() {
        if (frozenLinks != null) {
            return frozenLinks;
        }
        return json(Shell.check(tool("ip", "-j", "-d", "link", "show")));
    }

    /** The link's {@code ip -j -d link show dev DEV} object, empty when there is no such link. */
    public Optional<JsonNode> link(String dev) {
        if (frozenLinks != null) {
            for (JsonNode l : frozenLinks) {
                if (l.path("ifname").asText().equals(dev)) {
                    return Optional.of(l);
                }
            }
            return Optional.empty();
        }
        Shell.Result r = Shell.run(tool("ip", "-j", "-d", "link", "show", "dev", dev));
        if (r.exitCode() != 0) {
            return Optional.empty();
        }
        JsonNode arr = json(r.stdout());
        return arr.isEmpty() ? Optional.empty() : Optional.of(arr.get(0));
    }

    /** The addresses of {@code dev}'s {@code ip -j -6 addr show dev DEV}, as "address/prefix" (none if no link). */
    public List<String> ipv6Addresses(String dev) {
        Shell.Result r = Shell.run(tool("ip", "-j", "-6", "addr", "show", "dev", dev));
        List<String> addresses = new ArrayList<>();
        if (r.exitCode() == 0) {
            for (JsonNode link : json(r.stdout())) {
                for (JsonNode a : link.path("addr_info")) {
                    addresses.add(a.path("local").asText() + "/" + a.path("prefixlen").asInt());
                }
            }
        }
        return addresses;
    }

    public boolean exists(String dev) {
        return link(dev).isPresent();
    }

    public List<String> linkNames() {
        List<String> names = new ArrayList<>();
        links().forEach(l -> names.add(l.get("ifname").asText()));
        return names;
    }

    /** linkinfo.info_kind ("bridge", "bond", "veth"...), empty for a link without one (lo, a physical NIC). */
    public Optional<String> kind(String dev) {
        return link(dev).map(l -> l.path("linkinfo").path("info_kind")).filter(JsonNode::isTextual).map(JsonNode::asText);
    }

    /** The names of the links whose linkinfo.info_kind is {@code kind}, in ifindex order. */
    public List<String> linksOfKind(String kind) {
        List<String> out = new ArrayList<>();
        for (JsonNode l : links()) {
            if (kind.equals(l.path("linkinfo").path("info_kind").asText(null))) {
                out.add(l.get("ifname").asText());
            }
        }
        return out;
    }

    public Optional<String> master(String dev) {
        return link(dev).map(l -> l.path("master")).filter(JsonNode::isTextual).map(JsonNode::asText);
    }

    /** The links whose master is {@code master}, in ifindex order. */
    public List<String> portsOf(String master) {
        List<String> out = new ArrayList<>();
        for (JsonNode l : links()) {
            if (master.equals(l.path("master").asText(null))) {
                out.add(l.get("ifname").asText());
            }
        }
        return out;
    }

    public int mtu(String dev) {
        return require(dev).get("mtu").asInt();
    }

    /** The administrative state: IFF_UP among the flags. */
    public boolean isUp(String dev) {
        return flags(dev).contains("UP");
    }

    public List<String> flags(String dev) {
        List<String> flags = new ArrayList<>();
        require(dev).path("flags").forEach(f -> flags.add(f.asText()));
        return flags;
    }

    public String operstate(String dev) {
        return require(dev).path("operstate").asText();
    }

    /** linkinfo.info_data of the link (bridge or bond options), an empty object when there is none. */
    public JsonNode infoData(String dev) {
        return require(dev).path("linkinfo").path("info_data");
    }

    /** The bridge port's isolated flag (linkinfo.info_slave_data.isolated); false when not a bridge port. */
    public boolean isolated(String dev) {
        return require(dev).path("linkinfo").path("info_slave_data").path("isolated").asBoolean(false);
    }

    /** The link's MAC address as iproute2 prints it. */
    public String mac(String dev) {
        return require(dev).path("address").asText();
    }

    /** The bridge's vlan_filtering (0 or 1). */
    public int vlanFiltering(String bridge) {
        return infoData(bridge).path("vlan_filtering").asInt(-1);
    }

    /** The bond's mode as iproute2 names it: "active-backup", "balance-rr", "802.3ad"... */
    public String bondMode(String bond) {
        return infoData(bond).path("mode").asText();
    }

    public int miimon(String bond) {
        return infoData(bond).path("miimon").asInt(-1);
    }

    public int txQueueLen(String dev) {
        return require(dev).path("txqlen").asInt(-1);
    }

    /** {@code bridge -j vlan show dev DEV}: VIDs, egress-untagged VIDs and PVID; {@link VlanMembership#NONE} when none. */
    public VlanMembership bridgeVlans(String dev) {
        return allBridgeVlans().getOrDefault(dev, VlanMembership.NONE);
    }

    /** The PVID of a bridge or port, if any. */
    public OptionalInt pvid(String dev) {
        return bridgeVlans(dev).pvid();
    }

    /** {@code bridge -j vlan show} for every device that has VLANs, keyed by name. */
    public Map<String, VlanMembership> allBridgeVlans() {
        Map<String, VlanMembership> all = new LinkedHashMap<>();
        for (JsonNode dev : vlanDump()) {
            all.put(dev.get("ifname").asText(), VlanMembership.fromBridgeJson(dev.path("vlans")));
        }
        return all;
    }

    /**
     * Everything both tools print, as a stable string for before/after comparisons: one line per link (sorted by
     * name; keys sorted; the {@link #VOLATILE_KEYS} dropped) and one per device's VLANs.
     */
    public String canonicalDump() {
        StringBuilder out = new StringBuilder();
        canonicalLines().forEach((k, v) -> out.append(k).append(' ').append(v).append('\n'));
        return out.toString();
    }

    /**
     * The lines of {@link #canonicalDump()} by key: {@code "link DEV"} for a link's normalized
     * {@code ip -j -d link show} object, {@code "vlan DEV"} for its {@code bridge -j vlan show} VLANs.
     */
    public Map<String, String> canonicalLines() {
        KernelState s = frozenLinks != null ? this : snapshot();
        Map<String, String> lines = new TreeMap<>();
        for (JsonNode l : s.links()) {
            ObjectNode copy = l.deepCopy();
            strip(copy);
            lines.put("link " + l.get("ifname").asText(), write(copy));
        }
        for (JsonNode dev : s.vlanDump()) {
            lines.put("vlan " + dev.get("ifname").asText(), write(dev.path("vlans")));
        }
        return lines;
    }

    /** {@code bridge -j vlan show}: one object per device with VLANs. */
    public JsonNode vlanDump() {
        if (frozenVlans != null) {
            return frozenVlans;
        }
        return json(Shell.check(tool("bridge", "-j", "vlan", "show")));
    }

    private static void strip(JsonNode node) {
        if (node instanceof ObjectNode obj) {
            for (Iterator<String> it = obj.fieldNames(); it.hasNext(); ) {
                String key = it.next();
                if (key.endsWith("_timer") || VOLATILE_KEYS.contains(key)) {
                    it.remove();
                }
            }
            obj.forEach(KernelState::strip);
        } else if (node.isArray()) {
            node.forEach(KernelState::strip);
        }
    }

    private JsonNode require(String dev) {
        return link(dev).orElseThrow(() -> new AssertionError("no link " + dev + where()));
    }

    private String where() {
        return netns.map(n -> " in netns " + n).orElse(" in the root namespace");
    }

    private List<String> tool(String tool, String... args) {
        List<String> c = new ArrayList<>(List.of(tool));
        netns.ifPresent(n -> c.addAll(List.of("-n", n)));
        c.addAll(List.of(args));
        return c;
    }

    private static String write(JsonNode node) {
        try {
            // Round-trip through a map so that ORDER_MAP_ENTRIES_BY_KEYS sorts nested keys too.
            return JSON.writeValueAsString(JSON.treeToValue(node, Object.class));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    static JsonNode json(String text) {
        try {
            return JSON.readTree(text.isBlank() ? "[]" : text);
        } catch (Exception e) {
            throw new AssertionError("not JSON: " + text, e);
        }
    }
}
