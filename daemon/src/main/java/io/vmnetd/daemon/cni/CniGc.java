package io.vmnetd.daemon.cni;

import com.fasterxml.jackson.databind.JsonNode;
import io.vmnetd.daemon.state.Attachment;
import io.vmnetd.daemon.state.AttachmentJournal;
import io.vmnetd.daemon.state.AttachmentKey;
import java.util.HashSet;
import java.util.Set;

/** GC, top to bottom: every attachment of this network that the runtime no longer lists as valid is torn down. */
final class CniGc {
    private final AttachmentJournal journal;
    private final Teardown teardown;
    private final KeyLocks locks;

    CniGc(AttachmentJournal journal, Teardown teardown, KeyLocks locks) {
        this.journal = journal;
        this.teardown = teardown;
        this.locks = locks;
    }

    void gc(CniRequest req, NetConf conf) throws CniError {
        JsonNode valid = conf.raw().get("cni.dev/valid-attachments");
        if (valid == null || !valid.isArray()) {
            throw NetConf.invalid("cni.dev/valid-attachments", "is required for GC: a list of "
                    + "{\"containerID\": ..., \"ifname\": ...}");
        }
        Set<AttachmentKey> keep = new HashSet<>();
        for (JsonNode v : valid) {
            keep.add(new AttachmentKey(v.path("containerID").asText(), v.path("ifname").asText()));
        }
        for (Attachment a : journal.all()) {
            if (keep.contains(a.key()) || !conf.name().equals(networkName(a))) {
                continue;
            }
            try (KeyLocks.Held held = locks.lock(a.key())) {
                // Looked up again under the lock: a DEL may have taken it meanwhile.
                if (journal.get(a.key()).isPresent()) {
                    teardown.release(journal.get(a.key()).get(), new IpamCall(a.key(), "", "",
                            req.path().orElse("")).forAttachment(a));
                }
            }
        }
    }

    /** The netconf name the attachment was made with; an unreadable netconf names nothing. */
    private static String networkName(Attachment a) {
        try {
            return NetConf.parse(a.netconf()).name();
        } catch (CniError e) {
            return "";
        }
    }
}
