package io.vmnetd.daemon.cni;

import io.vmnetd.netlink.InvalidArgumentException;
import io.vmnetd.netlink.NetNs;
import io.vmnetd.netlink.nl.NetlinkException;
import io.vmnetd.netlink.sys.Errno;
import java.nio.file.Path;

/** CNI_NETNS: the pod's network namespace a call names, checked before anything is made in it. */
final class PodNamespaces {
    private PodNamespaces() {}

    /** The namespace ADD puts the pod end into: it must be set and be a network namespace. */
    static Path require(CniRequest req) throws CniError {
        String path = req.require(req.netns(), "CNI_NETNS");
        try (NetNs ns = NetNs.open(Path.of(path))) {
            return Path.of(ns.path());
        } catch (InvalidArgumentException e) {
            throw new CniError(CniError.INVALID_ENVIRONMENT, "CNI_NETNS: " + path + " is not a network namespace");
        } catch (NetlinkException e) {
            throw new CniError(CniError.INVALID_ENVIRONMENT, "CNI_NETNS: cannot open " + path + ": "
                    + e.errno().description(), e.is(Errno.ENOENT) ? "the namespace does not exist" : e.getMessage());
        }
    }
}
