package io.vmnetd.daemon.cni;

import io.vmnetd.daemon.state.Attachment;
import io.vmnetd.daemon.state.AttachmentJournal;
import io.vmnetd.daemon.state.AttachmentKey;
import java.util.Optional;

/**
 * DEL, top to bottom: whatever is already gone is success. A journaled attachment is torn down from its entry (its
 * links, its IPAM lease with the netconf it was made with, then the entry); without one, the host end its key would
 * have and the lease the call's netconf names go.
 */
final class CniDel {
    private final AttachmentJournal journal;
    private final Teardown teardown;
    private final KeyLocks locks;

    CniDel(AttachmentJournal journal, Teardown teardown, KeyLocks locks) {
        this.journal = journal;
        this.teardown = teardown;
        this.locks = locks;
    }

    void del(CniRequest req, NetConf conf) throws CniError {
        AttachmentKey key = req.key();
        try (KeyLocks.Held held = locks.lock(key)) {
            Optional<Attachment> att = journal.get(key);
            if (att.isPresent()) {
                teardown.release(att.get(), IpamCall.of(req, key));
            } else {
                teardown.releaseUnknown(key, conf, IpamCall.of(req, key));
            }
        }
    }
}
