package io.vmnetd.daemon.cni;

import io.vmnetd.daemon.config.Config;
import io.vmnetd.daemon.model.VmPort;
import io.vmnetd.netlink.Link;
import io.vmnetd.netlink.VidSet;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Networks without a kernel, for the CNI verbs' own logic: it records what it is asked to do. */
final class FakeNetworks implements Networks {
    final List<String> calls = new ArrayList<>();
    Config config;

    FakeNetworks(Config config) {
        this.config = config;
    }

    @Override
    public Config config() {
        return config;
    }

    @Override
    public Optional<Link> link(String name) {
        return Optional.empty();
    }

    @Override
    public AppliedPort applyPort(String clusterNetwork, VmPort port, boolean isNew) {
        calls.add("apply " + port.hostIfName());
        throw new NotReady("no kernel here");
    }

    @Override
    public void addressPort(String clusterNetwork, VmPort port) {
        calls.add("address " + port.hostIfName());
    }

    @Override
    public List<String> checkPort(String clusterNetwork, VmPort port) {
        return List.of();
    }

    @Override
    public void removePort(Optional<String> clusterNetwork, String hostIfName) {
        calls.add("remove " + hostIfName);
    }

    @Override
    public List<Link> links() {
        return List.of();
    }

    @Override
    public void removeLink(Link link) {
        calls.add("removeLink " + link.name());
    }

    @Override
    public void changePorts(String clusterNetwork, VidSet portVids, Runnable change) {
        change.run();
    }

    @Override
    public List<String> problems(String clusterNetwork) {
        return List.of();
    }
}
