package io.vmnetd.daemon.netns;

import io.vmnetd.daemon.model.PodEnd;
import io.vmnetd.netlink.InvalidArgumentException;
import io.vmnetd.netlink.NetNs;
import io.vmnetd.netlink.nl.NetlinkException;
import io.vmnetd.netlink.sys.Errno;
import java.nio.file.Path;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Pod network namespaces as files: opened without trusting what sits at the name (never blocking on a FIFO, never
 * following a link planted there; only /proc/PID/ns/net is a link by design), and a pod's namespace entered only
 * while the name still holds the very namespace its attachment was made in.
 */
public final class NamespaceFiles {
    private static final Pattern PROC_NETNS = Pattern.compile("/proc/[0-9]+/ns/net");

    private NamespaceFiles() {}

    /**
     * Opens the namespace at {@code path}; the caller closes it.
     *
     * @throws NetlinkException with ENOENT when nothing is there
     * @throws InvalidArgumentException naming what is there when it is not a network namespace
     */
    public static NetNs open(Path path) {
        return NetNs.openStrict(path, PROC_NETNS.matcher(path.toString()).matches());
    }

    /** Which namespace is at {@code path} now; empty when none is (gone, or something else took the name). */
    public static Optional<NetNs.Identity> identityAt(Path path) {
        try (NetNs ns = open(path)) {
            return Optional.of(ns.identity());
        } catch (NetlinkException | InvalidArgumentException e) {
            return Optional.empty();
        }
    }

    /**
     * Opens the pod's own namespace.
     *
     * @throws NetlinkException with ENOENT when it is gone, also when its name now holds another namespace
     */
    public static NetNs openPod(PodEnd pod) {
        NetNs ns = open(pod.netns());
        if (!ns.identity().equals(pod.netnsId())) {
            ns.close();
            throw new NetlinkException("enter the pod's network namespace", pod.netns().toString(), Errno.ENOENT,
                    "the name now holds another namespace than " + pod.netnsId());
        }
        return ns;
    }

    /** True when the pod's namespace is no longer at its name. */
    public static boolean isGone(PodEnd pod) {
        return !pod.isLiveAs(identityAt(pod.netns()));
    }
}
