package io.vmnetd.daemon.bench;

import static io.vmnetd.daemon.bench.PluginExec.exec;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/**
 * The kernel's own cost of adding a VLAN port to a bridge that already has a given number of ports, measured with
 * iproute2 alone beside vmnetd's ADDs: a bridge like vmnetd's (VLAN filtering, no default PVID) in a namespace of
 * its own (so that vmnetd never sees its links), grown to each level with veth pairs, then {@value #SAMPLES} ports
 * added in one {@code ip -batch} (pair, master, up) and one {@code bridge -batch} (VID untagged PVID), timed
 * together and deleted again. The bridge's code walks its port list in several places when a port joins; what
 * that costs at 1000 ports is the kernel's, not vmnetd's, and vmnetd's ADD pays it as the reference plugin would.
 */
final class KernelPortFloor implements AutoCloseable {
    static final int SAMPLES = 20;
    private static final String NS = "vmnetd-bench-kfloor";
    private static final String BRIDGE = "kb";

    private final int vlan;
    private int ports;
    private int round;

    KernelPortFloor(int vlan) {
        this.vlan = vlan;
        run(List.of("ip", "netns", "add", NS), "");
        ip("link add " + BRIDGE + " type bridge vlan_filtering 1 vlan_default_pvid 0\nlink set " + BRIDGE + " up\n");
    }

    /** Grows the bridge to {@code level} ports (untimed), then the mean time per port of adding {@value #SAMPLES}. */
    double millisPerPortAt(int level) {
        StringBuilder grow = new StringBuilder();
        StringBuilder growVlans = new StringBuilder();
        for (; ports < level; ports++) {
            addPort(grow, growVlans, "kp" + ports);
        }
        if (!grow.isEmpty()) {
            ip(grow.toString());
            bridge(growVlans.toString());
        }
        StringBuilder add = new StringBuilder();
        StringBuilder vlans = new StringBuilder();
        StringBuilder del = new StringBuilder();
        round++;
        for (int i = 0; i < SAMPLES; i++) {
            String name = "ks" + round + "x" + i;
            addPort(add, vlans, name);
            del.append("link del ").append(name).append('\n');
        }
        long t0 = System.nanoTime();
        ip(add.toString());
        bridge(vlans.toString());
        long nanos = System.nanoTime() - t0;
        ip(del.toString());
        return nanos / 1e6 / SAMPLES;
    }

    private void addPort(StringBuilder links, StringBuilder vlans, String name) {
        links.append("link add ").append(name).append(" type veth peer name ").append(name).append("p\n")
                .append("link set ").append(name).append(" master ").append(BRIDGE).append(" up\n");
        vlans.append("vlan add dev ").append(name).append(" vid ").append(vlan).append(" pvid untagged\n");
    }

    private static void ip(String batch) {
        run(List.of("ip", "-n", NS, "-batch", "-"), batch);
    }

    private static void bridge(String batch) {
        run(List.of("bridge", "-n", NS, "-batch", "-"), batch);
    }

    private static void run(List<String> command, String stdin) {
        PluginExec.Call c = exec(command, Map.of(), stdin.getBytes(StandardCharsets.UTF_8));
        if (c.exit() != 0) {
            throw new IllegalStateException(String.join(" ", command) + " failed (" + c.exit() + "): " + c.stderr());
        }
    }

    @Override
    public void close() {
        run(List.of("ip", "netns", "del", NS), "");
    }
}
