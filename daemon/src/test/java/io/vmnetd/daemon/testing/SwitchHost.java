package io.vmnetd.daemon.testing;

import io.vmnetd.netlink.testing.Shell;
import io.vmnetd.netlink.testing.TestNetns;

/**
 * A host on the far side of the node's uplink: its own namespace whose {@code eth0} is plugged into an access port
 * of the {@link LabTopology} switch bridge on one VLAN (untagged), with one address. Closing deletes its namespace
 * (and with it the switch port).
 */
public final class SwitchHost implements AutoCloseable {
    private final TestNetns ns;
    private final String address;

    private SwitchHost(TestNetns ns, String address) {
        this.ns = ns;
        this.address = address;
    }

    /**
     * Plugs a new host into the switch as {@code port} (at most 15 characters), an access port of {@code vid}
     * (1: the switch's native VLAN, PVID 1 untagged as the bridge makes every port), and gives it {@code cidr}.
     */
    public static SwitchHost attach(LabTopology topology, String port, int vid, String cidr) {
        TestNetns ns = TestNetns.create();
        try {
            TestNetns sw = topology.switchNs();
            sw.ip("link", "add", port, "type", "veth", "peer", "name", "eth0", "netns", ns.name());
            sw.ip("link", "set", port, "master", LabTopology.SWITCH_BRIDGE, "up");
            if (vid != 1) {
                Shell.check("bridge", "-n", sw.name(), "vlan", "add", "dev", port, "vid", Integer.toString(vid), "pvid",
                        "untagged");
                Shell.check("bridge", "-n", sw.name(), "vlan", "del", "dev", port, "vid", "1");
            }
            ns.ip("addr", "add", cidr, "dev", "eth0");
            ns.ip("link", "set", "eth0", "up");
            return new SwitchHost(ns, cidr.substring(0, cidr.indexOf('/')));
        } catch (RuntimeException | Error e) {
            ns.close();
            throw e;
        }
    }

    /** Makes the switch port of {@code nic} a trunk: VLAN 1 native (PVID, untagged) and every other VID tagged. */
    public static void trunkAll(LabTopology topology, String nic) {
        Shell.check("bridge", "-n", topology.switchNs().name(), "vlan", "add", "dev", LabTopology.switchPortOf(nic),
                "vid", "2-4094");
    }

    public TestNetns ns() {
        return ns;
    }

    /** The host's IP address, without prefix length. */
    public String address() {
        return address;
    }

    @Override
    public void close() {
        ns.close();
    }
}
