package io.vmnetd.kube.testing;

import io.vmnetd.daemon.cluster.NetworkSource;
import io.vmnetd.daemon.cluster.NetworkState;
import io.vmnetd.daemon.cluster.NetworkState.LinkState;
import io.vmnetd.daemon.cluster.Refusal;
import io.vmnetd.daemon.cluster.SourcedNetworks;
import io.vmnetd.daemon.config.ClusterNetwork;
import io.vmnetd.netlink.VidSet;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The daemon as a source sees it, without a kernel: it takes every network it is given and reports each as built and
 * up (unless told a network is broken), with the VIDs its VM networks need.
 */
public final class FakeHost implements NetworkSource.Host {
    private final List<SourcedNetworks> received = new CopyOnWriteArrayList<>();
    private volatile List<Refusal> refusals = List.of();
    private volatile String broken = "";

    @Override
    public void networksChanged(SourcedNetworks networks) {
        received.add(networks);
    }

    @Override
    public List<Refusal> refusals() {
        return refusals;
    }

    public void refuse(List<Refusal> r) {
        refusals = List.copyOf(r);
    }

    /** Reports {@code clusterNetwork}'s bridge as down from now on ("" for none). */
    public void breakNetwork(String clusterNetwork) {
        broken = clusterNetwork;
    }

    @Override
    public List<NetworkState> networkStates() {
        List<NetworkState> out = new ArrayList<>();
        for (SourcedNetworks.Sourced<ClusterNetwork> s : last().clusterNetworks()) {
            ClusterNetwork cn = s.network();
            VidSet vids = VidSet.of(1);
            for (var vm : last().vmNetworks()) {
                if (vm.network().clusterNetwork().equals(cn.name()) && vm.network().vlan().isPresent()) {
                    vids = vids.union(VidSet.of(vm.network().vlan().getAsInt()));
                }
            }
            boolean up = !cn.name().equals(broken);
            out.add(new NetworkState(cn.name(), true,
                    new LinkState(cn.bridgeName(), true, up, up ? "UP" : "DOWN", Optional.empty(), cn.mtu()),
                    new LinkState(cn.bondName(), true, true, "UP", Optional.of(cn.bridgeName()), cn.mtu()),
                    cn.uplink().nics().stream().map(n -> new LinkState(n, true, true, "UP", Optional.of(cn.bondName()),
                            cn.mtu())).toList(), vids, List.of()));
        }
        return out;
    }

    /** Every set of networks handed over so far. */
    public List<SourcedNetworks> received() {
        return List.copyOf(received);
    }

    public SourcedNetworks last() {
        return received.isEmpty() ? SourcedNetworks.empty() : received.get(received.size() - 1);
    }

    public List<String> clusterNetworkNames() {
        return last().clusterNetworks().stream().map(s -> s.network().name()).toList();
    }

    public List<String> vmNetworkNames() {
        return last().vmNetworks().stream().map(s -> s.network().name()).toList();
    }
}
