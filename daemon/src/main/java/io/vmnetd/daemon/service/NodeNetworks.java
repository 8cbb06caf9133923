package io.vmnetd.daemon.service;

import io.vmnetd.daemon.cni.Networks;
import io.vmnetd.daemon.config.Config;
import io.vmnetd.daemon.model.DesiredNetwork;
import io.vmnetd.daemon.model.VmPort;
import io.vmnetd.daemon.reconcile.Reason;
import io.vmnetd.daemon.reconcile.Reconciler;
import io.vmnetd.daemon.reconcile.VmPorts;
import io.vmnetd.netlink.Link;
import io.vmnetd.netlink.RtNetlink;
import io.vmnetd.netlink.VidSet;
import io.vmnetd.netlink.nl.NetlinkException;
import io.vmnetd.netlink.sys.Errno;
import java.util.List;
import java.util.Optional;

/** The node's networks as the CNI service sees them: the reconciler's VM-port operations and a few reads. */
public final class NodeNetworks implements Networks {
    private final Reconciler reconciler;
    private final RtNetlink host;

    public NodeNetworks(Reconciler reconciler, RtNetlink host) {
        this.reconciler = reconciler;
        this.host = host;
    }

    @Override
    public Config config() {
        return reconciler.config();
    }

    @Override
    public Optional<Link> link(String name) {
        return reconciler.ports().link(name);
    }

    @Override
    public AppliedPort applyPort(String clusterNetwork, VmPort port, boolean isNew) {
        try {
            if (isNew) {
                reconciler.ports().applyNew(clusterNetwork, port);
            } else {
                reconciler.ports().apply(clusterNetwork, port);
            }
        } catch (VmPorts.Blocked e) {
            throw new NotReady(e.getMessage());
        }
        String bridge = reconciler.bridgeOf(clusterNetwork);
        return new AppliedPort(bridge, reconciler.ports().bridgeMac(bridge), port.hostIfName(), port.hostMac());
    }

    @Override
    public void addressPort(String clusterNetwork, VmPort port) {
        reconciler.ports().address(clusterNetwork, port);
    }

    @Override
    public List<String> checkPort(String clusterNetwork, VmPort port) {
        return reconciler.ports().check(clusterNetwork, port);
    }

    @Override
    public void removePort(Optional<String> clusterNetwork, String hostIfName) {
        if (clusterNetwork.isPresent()) {
            reconciler.ports().remove(clusterNetwork.get(), hostIfName);
        } else {
            reconciler.ports().removeUnattached(hostIfName);
        }
    }

    @Override
    public List<Link> links() {
        return host.links().list();
    }

    @Override
    public void removeLink(Link link) {
        try {
            host.links().delete(link);
        } catch (NetlinkException e) {
            if (!e.is(Errno.ENODEV)) {
                throw e;
            }
        }
    }

    /** One batch: a sweep that finds many orphans waits one RCU grace period for several of them, not one each. */
    @Override
    public List<String> removeLinks(List<Link> links) {
        return host.links().deleteLinks(links).stream().map(Link::name).toList();
    }

    /**
     * Only a port with VIDs no configured VM network puts on the uplink can change it; for any other the desired
     * state is not even looked at.
     */
    @Override
    public void changePorts(String clusterNetwork, VidSet portVids, Runnable change) {
        Optional<VidSet> configured = reconciler.configuredUplinkVids(clusterNetwork);
        if (configured.isPresent() && portVids.minus(configured.get()).minus(VidSet.of(1)).isEmpty()) {
            change.run();
            return;
        }
        VidSet before = uplinkVids(clusterNetwork);
        change.run();
        if (!uplinkVids(clusterNetwork).equals(before)) {
            reconciler.reconcile(clusterNetwork, Reason.CNI);
        }
    }

    private VidSet uplinkVids(String network) {
        return reconciler.desired().network(network).map(DesiredNetwork::uplinkVids).orElse(VidSet.empty());
    }

    @Override
    public List<String> problems(String clusterNetwork) {
        return reconciler.problems().getOrDefault(clusterNetwork, List.of());
    }
}
