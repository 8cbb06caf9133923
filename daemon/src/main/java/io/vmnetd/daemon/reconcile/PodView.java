package io.vmnetd.daemon.reconcile;

import io.vmnetd.netlink.IpPrefix;
import io.vmnetd.netlink.Link;
import java.util.List;
import java.util.Optional;

/**
 * A read of a VM port's pod end inside the pod's namespace, for CHECK: the link (empty when missing) and its
 * addresses. Reconciles do not read pods; they repair the pod end only together with the host end.
 */
public record PodView(Optional<Link> link, List<IpPrefix> addresses) {
    public PodView {
        addresses = List.copyOf(addresses);
    }
}
