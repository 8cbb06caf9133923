package io.vmnetd.daemon.reconcile;

import io.vmnetd.netlink.RtNetlink;
import java.nio.file.Path;
import java.util.function.Consumer;

/** What steps apply changes with: the node's namespace, and a way into a pod's. */
public interface StepContext {
    RtNetlink host();

    /** Runs {@code work} with a handle inside the namespace at {@code netns}. */
    void inNamespace(Path netns, Consumer<RtNetlink> work);
}
