package io.vmnetd.kube.watch;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.KubernetesResourceList;
import io.fabric8.kubernetes.api.model.ListOptions;
import io.fabric8.kubernetes.api.model.ListOptionsBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.Watch;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import io.fabric8.kubernetes.client.dsl.FilterWatchListDeletable;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;

/**
 * One kind of object kept current from the API server, as client-go's reflector does: list, then watch from the
 * list's resourceVersion. A watch that ends (the server closes each after {@code timeoutSeconds}, 5 to 10 minutes)
 * is resumed from the last version seen, without a list; {@code 410 Gone} (that version is too old) lists again;
 * every failure waits a jittered exponential {@link Backoff}. The first list asks for resourceVersion 0, which the
 * API server answers from its watch cache instead of etcd.
 *
 * <p>Each one has its own thread, on which its requests, its events and its calls of {@code changed} happen: a watch
 * being set up (a second or so) holds up no other.
 */
public final class ListWatch<T extends HasMetadata> implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(ListWatch.class.getName());
    /** A watch that lived this long was healthy: the failure count starts over. */
    private static final Duration HEALTHY_WATCH = Duration.ofSeconds(60);
    private static final int HTTP_GONE = 410;

    private final String name;
    private final FilterWatchListDeletable<T, ? extends KubernetesResourceList<T>, ?> api;
    private final ScheduledExecutorService executor;
    private final Backoff backoff;
    private final Runnable changed;
    private final Map<String, T> store = new ConcurrentHashMap<>();
    private volatile boolean synced;
    private volatile boolean closed;
    private String resourceVersion;
    /** After a 410, the next list reads from etcd: the watch cache may be as far behind as what expired. */
    private boolean consistentList;
    private int failures;
    private long watchId;
    private long watchStarted;
    private volatile Watch watch;

    /**
     * @param name for logs, e.g. {@code vlanconfigs}
     * @param api the objects to keep, with their field and label selectors applied
     * @param changed called (on this watch's thread) after the store changed
     */
    public ListWatch(String name, FilterWatchListDeletable<T, ? extends KubernetesResourceList<T>, ?> api,
                     Backoff backoff, Runnable changed) {
        this.name = name;
        this.api = api;
        this.executor = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "kube-" + name);
            t.setDaemon(true);
            return t;
        });
        this.backoff = backoff;
        this.changed = changed;
    }

    public void start() {
        executor.execute(this::list);
    }

    /** True once a list succeeded: the store is the whole truth as of some moment. */
    public boolean synced() {
        return synced;
    }

    /** The objects as last seen. */
    public List<T> items() {
        return List.copyOf(store.values());
    }

    /**
     * Takes {@code written} (what the API server answered to our own write) as the latest, before its watch event
     * arrives, so that a pass in between does not write it again (client-go calls this a mutation cache). An event
     * or a list older than it (its resourceVersion lower) does not replace it: the watch may still be delivering
     * what happened before our write.
     */
    public void assume(T written) {
        store.put(key(written), written);
    }

    public void assumeDeleted(String key) {
        store.remove(key);
    }

    private void list() {
        if (closed) {
            return;
        }
        KubernetesResourceList<T> list;
        try {
            // resourceVersion 0: any version the server has cached will do (client-go's first list does the same).
            list = api.list(new ListOptionsBuilder().withResourceVersion(consistentList ? null : "0").build());
        } catch (RuntimeException e) {
            retry("list", e, this::list);
            return;
        }
        Map<String, T> listed = new HashMap<>();
        for (T item : list.getItems()) {
            listed.put(key(item), item);
        }
        resourceVersion = list.getMetadata().getResourceVersion();
        // A list from the watch cache (resourceVersion 0) may predate what our own writes returned.
        store.forEach((key, held) -> {
            if (newer(version(held), resourceVersion)) {
                listed.put(key, held);
            }
        });
        store.keySet().retainAll(listed.keySet());
        store.putAll(listed);
        consistentList = false;
        synced = true;
        failures = 0;
        changed.run();
        watch();
    }

    private void watch() {
        if (closed) {
            return;
        }
        long id = ++watchId;
        // As client-go: a random timeout in [5, 10) minutes spreads the re-watches of many nodes.
        long timeout = 300 + ThreadLocalRandom.current().nextLong(300);
        ListOptions options = new ListOptionsBuilder().withResourceVersion(resourceVersion)
                .withAllowWatchBookmarks(true).withTimeoutSeconds(timeout).build();
        try {
            watchStarted = System.nanoTime();
            watch = api.watch(options, new Watcher<T>() {
                @Override
                public void eventReceived(Action action, T resource) {
                    run(() -> onEvent(id, action, resource));
                }

                @Override
                public void onClose(WatcherException cause) {
                    run(() -> onWatchEnd(id, cause));
                }

                @Override
                public void onClose() {
                    // Closed by us.
                }
            });
        } catch (KubernetesClientException e) {
            if (e.getCode() == HTTP_GONE) {
                relist();
            } else {
                retry("watch", e, this::watch);
            }
        } catch (RuntimeException e) {
            retry("watch", e, this::watch);
        }
    }

    private void onEvent(long id, Watcher.Action action, T resource) {
        if (id != watchId || closed) {
            return;
        }
        String version = version(resource);
        switch (action) {
            case ADDED, MODIFIED -> store.merge(key(resource), resource,
                    (held, event) -> newer(version(held), version) ? held : event);
            case DELETED -> store.computeIfPresent(key(resource),
                    (key, held) -> newer(version(held), version) ? held : null);
            case BOOKMARK -> {
                resourceVersion = version;
                return;
            }
            case ERROR -> {
                return; // the watch manager turns errors into a close
            }
        }
        if (version != null) {
            resourceVersion = version;
        }
        changed.run();
    }

    private void onWatchEnd(long id, WatcherException cause) {
        if (id != watchId || closed) {
            return;
        }
        closeWatch();
        if (cause != null && cause.isHttpGone()) {
            relist();
            return;
        }
        if (System.nanoTime() - watchStarted > HEALTHY_WATCH.toNanos()) {
            failures = 0;
        }
        Duration delay = backoff.delay(failures++);
        LOG.fine(() -> name + ": watch ended (" + (cause == null ? "closed" : cause.getMessage()) + "); resuming in "
                + delay.toMillis() + " ms");
        schedule(this::watch, delay);
    }

    /** The version we hold is gone from the server's history: only a new list can catch up. */
    private void relist() {
        LOG.info(name + ": resourceVersion " + resourceVersion + " expired (410 Gone); listing again");
        consistentList = true;
        failures = 0;
        schedule(this::list, backoff.delay(0));
    }

    private void retry(String what, RuntimeException e, Runnable again) {
        Duration delay = backoff.delay(failures++);
        LOG.warning(name + ": " + what + " failed (" + e.getMessage() + "); trying again in " + delay.toMillis() + " ms");
        schedule(again, delay);
    }

    private void schedule(Runnable r, Duration delay) {
        if (!closed) {
            executor.schedule(r, delay.toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    private void run(Runnable r) {
        if (!closed) {
            executor.execute(r);
        }
    }

    private void closeWatch() {
        Watch w = watch;
        watch = null;
        if (w != null) {
            try {
                w.close();
            } catch (RuntimeException ignored) {
                // already broken
            }
        }
    }

    private static String version(HasMetadata o) {
        return o.getMetadata() == null ? null : o.getMetadata().getResourceVersion();
    }

    /**
     * True when resourceVersion {@code a} is known to come after {@code b}. The API calls them opaque; they are etcd
     * revisions, which client-go's mutation cache compares as numbers too. Anything else is not known to be newer.
     */
    static boolean newer(String a, String b) {
        try {
            return a != null && b != null && Long.parseLong(a) > Long.parseLong(b);
        } catch (NumberFormatException e) {
            return false;
        }
    }

    static String key(HasMetadata o) {
        String ns = o.getMetadata().getNamespace();
        return ns == null || ns.isEmpty() ? o.getMetadata().getName() : ns + "/" + o.getMetadata().getName();
    }

    @Override
    public void close() {
        closed = true;
        closeWatch();
        executor.shutdownNow();
    }
}
