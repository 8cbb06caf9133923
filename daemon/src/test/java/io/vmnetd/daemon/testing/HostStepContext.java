package io.vmnetd.daemon.testing;

import io.vmnetd.daemon.model.PodEnd;
import io.vmnetd.daemon.reconcile.StepContext;
import io.vmnetd.netlink.NetNs;
import io.vmnetd.netlink.RtNetlink;

/** The steps' context for a reconciler run inside a test: {@code host}, and pod namespaces opened by path. */
public record HostStepContext(RtNetlink host) implements StepContext {
    @Override
    public NetNs openNamespace(PodEnd pod) {
        return NetNs.open(pod.netns());
    }
}
