package io.vmnetd.daemon.cni;

import java.util.List;
import io.vmnetd.netlink.Link;
import java.util.Optional;

/** STATUS, top to bottom: can an ADD on this netconf's network succeed now? */
final class CniStatus {
    private final Networks networks;

    CniStatus(Networks networks) {
        this.networks = networks;
    }

    void status(NetConf conf) throws CniError {
        NetworkResolver.Resolved net;
        try {
            net = NetworkResolver.resolve(conf, networks.config(), networks::link);
        } catch (CniError e) {
            throw new CniError(CniError.NOT_AVAILABLE, "network not available: " + e.getMessage(), e.details());
        }
        Optional<Link> bridge = networks.link(net.bridge());
        if (bridge.isEmpty() || !bridge.get().isUp()) {
            throw new CniError(CniError.NOT_AVAILABLE, net.bridge() + " is " + (bridge.isEmpty() ? "missing" : "down"));
        }
        List<String> problems = networks.problems(net.clusterNetwork());
        if (!problems.isEmpty()) {
            throw new CniError(CniError.NOT_AVAILABLE, "cluster network " + net.clusterNetwork() + " is degraded: "
                    + String.join("; ", problems));
        }
    }
}
