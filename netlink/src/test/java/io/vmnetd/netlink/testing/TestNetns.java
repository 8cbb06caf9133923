package io.vmnetd.netlink.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vmnetd.netlink.NetNs;
import io.vmnetd.netlink.RtNetlink;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A fresh named network namespace made with iproute2 for one test, removed (with everything in it) on close.
 * Also the test's independent reader: {@code ip -j -d link show} and {@code bridge -j vlan show} run inside it.
 */
public final class TestNetns implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();

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

    public boolean hasLink(String dev) {
        return Shell.run("ip", "-n", name, "link", "show", "dev", dev).exitCode() == 0;
    }

    /** {@code bridge -j vlan show} parsed (inside the namespace). */
    public JsonNode bridgeVlans() {
        return json(exec("bridge", "-j", "vlan", "show").orThrow().stdout());
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
