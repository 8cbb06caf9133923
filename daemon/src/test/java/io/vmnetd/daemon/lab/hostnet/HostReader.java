package io.vmnetd.daemon.lab.hostnet;

import com.fasterxml.jackson.databind.JsonNode;
import io.vmnetd.netlink.testing.Shell;
import io.vmnetd.netlink.testing.TestNetns;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;

/**
 * The node's host interfaces as iproute2 reports them (an independent reader: {@code ip -j}, {@code bridge -j}), and
 * polling until the daemon has made them so.
 */
final class HostReader {
    private HostReader() {}

    /** {@code ip -j -d link show DEV}, or null when there is no such link. */
    static JsonNode link(String dev) {
        Shell.Result r = Shell.run("ip", "-j", "-d", "link", "show", "dev", dev);
        return r.exitCode() == 0 ? TestNetns.json(r.stdout()).get(0) : null;
    }

    /** The global IPv4 addresses of {@code dev} as "A/LEN", from {@code ip -j addr show}; empty without the link. */
    static List<String> addresses(String dev) {
        List<String> out = new ArrayList<>();
        Shell.Result r = Shell.run("ip", "-j", "-4", "addr", "show", "dev", dev, "scope", "global");
        if (r.exitCode() != 0) {
            return out;
        }
        for (JsonNode i : TestNetns.json(r.stdout())) {
            for (JsonNode a : i.path("addr_info")) {
                out.add(a.path("local").asText() + "/" + a.path("prefixlen").asInt());
            }
        }
        return out;
    }

    /** The main table's IPv4 routes as "DST via GW dev DEV proto P" (gateway part left out when there is none). */
    static List<String> routes() {
        List<String> out = new ArrayList<>();
        for (JsonNode r : TestNetns.json(Shell.check("ip", "-j", "-4", "route", "show", "table", "main"))) {
            out.add(r.path("dst").asText() + (r.has("gateway") ? " via " + r.path("gateway").asText() : "")
                    + " dev " + r.path("dev").asText() + " proto " + r.path("protocol").asText());
        }
        return out;
    }

    /**
     * The VLANs of {@code dev} from {@code bridge -j vlan show dev DEV} as "VID" or "VID untagged pvid" entries;
     * for a bridge these are its own (self) VLANs.
     */
    static List<String> bridgeVlans(String dev) {
        List<String> out = new ArrayList<>();
        for (JsonNode port : TestNetns.json(Shell.check("bridge", "-j", "vlan", "show", "dev", dev))) {
            if (!port.path("ifname").asText().equals(dev)) {
                continue;
            }
            for (JsonNode v : port.path("vlans")) {
                StringBuilder s = new StringBuilder(Integer.toString(v.path("vlan").asInt()));
                if (v.has("vlanEnd")) {
                    s.append('-').append(v.path("vlanEnd").asInt());
                }
                for (JsonNode f : v.path("flags")) {
                    s.append(f.asText().equals("PVID") ? " pvid" : f.asText().equals("Egress Untagged") ? " untagged"
                            : " " + f.asText());
                }
                out.add(s.toString());
            }
        }
        return out;
    }

    /** One ICMP echo from the node to {@code address}, answered within 3 s. */
    static boolean ping(String address) {
        return Shell.run("ping", "-c", "1", "-W", "3", address).exitCode() == 0;
    }

    /** Polls {@code condition} every 100 ms for up to {@code millis}; true once it held. */
    static boolean await(long millis, BooleanSupplier condition) {
        long deadline = System.nanoTime() + millis * 1_000_000L;
        while (true) {
            if (condition.getAsBoolean()) {
                return true;
            }
            if (System.nanoTime() > deadline) {
                return false;
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
    }
}
