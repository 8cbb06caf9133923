package io.vmnetd.daemon.model;

import io.vmnetd.daemon.config.ClusterNetwork;
import io.vmnetd.daemon.config.Config;
import io.vmnetd.daemon.config.HostNetwork;
import io.vmnetd.daemon.config.Uplink;
import io.vmnetd.daemon.config.VmNetwork;
import io.vmnetd.netlink.BondMode;
import io.vmnetd.netlink.VidSet;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * Everything the node should look like: the configured cluster networks, plus the adopted mgmt network when a
 * VM network or a live port uses it, each with the VIDs its VM networks and live ports need on the uplink.
 */
public record DesiredState(Map<String, DesiredNetwork> networks) {
    public static final String MGMT_BRIDGE = ClusterNetwork.bridgeName(ClusterNetwork.MGMT);
    public static final String MGMT_UPLINK = ClusterNetwork.bondName(ClusterNetwork.MGMT);

    public DesiredState {
        networks = Map.copyOf(networks);
    }

    public static DesiredState of(Config config, List<NetworkPort> livePorts) {
        return of(config, livePorts, Map.of());
    }

    /** @param leases where the DHCP leases of host networks stand, by host network name (none: sought) */
    public static DesiredState of(Config config, List<NetworkPort> livePorts, Map<String, LeaseState> leases) {
        Map<String, DesiredNetwork> out = new LinkedHashMap<>();
        for (ClusterNetwork cn : config.clusterNetworks()) {
            out.put(cn.name(), network(cn.name(), true, Optional.of(cn), config, livePorts, leases));
        }
        boolean mgmtUsed = !config.vmNetworksOf(ClusterNetwork.MGMT).isEmpty()
                || !config.hostNetworksOf(ClusterNetwork.MGMT).isEmpty()
                || livePorts.stream().anyMatch(p -> p.clusterNetwork().equals(ClusterNetwork.MGMT));
        if (mgmtUsed) {
            out.put(ClusterNetwork.MGMT, network(ClusterNetwork.MGMT, false, Optional.empty(), config, livePorts,
                    leases));
        }
        return new DesiredState(out);
    }

    private static DesiredNetwork network(String name, boolean managed, Optional<ClusterNetwork> cn, Config config,
                                          List<NetworkPort> livePorts, Map<String, LeaseState> leases) {
        VidSet vids = VidSet.empty();
        for (VmNetwork vm : config.vmNetworksOf(name)) {
            vids = vids.union(VmNetworkVlans.uplinkVids(vm));
        }
        List<HostVlan> hostVlans = new ArrayList<>();
        for (HostNetwork h : config.hostNetworksOf(name)) {
            hostVlans.add(hostVlan(h, leases.getOrDefault(h.name(), new LeaseState.Seeking())));
            vids = vids.union(VidSet.of(h.vlan()));
        }
        List<VmPort> ports = new ArrayList<>();
        for (NetworkPort p : livePorts) {
            if (p.clusterNetwork().equals(name)) {
                ports.add(p.port());
                vids = vids.union(p.port().vlans().vids());
            }
        }
        vids = vids.minus(VidSet.of(PortVlanSpec.DEFAULT_VID));
        return new DesiredNetwork(
                name,
                managed,
                ClusterNetwork.bridgeName(name),
                ClusterNetwork.bondName(name),
                cn.map(c -> c.uplink().nics()).orElse(List.of()),
                cn.map(c -> OptionalInt.of(c.mtu())).orElse(OptionalInt.empty()),
                cn.map(c -> c.uplink().mode()).orElse(BondMode.ACTIVE_BACKUP),
                cn.map(c -> c.uplink().miimon()).orElse(0),
                cn.map(c -> c.uplink().txQueueLen()).orElse(OptionalInt.empty()),
                vids,
                ports,
                cn.map(c -> bondTuning(c.uplink())).orElse(BondTuning.DEFAULTS),
                hostVlans);
    }

    private static BondTuning bondTuning(Uplink uplink) {
        return new BondTuning(uplink.bond().options(), uplink.bond().primary(), uplink.hardwareAddr());
    }

    /** A host network as the planner makes it: a DHCP one with the lease it holds, if any. */
    static HostVlan hostVlan(HostNetwork h, LeaseState state) {
        if (h.addressing() instanceof HostNetwork.Addressing.Static s) {
            return new HostVlan(h.name(), h.interfaceName(), h.vlan(), Optional.of(s.address()), s.gateway(),
                    h.routes(), false);
        }
        Optional<LeasedAddress> lease = state instanceof LeaseState.Bound b ? Optional.of(b.lease()) : Optional.empty();
        return new HostVlan(h.name(), h.interfaceName(), h.vlan(), lease.map(LeasedAddress::address),
                lease.flatMap(LeasedAddress::router), h.routes(), true, state instanceof LeaseState.Seeking);
    }

    /**
     * The adopted mgmt network with nothing on it: reconciled when no VM network or port uses mgmt any more, so
     * that its uplink gives back the VIDs vmnetd added.
     */
    public static DesiredNetwork unusedMgmt() {
        return new DesiredNetwork(ClusterNetwork.MGMT, false, MGMT_BRIDGE, MGMT_UPLINK, List.of(), OptionalInt.empty(),
                BondMode.ACTIVE_BACKUP, 0, OptionalInt.empty(), VidSet.empty(), List.of());
    }

    public Optional<DesiredNetwork> network(String name) {
        return Optional.ofNullable(networks.get(name));
    }

    /** The network owning {@code linkName} (its bridge, bond, NIC or a VM port), if any. */
    public Optional<DesiredNetwork> ownerOf(String linkName) {
        return networks.values().stream().filter(n -> n.owns(linkName)).findFirst();
    }
}
