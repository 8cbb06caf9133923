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

    /**
     * The interface index of link {@code name} in the node's namespace: as the plan's view or an earlier step knew
     * it, else read.
     */
    default int index(String name) {
        return host().links().get(name).index();
    }

    /** A step made link {@code name} with {@code index}: later steps address it without reading it. */
    default void made(String name, int index) {}

    /** A step deleted link {@code name}: its index is no longer valid. */
    default void gone(String name) {}

    /** Runs {@code work} with a handle inside the pod's namespace and returns its result. */
    default <T> T inNamespace(PodEnd pod, Function<RtNetlink, T> work) {
        try (NetNs ns = openNamespace(pod); RtNetlink rtnl = RtNetlink.openIn(ns, host().observer())) {
            return work.apply(rtnl);
        }
    }
}
