package io.vmnetd.daemon.cni;

import io.vmnetd.daemon.state.Attachment;
import io.vmnetd.daemon.state.AttachmentKey;
import java.util.Map;

/**
 * The CNI_* environment an IPAM plugin is called with: whose attachment, in which namespace, with which CNI_ARGS,
 * and the runtime's CNI_PATH to look the plugin up in (empty: only the allowed directories).
 */
record IpamCall(AttachmentKey key, String netns, String args, String cniPath) {

    /** A call on behalf of the runtime's request. */
    static IpamCall of(CniRequest req, AttachmentKey key) {
        return new IpamCall(key, req.netns().orElse(""), req.args().orElse(""), req.path().orElse(""));
    }

    /** A call of vmnetd's own, without a runtime: GC, recovery after a crash, reclaiming. */
    static IpamCall background(Attachment a) {
        return new IpamCall(a.key(), a.port().pod().netns().toString(), "", "");
    }

    /** This call's CNI_ARGS and CNI_PATH for {@code a}'s key and namespace. */
    IpamCall forAttachment(Attachment a) {
        return new IpamCall(a.key(), a.port().pod().netns().toString(), args, cniPath);
    }

    IpamCall withCniPath(String path) {
        return new IpamCall(key, netns, args, path);
    }

    Map<String, String> environment(String command) {
        return Map.of("CNI_COMMAND", command, "CNI_CONTAINERID", key.containerId(), "CNI_NETNS", netns,
                "CNI_IFNAME", key.ifName(), "CNI_ARGS", args, "CNI_PATH", cniPath);
    }
}
