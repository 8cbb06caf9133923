package io.vmnetd.daemon.reconcile;

import io.vmnetd.daemon.config.ClusterNetwork;
import io.vmnetd.daemon.config.Config;
import io.vmnetd.daemon.model.DesiredNetwork;
import io.vmnetd.daemon.model.DesiredState;
import io.vmnetd.daemon.model.LeaseState;
import io.vmnetd.daemon.model.LivePorts;
import io.vmnetd.daemon.model.VmPort;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.function.Supplier;

/**
 * The desired state as the reconciler's two kinds of work need it. A whole network's reconcile compares every port,
 * against {@link #desired()}, built from all live ports once per change. A single port (what its link events, its
 * repair and every CNI call are about) is planned alone in its network as the config describes it, looked up by its
 * host end: nothing on that path passes over the other ports, so its cost does not grow with how many there are.
 */
final class DesiredViews {
    private final LivePorts livePorts;
    private final Supplier<Config> config;
    private final Supplier<Map<String, LeaseState>> leases;
    private volatile Snapshot withPorts;
    private volatile Snapshot configOnly;

    /** A desired state and what it was built from: config and leases compared by identity (replaced whole). */
    private record Snapshot(Config config, Map<String, LeaseState> leases, long portsVersion, DesiredState state) {
        boolean builtFrom(Config c, Map<String, LeaseState> held, long version) {
            return config == c && leases == held && portsVersion == version;
        }
    }

    DesiredViews(LivePorts livePorts, Supplier<Config> config, Supplier<Map<String, LeaseState>> leases) {
        this.livePorts = livePorts;
        this.config = config;
        this.leases = leases;
    }

    /** Everything the node should look like, every live port included. */
    DesiredState desired() {
        Map<String, LeaseState> held = leases.get();
        OptionalLong version = livePorts.version();
        Config c = config.get();
        if (version.isEmpty()) {
            return DesiredState.of(c, livePorts.all(), held);
        }
        // The version is read before the ports, so a snapshot is never older than the version it is filed under.
        Snapshot d = withPorts;
        if (d == null || !d.builtFrom(c, held, version.getAsLong())) {
            d = new Snapshot(c, held, version.getAsLong(), DesiredState.of(c, livePorts.all(), held));
            withPorts = d;
        }
        return d.state();
    }

    /** What {@code candidate} would make of the node with today's ports and leases (a dry run). */
    DesiredState desired(Config candidate) {
        return DesiredState.of(candidate, livePorts.all(), leases.get());
    }

    /** The desired state of the config alone, without any VM port: built once per config and leases. */
    DesiredState configured() {
        Config c = config.get();
        Map<String, LeaseState> held = leases.get();
        Snapshot v = configOnly;
        if (v == null || !v.builtFrom(c, held, 0)) {
            v = new Snapshot(c, held, 0, DesiredState.of(c, List.of(), held));
            configOnly = v;
        }
        return v.state();
    }

    /**
     * Cluster network {@code name} as a VM port on it is planned: its bridge, MTU and the rest of the config, with
     * no ports. The adopted mgmt network is there even when nothing else uses it. Empty when the config has no such
     * network.
     */
    Optional<DesiredNetwork> portNetwork(String name) {
        return configured().network(name)
                .or(() -> name.equals(ClusterNetwork.MGMT) ? Optional.of(DesiredState.unusedMgmt()) : Optional.empty());
    }

    /**
     * The live VM port whose host end is {@code hostIfName}, alone in its network (planning it reads and compares
     * only this one); empty when no live port has that name or its network is not configured.
     */
    Optional<DesiredNetwork> livePort(String hostIfName) {
        return livePorts.named(hostIfName)
                .flatMap(p -> portNetwork(p.clusterNetwork()).map(n -> n.withPorts(List.of(p.port()))));
    }

    /** The live ports of {@code names} that are on {@code network}, alone in it; empty when there is none. */
    Optional<DesiredNetwork> portsAlone(String network, Set<String> names) {
        List<VmPort> found = new ArrayList<>();
        for (String name : names) {
            livePorts.named(name).filter(p -> p.clusterNetwork().equals(network)).ifPresent(p -> found.add(p.port()));
        }
        return found.isEmpty() ? Optional.empty() : portNetwork(network).map(n -> n.withPorts(found));
    }

    /**
     * The network whose own link {@code linkName} is: its bridge, bond, a NIC or a host interface, not a VM port
     * (those are {@link #livePort}). The adopted mgmt network owns its bridge and bond only while it is desired.
     */
    Optional<DesiredNetwork> networkOwning(String linkName) {
        Optional<DesiredNetwork> n = configured().ownerOf(linkName);
        if (n.isEmpty() && (linkName.equals(DesiredState.MGMT_BRIDGE) || linkName.equals(DesiredState.MGMT_UPLINK))) {
            return desired().network(ClusterNetwork.MGMT); // rare: mgmt used by ports alone, and its links changed
        }
        return n;
    }
}
