package io.vmnetd.daemon.cni;

import io.vmnetd.daemon.state.Attachment;
import io.vmnetd.daemon.state.AttachmentJournal;
import io.vmnetd.daemon.state.AttachmentKey;
import java.util.Optional;
import java.util.logging.Logger;

/**
 * Takes an attachment away, as DEL does and as GC, a failed ADD, recovery after a crash and the reclaiming of
 * attachments whose pod is gone do too: the entry is marked DELETING (so that the port is no longer kept, and a
 * crash half-way is finished at the next start), the links go, the IPAM lease is released with the netconf the
 * attachment was made with, and the entry goes last. The caller holds the attachment's key lock.
 */
final class Teardown {
    private static final Logger LOG = Logger.getLogger(Teardown.class.getName());

    private final Networks networks;
    private final AttachmentJournal journal;
    private final Ipam ipam;

    Teardown(Networks networks, AttachmentJournal journal, Ipam ipam) {
        this.networks = networks;
        this.journal = journal;
        this.ipam = ipam;
    }

    /**
     * @param call the caller's CNI_PATH, CNI_NETNS and CNI_ARGS, for the IPAM DEL; without them (GC, recovery,
     *     reclaiming) the attachment's own and the allowed directories are used
     * @throws CniError when the IPAM plugin fails; the entry then stays DELETING, and a repeated DEL finishes it
     */
    void release(Attachment a, IpamCall call) throws CniError {
        if (a.state() == Attachment.State.READY) {
            Attachment deleting = a.withState(Attachment.State.DELETING);
            networks.changePorts(a.clusterNetwork(), a.port().vlans().vids(), () -> journal.mark(deleting));
        }
        networks.removePort(Optional.of(a.clusterNetwork()), a.hostIfName());
        NetConf conf = NetConf.parse(a.netconf());
        if (conf.ipamType().isPresent()) {
            releaseLease(a, conf, call.forAttachment(a));
        }
        journal.remove(a.key());
    }

    /**
     * DEL of an attachment vmnetd has no entry for (never made, already gone, or its entry lost): the host end it
     * would have had goes, and the IPAM lease the call's netconf names is released.
     */
    void releaseUnknown(AttachmentKey key, NetConf conf, IpamCall call) throws CniError {
        networks.removePort(Optional.empty(), HostNames.of(key));
        if (conf.ipamType().isPresent()) {
            ipam.del(conf, call);
        }
    }

    /**
     * IPAM DEL. A plugin that cannot be run at all (a type that is a path, none in any allowed directory, refused)
     * cannot have leased anything either: that is logged and the teardown goes on; any other failure stops it, to be
     * repeated.
     */
    private void releaseLease(Attachment a, NetConf conf, IpamCall call) throws CniError {
        try {
            ipam.del(conf, call);
        } catch (CniError e) {
            if (e.code() != CniError.INVALID_NETWORK_CONFIG) {
                throw e;
            }
            LOG.warning("no IPAM DEL for " + a.key() + ": " + e.getMessage());
        }
    }

    /** Like {@link #release}, for undoing after another failure: a failure here is logged, not thrown. */
    void releaseQuietly(Attachment a, IpamCall call) {
        try {
            release(a, call);
        } catch (CniError | RuntimeException e) {
            LOG.warning("cannot undo " + a.key() + " completely: " + e.getMessage());
        }
    }
}
