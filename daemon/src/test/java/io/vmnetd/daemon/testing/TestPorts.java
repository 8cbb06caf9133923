package io.vmnetd.daemon.testing;

import io.vmnetd.daemon.model.PodEnd;
import io.vmnetd.daemon.model.PortVlanSpec;
import io.vmnetd.daemon.model.VmPort;
import io.vmnetd.netlink.MacAddress;
import io.vmnetd.netlink.NetNs;
import java.nio.file.Path;
import java.util.List;

/** VM port descriptions for planner and model tests. */
public final class TestPorts {
    private TestPorts() {}

    /** Host end {@code hostIfName} with {@code vlans}, its pod end "net1" in /run/netns/{@code pod}, not isolated. */
    public static VmPort port(String hostIfName, String pod, PortVlanSpec vlans) {
        return new VmPort(hostIfName, new PodEnd(Path.of("/run/netns/" + pod), new NetNs.Identity(4, 4026530000L + Math.floorMod(pod.hashCode(), 1000)), "net1",
                MacAddress.parse("02:00:00:00:00:" + String.format("%02x", Math.floorMod(hostIfName.hashCode(), 256))),
                List.of(), List.of()), vlans, false, false, "container " + pod + "/net1");
    }

    /** {@code port}, isolated as asked. */
    public static VmPort isolated(VmPort port, boolean isolated) {
        return new VmPort(port.hostIfName(), port.pod(), port.vlans(), isolated, port.promiscuousBridge(), port.owner());
    }
}
