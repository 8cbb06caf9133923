package io.vmnetd.daemon.reconcile;

import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.BooleanSupplier;
import java.util.logging.Logger;

/**
 * Link deletions that count as done when the kernel announces them, not when it answers them. A veth's
 * RTM_DELLINK is worked on inside the sender's own sendmsg: the kernel closes both ends, takes them out of their
 * namespaces' lists (their names free again), removes the bridge port and announces the deletion to RTNLGRP_LINK,
 * and only then waits for RCU grace periods and frees the devices before the answer comes back. In the lab the
 * announcement came 3 ms after the request and the answer 30 ms after it (p50 of 30 ports); what the kernel does
 * in between changes nothing anyone can see. So the request runs on a thread of its own while the caller waits for
 * whichever comes first: the announcement (the link monitor's event, handed in through {@link #announced}) or the
 * answer. Without the announcement (no monitor, or one that lost events) the caller waits for the answer as before;
 * a request that fails fails the caller, since the kernel announces nothing before it has deleted.
 *
 * <p>An announcement is matched by name (the request is by name, and reading the index first would cost a request).
 * A late event of an earlier link of the same name, deleted some other way just before while the monitor lagged, can
 * therefore end the wait early; the request is on its way by then, and should it fail, its failure is logged and
 * the orphan it leaves is the reclaimer's.
 */
final class AnnouncedDeletions {
    private static final Logger LOG = Logger.getLogger(AnnouncedDeletions.class.getName());

    private final Map<String, CompletableFuture<Void>> awaited = new ConcurrentHashMap<>();
    /** The requests' threads: one per deletion in flight; idle ones end after a minute (a cached pool). */
    private final ExecutorService requests = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "vmnetd-link-delete");
        t.setDaemon(true);
        return t;
    });

    /** The link monitor saw {@code name} deleted. */
    void announced(String name) {
        CompletableFuture<Void> deletion = awaited.get(name);
        if (deletion != null) {
            deletion.complete(null);
        }
    }

    /**
     * Runs {@code delete} (it deletes the link called {@code name} and says whether there was one) and returns once
     * the kernel announced the deletion or {@code delete} returned. Two deletions of one name rarely overlap (a
     * port's callers hold its lock; a DEL of an unknown attachment has none to take); when they do, the second simply
     * waits for its answer.
     */
    boolean delete(String name, BooleanSupplier delete) {
        CompletableFuture<Void> announcement = new CompletableFuture<>();
        if (awaited.putIfAbsent(name, announcement) != null) {
            return delete.getAsBoolean();
        }
        try {
            CompletableFuture<Boolean> answer = CompletableFuture.supplyAsync(delete::getAsBoolean, requests);
            try {
                CompletableFuture.anyOf(announcement, answer).join();
            } catch (CompletionException answerFailedFirst) {
                // handled below: the announcement did not come first
            }
            if (announcement.isDone()) {
                answer.whenComplete((existed, failure) -> {
                    if (failure != null) {
                        LOG.warning("deleting " + name + " failed after the kernel announced it deleted: " + failure);
                    }
                });
                return true;
            }
            try {
                return answer.join();
            } catch (CompletionException e) {
                throw e.getCause() instanceof RuntimeException re ? re : e;
            }
        } finally {
            awaited.remove(name, announcement);
        }
    }
}
