package io.vmnetd.daemon.bench;

import static io.vmnetd.daemon.bench.PluginExec.exec;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Checks what the plugins built with an independent reader (iproute2), so that a plugin that exits 0 without wiring
 * the port cannot pass for a fast one.
 */
final class BridgePortCheck {
    private static final Pattern PORT_LINE = Pattern.compile("^\\d+: ([^:@]+)[@:]", Pattern.MULTILINE);

    private BridgePortCheck() {
    }

    /** The names of the bridge's veth ports ({@code ip -o link show master BRIDGE type veth}). */
    static List<String> ports(CniPlugin s) {
        String ports = exec(List.of("ip", "-o", "link", "show", "master", s.bridge(), "type", "veth"), Map.of(),
                new byte[0]).stdout();
        List<String> names = new ArrayList<>();
        Matcher m = PORT_LINE.matcher(ports);
        while (m.find()) {
            names.add(m.group(1));
        }
        return names;
    }

    /** The bridge has {@code expected} veth ports, and each has {@code vlan} as its untagged PVID (spot-checked). */
    static void verify(CniPlugin s, int expected, int vlan) {
        List<String> names = ports(s);
        if (names.size() != expected) {
            throw new IllegalStateException(s.label() + ": " + s.bridge() + " has " + names.size()
                    + " veth ports, expected " + expected + ": " + names);
        }
        if (!names.isEmpty()) {
            String port = names.get(names.size() / 2);
            String vlans = exec(List.of("bridge", "vlan", "show", "dev", port), Map.of(), new byte[0]).stdout();
            if (!Pattern.compile("\\b" + vlan + " PVID Egress Untagged").matcher(vlans).find()) {
                throw new IllegalStateException(s.label() + ": port " + port + " lacks VLAN " + vlan
                        + " as untagged PVID:\n" + vlans);
            }
            String up = exec(List.of("ip", "-o", "link", "show", "dev", port), Map.of(), new byte[0]).stdout();
            if (!up.contains("state UP")) {
                throw new IllegalStateException(s.label() + ": port " + port + " is not up: " + up);
            }
        }
    }
}
