package io.vmnetd.daemon.model;

/**
 * Everything a VM port must be, described once: CNI ADD creates it from this description, the reconciler repairs
 * it after drift, and CHECK compares it with the kernel, all through the same planner and steps. The bridge and the
 * MTU are its cluster network's ({@link DesiredNetwork}).
 *
 * @param hostIfName the veth's host end, a port of the cluster network's bridge
 * @param vlans the port's VLANs: PVID, untagged and tagged VIDs, exactly
 * @param isolated the bridge port's isolated flag (netconf portIsolation): it reaches the uplink, not other
 *     isolated ports
 * @param promiscuousBridge the netconf asked for promiscMode: the bridge is kept promiscuous while such a port is on it
 * @param owner who the port is for, in log and error messages ("container 3f2a…/net1")
 */
public record VmPort(String hostIfName, PodEnd pod, PortVlanSpec vlans, boolean isolated, boolean promiscuousBridge,
                     String owner) {

    /**
     * The host end's MAC: chosen, not random, so that it is known without reading it back and stays the same when the
     * port is made again. Locally administered, and starting with fe so that a bridge, which takes the lowest MAC of
     * its ports when it has none of its own, never takes this one.
     */
    public io.vmnetd.netlink.MacAddress hostMac() {
        byte[] b = new byte[6];
        b[0] = (byte) 0xfe;
        int h = hostIfName.hashCode();
        long more = h * 0x9E3779B97F4A7C15L;
        for (int i = 1; i < 6; i++) {
            b[i] = (byte) (more >>> (8 * i));
        }
        return io.vmnetd.netlink.MacAddress.of(b);
    }

    public VmPort withPod(PodEnd newPod) {
        return new VmPort(hostIfName, newPod, vlans, isolated, promiscuousBridge, owner);
    }
}
