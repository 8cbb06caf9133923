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

    public VmPort withPod(PodEnd newPod) {
        return new VmPort(hostIfName, newPod, vlans, isolated, promiscuousBridge, owner);
    }
}
