package io.vmnetd.netlink.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vmnetd.netlink.NetNs;
import io.vmnetd.netlink.RtNetlink;
import io.vmnetd.netlink.nl.Connection;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A fresh named network namespace made with iproute2 for one test, removed (with everything in it) on close.
 * Also the test's independent reader: {@code ip -j -d link show} and {@code bridge -j vlan show} run inside it.
 */
public final class TestNetns implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final List<String> PING =
            Files.isExecutable(Path.of("/usr/bin/ping")) || Files.isExecutable(Path.of("/bin/ping"))
                    ? List.of("ping") : List.of("busybox", "ping");

    private final String name;
    private final List<AutoCloseable> owned = new ArrayList<>();

    private TestNetns(String name) {
        this.name = name;
    }

    public static TestNetns create() {
        String name = "vmnt-" + Long.toHexString(ThreadLocalRandom.current().nextLong() & 0xffffffffL);
        Shell.check("ip", "netns", "add", name);
        TestNetns ns = new TestNetns(name);
        ns.ip("link", "set", "lo", "up");
        return ns;
    }

    public String name() {
        return name;
    }

    public Path path() {
        return Path.of("/run/netns", name);
    }

    /** A library handle inside this namespace, closed with it. */
    public RtNetlink rtnl() {
        RtNetlink h = RtNetlink.openIn(path());
        owned.add(h);
        return h;
    }

    /** A library handle inside this namespace whose requests and errors {@code observer} sees, closed with it. */
    public RtNetlink rtnl(Connection.Observer observer) {
        try (NetNs ns = NetNs.open(path())) {
            RtNetlink h = RtNetlink.openIn(ns, observer);
            owned.add(h);
            return h;
        }
    }

    public NetNs open() {
        NetNs ns = NetNs.open(path());
        owned.add(ns);
        return ns;
    }

    /** Runs {@code ip -n NAME args...}. */
    public String ip(String... args) {
        return Shell.check(prefix("ip", args));
    }

    public Shell.Result tryIp(String... args) {
        return Shell.run(prefix("ip", args));
    }

    /** Runs a command inside the namespace via {@code ip netns exec}. */
    public Shell.Result exec(String... command) {
        List<String> c = new ArrayList<>(List.of("ip", "netns", "exec", name));
        c.addAll(List.of(command));
        return Shell.run(c);
    }

    /** {@code ip -j -d link show [dev]} parsed. */
    public JsonNode links() {
        return json(Shell.check("ip", "-n", name, "-j", "-d", "link", "show"));
    }

    public JsonNode link(String dev) {
        JsonNode arr = json(Shell.check("ip", "-n", name, "-j", "-d", "link", "show", "dev", dev));
        return arr.get(0);
    }

    /** The names in {@code ip -j link show}, in ifindex order. */
    public List<String> linkNames() {
        List<String> names = new ArrayList<>();
        links().forEach(l -> names.add(l.get("ifname").asText()));
        return names;
    }

    /** The flag names ip prints for a link of {@link #link}/{@link #links}: "UP", "LOWER_UP", "PROMISC"... */
    public static List<String> flags(JsonNode link) {
        List<String> flags = new ArrayList<>();
        link.get("flags").forEach(f -> flags.add(f.asText()));
        return flags;
    }

    public boolean hasLink(String dev) {
        return Shell.run("ip", "-n", name, "link", "show", "dev", dev).exitCode() == 0;
    }

    /** {@code bridge -j vlan show} parsed (inside the namespace). */
    public JsonNode bridgeVlans() {
        return json(exec("bridge", "-j", "vlan", "show").orThrow().stdout());
    }

    /**
     * {@code bridge -j vlan show}, each device's VLANs as a {@link VlanMembership}, keyed by device name; a device
     * without VLANs (or that is no bridge or port) is absent, as iproute2 leaves it out.
     */
    public Map<String, VlanMembership> vlanMemberships() {
        Map<String, VlanMembership> all = new LinkedHashMap<>();
        for (JsonNode dev : json(Shell.check("bridge", "-n", name, "-j", "vlan", "show"))) {
            all.put(dev.get("ifname").asText(), VlanMembership.fromBridgeJson(dev.path("vlans")));
        }
        return all;
    }

    /** {@code bridge -j vlan show dev DEV} as a {@link VlanMembership}; {@link VlanMembership#NONE} when it has none. */
    public VlanMembership vlanMembership(String dev) {
        for (JsonNode d : json(Shell.check("bridge", "-n", name, "-j", "vlan", "show", "dev", dev))) {
            if (d.get("ifname").asText().equals(dev)) {
                return VlanMembership.fromBridgeJson(d.path("vlans"));
            }
        }
        return VlanMembership.NONE;
    }

    /** The addr_info entries of {@code ip -j addr show dev DEV}. */
    public JsonNode addresses(String dev) {
        return json(Shell.check("ip", "-n", name, "-j", "addr", "show", "dev", dev)).get(0).get("addr_info");
    }

    /** {@code ip -j -d -4 route show}: the main table's IPv4 routes, with type and protocol. */
    public JsonNode ipv4Routes() {
        return json(Shell.check("ip", "-n", name, "-j", "-d", "-4", "route", "show"));
    }

    /** {@code ip -j -d -6 route show}: the main table's IPv6 routes, with type and protocol. */
    public JsonNode ipv6Routes() {
        return json(Shell.check("ip", "-n", name, "-j", "-d", "-6", "route", "show"));
    }

    /**
     * Runs {@code ip -n NAME args...}, which must fail with the kernel's extended-ack message, and returns that
     * message as the kernel sent it: iproute2 prints it as "Error: TEXT." and adds the period when missing.
     */
    public String ipExtAck(String... args) {
        Shell.Result r = tryIp(args);
        String err = r.stderr().strip();
        if (r.exitCode() == 0 || !err.startsWith("Error: ")) {
            throw new AssertionError("ip " + String.join(" ", args) + " gave no extended ack: exit " + r.exitCode()
                    + ", " + err);
        }
        String text = err.substring("Error: ".length());
        return text.endsWith(".") ? text.substring(0, text.length() - 1) : text;
    }

    /** One echo request from inside this namespace (iputils ping, else busybox's); true when it was answered. */
    public boolean ping(String address) {
        List<String> c = new ArrayList<>(PING);
        c.addAll(List.of("-c", "1", "-W", "2", address));
        return exec(c.toArray(String[]::new)).exitCode() == 0;
    }

    public static JsonNode json(String text) {
        try {
            return JSON.readTree(text.isBlank() ? "[]" : text);
        } catch (Exception e) {
            throw new AssertionError("not JSON: " + text, e);
        }
    }

    private List<String> prefix(String tool, String... args) {
        List<String> c = new ArrayList<>(List.of(tool, "-n", name));
        c.addAll(List.of(args));
        return c;
    }

    @Override
    public void close() {
        for (AutoCloseable c : owned) {
            try {
                c.close();
            } catch (Exception ignored) {
                // best effort: the namespace goes next anyway
            }
        }
        Shell.run("ip", "netns", "delete", name);
    }
}
