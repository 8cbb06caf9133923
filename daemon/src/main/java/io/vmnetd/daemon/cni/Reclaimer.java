package io.vmnetd.daemon.cni;

import io.vmnetd.daemon.metrics.Metrics;
import io.vmnetd.daemon.state.Attachment;
import io.vmnetd.daemon.state.AttachmentJournal;
import io.vmnetd.netlink.Link;
import io.vmnetd.netlink.nl.BatchException;
import io.vmnetd.daemon.netns.NamespaceFiles;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.logging.Logger;

/**
 * Cleans up after calls nobody will repeat. Multus sends GC only to a pod's default network and libcni only from
 * cniVersion 1.1.0, so a DEL that never reached vmnetd (daemon down, shim timed out) would leave its port, lease and
 * entry forever. A sweep (at start, then periodically) tears down as DEL would:
 * <ul>
 *   <li>entries still ADDING or DELETING: a call a crash interrupted, which its runtime repeats from scratch;</li>
 *   <li>live attachments whose pod's network namespace is gone; one whose namespace exists is never taken, even
 *       if its host end vanished (that is drift, which the reconciler repairs);</li>
 *   <li>vmnet host ends ("vmn…") no entry describes: leftovers of an entry lost with a damaged file.</li>
 * </ul>
 * Each is logged with its reason and counted ({@code vmnetd_attachments_reclaimed_total{reason}}).
 */
public final class Reclaimer {
    private static final Logger LOG = Logger.getLogger(Reclaimer.class.getName());

    private final Networks networks;
    private final AttachmentJournal journal;
    private final Teardown teardown;
    private final KeyLocks locks;
    private final Metrics metrics;

    Reclaimer(Networks networks, AttachmentJournal journal, Teardown teardown, KeyLocks locks, Metrics metrics) {
        this.networks = networks;
        this.journal = journal;
        this.teardown = teardown;
        this.locks = locks;
        this.metrics = metrics;
    }

    /** One sweep; returns how many attachments and links it took away. Never throws. */
    public int sweep() {
        int reclaimed = 0;
        // Links first: every link of an attachment had its entry before it was made, so a link listed now without
        // an entry afterwards was never one's or is one a DEL is taking away.
        Set<Link> hostEnds = new HashSet<>();
        try {
            for (Link l : networks.links()) {
                if (l.name().startsWith(HostNames.PREFIX)) {
                    hostEnds.add(l);
                }
            }
        } catch (RuntimeException e) {
            LOG.warning("reclaim: cannot list links: " + e.getMessage());
        }
        for (Attachment listed : journal.all()) {
            try (KeyLocks.Held held = locks.lock(listed.key())) {
                Optional<Attachment> a = journal.get(listed.key());
                Optional<Reason> reason = a.flatMap(Reclaimer::reason);
                if (reason.isPresent()) {
                    LOG.info("reclaiming " + a.get().key() + " (" + a.get().hostIfName() + "): " + reason.get().text);
                    teardown.release(a.get(), IpamCall.background(a.get()));
                    metrics.attachmentReclaimed(reason.get().label);
                    reclaimed++;
                }
            } catch (CniError | RuntimeException e) {
                LOG.warning("reclaim: cannot tear down " + listed.key() + ": " + e.getMessage());
            }
        }
        Set<String> described = new HashSet<>();
        journal.all().forEach(a -> described.add(a.hostIfName()));
        List<Link> orphans = hostEnds.stream().filter(l -> !described.contains(l.name())).toList();
        for (String name : removeOrphans(orphans)) {
            LOG.info("reclaimed " + name + ": " + Reason.ORPHAN_LINK.text);
            metrics.attachmentReclaimed(Reason.ORPHAN_LINK.label);
            reclaimed++;
        }
        return reclaimed;
    }

    /** Deletes the orphans together; returns the names deleted, each failure logged with its link. */
    private List<String> removeOrphans(List<Link> orphans) {
        if (orphans.isEmpty()) {
            return List.of();
        }
        try {
            return networks.removeLinks(orphans);
        } catch (BatchException e) {
            e.failures().forEach(f -> LOG.warning("reclaim: cannot delete " + f.subject().orElse("?") + ": "
                    + f.getMessage()));
            return e.done();
        } catch (RuntimeException e) {
            LOG.warning("reclaim: cannot delete " + orphans.size() + " orphan links: " + e.getMessage());
            return List.of();
        }
    }

    /** Why something is reclaimed: a log text and a metric label. */
    enum Reason {
        INTERRUPTED_ADD("an ADD that never answered", "interrupted_add"),
        INTERRUPTED_DEL("a DEL that never finished", "interrupted_del"),
        NETNS_GONE("its pod's network namespace is gone", "netns_gone"),
        ORPHAN_LINK("no attachment describes it", "orphan_link");

        final String text;
        final String label;

        Reason(String text, String label) {
            this.text = text;
            this.label = label;
        }
    }

    /** Why {@code a} is to go, if it is. */
    private static Optional<Reason> reason(Attachment a) {
        return switch (a.state()) {
            case ADDING -> Optional.of(Reason.INTERRUPTED_ADD);
            case DELETING -> Optional.of(Reason.INTERRUPTED_DEL);
            case READY -> NamespaceFiles.isGone(a.port().pod()) ? Optional.of(Reason.NETNS_GONE) : Optional.empty();
        };
    }
}
