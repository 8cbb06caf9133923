package io.vmnetd.daemon.model;

import io.vmnetd.netlink.BondMode;
import io.vmnetd.netlink.VidSet;
import java.util.List;
import java.util.OptionalInt;

/**
 * What one cluster network should look like in the kernel.
 *
 * @param managed false for the adopted mgmt network: vmnetd then only adds (and later removes) the VIDs its VM
 *     networks need on the uplink and manages its own VM ports; it never creates, changes or deletes the rest
 * @param uplink the bridge port towards the physical network: the bond
 * @param mtu empty when adopted: the kernel's MTU is kept
 * @param uplinkVids tagged VIDs the uplink carries besides its native VLAN
 * @param bondTuning the bond's options besides mode and miimon, and its MAC; managed networks only
 * @param hostVlans the node's own interfaces on VLANs of this network's bridge (hostNetworks)
 */
public record DesiredNetwork(
        String name,
        boolean managed,
        String bridge,
        String uplink,
        List<String> nics,
        OptionalInt mtu,
        BondMode bondMode,
        int miimon,
        OptionalInt txQueueLength,
        VidSet uplinkVids,
        List<VmPort> ports,
        BondTuning bondTuning,
        List<HostVlan> hostVlans) {

    public DesiredNetwork {
        nics = List.copyOf(nics);
        ports = List.copyOf(ports);
        java.util.Objects.requireNonNull(bondTuning, "bondTuning");
        hostVlans = List.copyOf(hostVlans);
    }

    /** A network whose bond has the kernel's default options and no host interfaces. */
    public DesiredNetwork(String name, boolean managed, String bridge, String uplink, List<String> nics,
                          OptionalInt mtu, BondMode bondMode, int miimon, OptionalInt txQueueLength, VidSet uplinkVids,
                          List<VmPort> ports) {
        this(name, managed, bridge, uplink, nics, mtu, bondMode, miimon, txQueueLength, uplinkVids, ports,
                BondTuning.DEFAULTS, List.of());
    }

    /** The uplink's VLANs: the native VLAN (PVID 1, untagged) plus every VID a VM network uses, tagged. */
    public PortVlanSpec uplinkVlans() {
        return PortVlanSpec.nativeOnly().withTagged(uplinkVids.minus(VidSet.of(PortVlanSpec.DEFAULT_VID)));
    }

    /** This network with only the VM ports named in {@code hostIfNames}. */
    public DesiredNetwork withPortsNamed(java.util.Set<String> hostIfNames) {
        return new DesiredNetwork(name, managed, bridge, uplink, nics, mtu, bondMode, miimon, txQueueLength,
                uplinkVids, ports.stream().filter(p -> hostIfNames.contains(p.hostIfName())).toList(), bondTuning,
                hostVlans);
    }

    /** This network with {@code only} as its VM ports. */
    public DesiredNetwork withPorts(List<VmPort> only) {
        return new DesiredNetwork(name, managed, bridge, uplink, nics, mtu, bondMode, miimon, txQueueLength,
                uplinkVids, only, bondTuning, hostVlans);
    }

    /** True when {@code linkName} is the host end of one of this network's VM ports. */
    public boolean hasPort(String linkName) {
        return port(linkName).isPresent();
    }

    /** The VM port whose host end is {@code hostIfName}. */
    public java.util.Optional<VmPort> port(String hostIfName) {
        return ports.stream().filter(p -> p.hostIfName().equals(hostIfName)).findFirst();
    }

    /** True when a port on this network asked for a promiscuous bridge (promiscMode), which it then keeps. */
    public boolean promiscuousBridge() {
        return ports.stream().anyMatch(VmPort::promiscuousBridge);
    }

    /** True when {@code linkName} is one of this network's own links, ports or host interfaces. */
    public boolean owns(String linkName) {
        if (linkName.equals(bridge) || linkName.equals(uplink) || nics.contains(linkName)) {
            return true;
        }
        return hasPort(linkName) || hostVlans.stream().anyMatch(h -> h.ifName().equals(linkName));
    }
}
