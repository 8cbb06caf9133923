package io.vmnetd.daemon.cni;

import io.vmnetd.daemon.config.Config;
import io.vmnetd.daemon.model.VmPort;
import io.vmnetd.netlink.Link;
import io.vmnetd.netlink.VidSet;
import io.vmnetd.netlink.nl.NetlinkException;
import io.vmnetd.netlink.sys.Errno;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/** Networks without a kernel, for the CNI verbs' own logic: it records what it is asked to do. */
final class FakeNetworks implements Networks {
    final List<String> calls = new ArrayList<>();
    /** What {@link #links()} lists; a name in {@link #undeletable} fails to be removed (EBUSY). */
    final List<Link> links = new ArrayList<>();
    final Set<String> undeletable = new HashSet<>();
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
        return List.copyOf(links);
    }

    @Override
    public void removeLink(Link link) {
        calls.add("removeLink " + link.name());
        if (undeletable.contains(link.name())) {
            throw new NetlinkException("delete link", link.name(), Errno.EBUSY, null);
        }
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
