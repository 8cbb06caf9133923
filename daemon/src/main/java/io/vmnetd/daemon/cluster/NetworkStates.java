package io.vmnetd.daemon.cluster;

import io.vmnetd.daemon.cluster.NetworkState.LinkState;
import io.vmnetd.daemon.model.DesiredNetwork;
import io.vmnetd.daemon.reconcile.KernelView;
import io.vmnetd.daemon.reconcile.ReconcileRun;
import io.vmnetd.daemon.reconcile.Reconciler;
import io.vmnetd.netlink.Link;
import io.vmnetd.netlink.PortVlans;
import io.vmnetd.netlink.RtNetlink;
import io.vmnetd.netlink.VidSet;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Reads every desired cluster network's {@link NetworkState}: two netlink dumps. */
public final class NetworkStates {
    private NetworkStates() {}

    public static List<NetworkState> read(Reconciler reconciler, RtNetlink host) {
        KernelView view = KernelView.read(host);
        ReconcileRun last = reconciler.lastRun();
        List<NetworkState> out = new ArrayList<>();
        for (DesiredNetwork n : reconciler.desired().networks().values()) {
            List<String> problems = new ArrayList<>(reconciler.problems().getOrDefault(n.name(), List.of()));
            if (last != null) {
                // A failed step leaves no plan problem behind, only the run's error, prefixed with the network.
                last.errors().stream().filter(e -> e.startsWith(n.name() + ": ")).forEach(problems::add);
            }
            List<LinkState> nics = n.nics().stream().map(nic -> link(view, nic)).toList();
            VidSet vids = view.link(n.uplink()).map(l -> vidsOf(view, l)).orElse(VidSet.empty());
            out.add(new NetworkState(n.name(), n.managed(), link(view, n.bridge()), link(view, n.uplink()), nics, vids,
                    problems));
        }
        return out;
    }

    private static LinkState link(KernelView view, String name) {
        return view.link(name).map(l -> new LinkState(name, true, l.isUp(), l.operState().name(),
                l.hasMaster() ? view.link(l.masterIndex()).map(Link::name) : Optional.<String>empty(), l.mtu()))
                .orElse(LinkState.absent(name));
    }

    private static VidSet vidsOf(KernelView view, Link link) {
        PortVlans vlans = view.allVlans().get(link.index());
        return vlans == null ? VidSet.empty() : vlans.vids();
    }
}
