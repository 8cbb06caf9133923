package io.vmnetd.daemon.reconcile;

import io.vmnetd.netlink.Link;
import io.vmnetd.netlink.LinkEvent;
import java.util.Collection;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The indexes of the node's links, for the {@code vmnetd_links} gauge: taken from each read of the whole node and
 * kept current by link events, so that a network's reconcile, which reads only what its plan needs, leaves it
 * exact. Unknown (-1) before the first whole read and after the monitor lost events, until the next whole read,
 * which the reconciler then makes. Thread-safe.
 */
final class NodeLinks {
    private final Set<Integer> indexes = ConcurrentHashMap.newKeySet();
    private volatile boolean known;

    /** The whole node as just read. */
    void read(Collection<Link> all) {
        indexes.clear();
        for (Link l : all) {
            indexes.add(l.index());
        }
        known = true;
    }

    void seen(LinkEvent event) {
        switch (event.type()) {
            case LINK_UPDATED -> event.link().ifPresent(l -> indexes.add(l.index()));
            case LINK_DELETED -> event.link().ifPresent(l -> indexes.remove(l.index()));
            case RESYNC_NEEDED -> known = false;
            default -> { }
        }
    }

    /** False until the whole node has been read, and again once events were lost. */
    boolean known() {
        return known;
    }

    int count() {
        return known ? indexes.size() : -1;
    }
}
