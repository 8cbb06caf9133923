package io.vmnetd.netlink.lab;

import io.vmnetd.netlink.host.NeighboursHostTest;
import io.vmnetd.netlink.testing.LabTest;

/**
 * {@link NeighboursHostTest} on the Debian kernel of the lab: ARP resolution through neighbour entries (the requests
 * it sends, how many, when it gives up), per-link parameters and addrgenmode none, each read back with
 * {@code ip -j neigh show}, {@code ip ntable show} and tcpdump, on the kernel the daemon ships for.
 */
@LabTest
class NeighboursLabTest extends NeighboursHostTest {
}
