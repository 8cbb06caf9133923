package io.vmnetd.daemon.reconcile;

import io.vmnetd.daemon.model.PodEnd;
import io.vmnetd.netlink.NetNs;
import io.vmnetd.netlink.RtNetlink;
import java.util.function.Function;

/** What steps apply changes with: the node's namespace, and a way into a pod's. */
public interface StepContext {
    RtNetlink host();

    /**
     * Opens the pod's network namespace; the caller closes it.
     *
     * @throws io.vmnetd.netlink.nl.NetlinkException with ENOENT when the namespace is gone (or its name now holds
     *     another one)
     */
    NetNs openNamespace(PodEnd pod);

    /** Runs {@code work} with a handle inside the pod's namespace and returns its result. */
    default <T> T inNamespace(PodEnd pod, Function<RtNetlink, T> work) {
        try (NetNs ns = openNamespace(pod); RtNetlink rtnl = RtNetlink.openIn(ns)) {
            return work.apply(rtnl);
        }
    }
}
