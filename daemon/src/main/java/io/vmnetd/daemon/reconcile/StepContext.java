package io.vmnetd.daemon.reconcile;

import io.vmnetd.netlink.NetNs;
import io.vmnetd.netlink.RtNetlink;
import java.nio.file.Path;
import java.util.function.Function;

/** What steps apply changes with: the node's namespace, and a way into a pod's. */
public interface StepContext {
    RtNetlink host();

    /**
     * Opens the pod's network namespace at {@code netns}; the caller closes it.
     *
     * @throws io.vmnetd.netlink.nl.NetlinkException with ENOENT when the namespace is gone
     */
    NetNs openNamespace(Path netns);

    /** Runs {@code work} with a handle inside the namespace at {@code netns} and returns its result. */
    default <T> T inNamespace(Path netns, Function<RtNetlink, T> work) {
        try (NetNs ns = openNamespace(netns); RtNetlink rtnl = RtNetlink.openIn(ns)) {
            return work.apply(rtnl);
        }
    }
}
