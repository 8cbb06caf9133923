package io.vmnetd.daemon.cni;

import io.vmnetd.daemon.state.Attachment;
import io.vmnetd.daemon.state.AttachmentJournal;
import io.vmnetd.daemon.state.AttachmentKey;
import java.util.List;

/**
 * CHECK, top to bottom: the attachment must be live, and its VM port, host and pod end, exactly as described —
 * compared by the same planner that made it, every attribute; what differs is the error.
 */
final class CniCheck {
    /** Plugin-specific code (the spec reserves 100+): the attachment no longer matches what ADD made. */
    static final int ATTACHMENT_DIFFERS = 100;

    private final Networks networks;
    private final AttachmentJournal journal;
    private final KeyLocks locks;
    private final PodNamespaces namespaces;

    CniCheck(Networks networks, AttachmentJournal journal, KeyLocks locks, PodNamespaces namespaces) {
        this.namespaces = namespaces;
        this.networks = networks;
        this.journal = journal;
        this.locks = locks;
    }

    void check(CniRequest req, NetConf conf) throws CniError {
        AttachmentKey key = req.key();
        try (KeyLocks.Held held = locks.lock(key)) {
            Attachment a = journal.get(key).filter(x -> x.state() == Attachment.State.READY).orElseThrow(() ->
                    new CniError(CniError.UNKNOWN_CONTAINER, "no attachment for container " + key.containerId()
                            + " interface " + key.ifName()));
            if (!a.port().pod().isLiveAs(namespaces.identityFor(req))) {
                throw new CniError(ATTACHMENT_DIFFERS, "CNI_NETNS " + req.netns().orElse("(unset)")
                        + " is not the network namespace attachment " + key + " was made in ("
                        + a.port().pod().netnsId() + " at " + a.port().pod().netns() + ")");
            }
            NetworkResolver.Resolved net = NetworkResolver.resolve(conf, networks.config(), networks::link);
            if (!net.clusterNetwork().equals(a.clusterNetwork()) || !net.vlans().equals(a.port().vlans())) {
                throw new CniError(ATTACHMENT_DIFFERS, "attachment " + key + " was made on " + a.clusterNetwork()
                        + " with VLANs " + a.port().vlans() + "; the netconf now asks for " + net.clusterNetwork()
                        + " with " + net.vlans());
            }
            List<String> differs;
            try {
                differs = networks.checkPort(a.clusterNetwork(), a.port());
            } catch (RuntimeException e) {
                throw new CniError(CniError.UNKNOWN_CONTAINER, "cannot inspect " + key + ": " + e.getMessage());
            }
            if (!differs.isEmpty()) {
                throw new CniError(ATTACHMENT_DIFFERS, "attachment " + key + " differs from what ADD made: "
                        + String.join("; ", differs));
            }
        }
    }
}
