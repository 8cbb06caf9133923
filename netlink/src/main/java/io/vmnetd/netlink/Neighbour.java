package io.vmnetd.netlink;

import java.net.InetAddress;
import java.util.Optional;

/**
 * A neighbour entry: what the kernel knows of one IP address on one link.
 *
 * @param mac the link-layer address, once someone answered (or one was configured)
 * @param probes NDA_PROBES, the entry's probe counter: solicitations sent while resolving, counted from the
 *     link's unicast probe number (0 for links set up with {@link NeighbourParameters#unicastProbes(int)} 0)
 */
public record Neighbour(int linkIndex, InetAddress address, Optional<MacAddress> mac, NeighbourState state,
                        int probes) {
}
