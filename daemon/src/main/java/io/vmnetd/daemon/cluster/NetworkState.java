package io.vmnetd.daemon.cluster;

import io.vmnetd.netlink.VidSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * One cluster network on this node as the kernel has it now, for a {@link NetworkSource} to report.
 *
 * @param managed false for the adopted mgmt network
 * @param uplinkVids the VIDs the kernel has on the uplink (the bond port of the bridge), tagged or not
 * @param problems what keeps the network from its desired state, as of its last reconcile; empty when none
 */
public record NetworkState(String name, boolean managed, LinkState bridge, LinkState bond, List<LinkState> nics,
                           VidSet uplinkVids, List<String> problems) {

    /**
     * One link of the network.
     *
     * @param present false when the kernel has no link of that name
     * @param operState the kernel's operational state (UP, DOWN, LOWERLAYERDOWN...), "ABSENT" when not present
     * @param master the bridge or bond it is enslaved to, if any
     */
    public record LinkState(String name, boolean present, boolean up, String operState, Optional<String> master,
                            int mtu) {
        public LinkState {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(operState, "operState");
            Objects.requireNonNull(master, "master");
        }

        public static LinkState absent(String name) {
            return new LinkState(name, false, false, "ABSENT", Optional.empty(), 0);
        }
    }

    public NetworkState {
        nics = List.copyOf(nics);
        problems = List.copyOf(problems);
    }

    /** Built as desired: the bridge and bond exist and are up, and nothing is wrong. */
    public boolean ready() {
        return problems.isEmpty() && bridge.present() && bridge.up() && bond.present() && bond.up();
    }
}
