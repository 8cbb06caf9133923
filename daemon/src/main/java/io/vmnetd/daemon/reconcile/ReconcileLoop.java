package io.vmnetd.daemon.reconcile;

import io.vmnetd.daemon.model.DesiredNetwork;
import io.vmnetd.daemon.model.VmPort;
import io.vmnetd.netlink.Link;
import io.vmnetd.netlink.LinkEvent;
import io.vmnetd.netlink.LinkMonitor;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;

/**
 * Keeps the node as declared: link events for vmnetd's own links trigger a reconcile of their network (of just the
 * port, for a VM port) within milliseconds, a full resync runs periodically and after the monitor lost events, and a failed run is retried.
 * Runs are coalesced on one thread, so a burst of events costs one reconcile.
 */
public final class ReconcileLoop implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(ReconcileLoop.class.getName());
    private static final long DEBOUNCE_MILLIS = 20;
    private static final long RETRY_SECONDS = 5;
    private static final long PORT_SETTLE_MILLIS = 100;

    private final Reconciler reconciler;
    private final Duration resyncEvery;
    private final ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "reconciler");
        t.setDaemon(true);
        return t;
    });
    /** Scopes to reconcile whole, with why; guarded by itself, as is {@link #pendingPorts}. */
    private final Map<Scope, Reason> pending = new HashMap<>();
    /** VM ports to reconcile on their own, by network: what link events on ports ask for. */
    private final Map<String, Set<String>> pendingPorts = new HashMap<>();
    /** Each link as its last event showed it; written by the monitor's thread, read when a batch is drained. */
    private final Map<String, Link> lastSeen = new java.util.concurrent.ConcurrentHashMap<>();
    /** Each bridge port's VLANs and settings as the bridge's last notification showed them; likewise. */
    private final Map<String, LinkEvent> lastPortEvents = new java.util.concurrent.ConcurrentHashMap<>();
    private LinkMonitor monitor;
    private volatile long heartbeatNanos = System.nanoTime();

    public ReconcileLoop(Reconciler reconciler, Duration resyncEvery) {
        this.reconciler = reconciler;
        this.resyncEvery = resyncEvery;
    }

    /** Starts watching link events, then the periodic resync. */
    public void start() {
        monitor = LinkMonitor.start(this::onEvent);
        reconciler.linksWatched();
        long period = resyncEvery.toMillis();
        executor.scheduleWithFixedDelay(() -> request(Scope.ALL, Reason.RESYNC), period, period, TimeUnit.MILLISECONDS);
        executor.scheduleWithFixedDelay(() -> heartbeatNanos = System.nanoTime(), 0, 1, TimeUnit.SECONDS);
    }

    /** Asks for a reconcile of {@code scope} soon; repeated requests merge. */
    public void request(Scope scope, Reason reason) {
        synchronized (pending) {
            scheduleIfIdle();
            pending.merge(scope, reason, (a, b) -> a.repairsDrift() ? a : b);
        }
    }

    /** Asks for a reconcile of one VM port of {@code network} soon; merges with other requests. */
    private void requestPort(String network, String hostIfName) {
        synchronized (pending) {
            scheduleIfIdle();
            pendingPorts.computeIfAbsent(network, n -> new HashSet<>()).add(hostIfName);
        }
    }

    private void scheduleIfIdle() {
        if (pending.isEmpty() && pendingPorts.isEmpty()) {
            executor.schedule(this::drain, DEBOUNCE_MILLIS, TimeUnit.MILLISECONDS);
        }
    }

    /**
     * True while the loop's thread keeps beating: what the systemd watchdog is fed on. A reconcile stuck for
     * longer than a minute makes it false.
     */
    public boolean healthy() {
        return System.nanoTime() - heartbeatNanos < TimeUnit.SECONDS.toNanos(60) && !executor.isShutdown();
    }

    private void drain() {
        Map<Scope, Reason> batch;
        Map<String, Set<String>> portBatch;
        synchronized (pending) {
            batch = new HashMap<>(pending);
            portBatch = new HashMap<>(pendingPorts);
            pending.clear();
            pendingPorts.clear();
        }
        try {
            boolean failed;
            if (batch.containsKey(Scope.ALL)) {
                // A full run stands for every request in the batch: it keeps a drift reason if any had one.
                Reason reason = batch.values().stream().filter(Reason::repairsDrift).findFirst()
                        .orElse(batch.get(Scope.ALL));
                failed = !reconciler.reconcileAll(reason).succeeded();
            } else {
                failed = false;
                for (Map.Entry<Scope, Reason> e : batch.entrySet()) {
                    failed |= !reconciler.reconcile(e.getKey(), e.getValue()).succeeded();
                }
                for (Map.Entry<String, Set<String>> e : portBatch.entrySet()) {
                    String network = e.getKey();
                    if (!batch.containsKey(Scope.network(network))
                            && !stillUnplanned(network, e.getValue()).isEmpty()) {
                        settleThenReconcile(network, e.getValue());
                    }
                }
            }
            if (failed) {
                executor.schedule(() -> request(Scope.ALL, Reason.RETRY), RETRY_SECONDS, TimeUnit.SECONDS);
            }
        } catch (RuntimeException e) {
            LOG.warning("reconcile crashed: " + e);
            executor.schedule(() -> request(Scope.ALL, Reason.RETRY), RETRY_SECONDS, TimeUnit.SECONDS);
        }
    }

    /**
     * A port that an event showed unplanned is looked at again {@value #PORT_SETTLE_MILLIS} ms later, under its
     * network's lock, and read only if its latest events still do not show it as planned: a CNI call's own changes
     * come as a series of events, and the call may still hold the lock when the first ones are seen. A port really
     * changed by hand is then repaired that much later. Only the ports still unplanned then are locked: the others of
     * a burst stay free for the CNI calls working on them, which would otherwise wait for the whole batch's reads.
     */
    private void settleThenReconcile(String network, Set<String> names) {
        executor.schedule(() -> {
            Set<String> unplanned = stillUnplanned(network, names);
            if (unplanned.isEmpty()) {
                return;
            }
            try {
                if (!reconciler.reconcilePorts(network, unplanned, Reason.LINK_EVENT,
                        still -> stillUnplanned(network, still)).succeeded()) {
                    executor.schedule(() -> request(Scope.ALL, Reason.RETRY), RETRY_SECONDS, TimeUnit.SECONDS);
                }
            } catch (RuntimeException ex) {
                LOG.warning("reconcile of ports " + names + " crashed: " + ex);
                executor.schedule(() -> request(Scope.ALL, Reason.RETRY), RETRY_SECONDS, TimeUnit.SECONDS);
            }
        }, PORT_SETTLE_MILLIS, TimeUnit.MILLISECONDS);
    }

    /**
     * The ports of {@code names} that the latest events do not show as planned. A port's own changes come as a
     * series of events (a CNI ADD: made, on the bridge and up, its VLANs); one that asked for a reconcile halfway is
     * often as planned by the time the batch is drained, and then needs no read at all.
     */
    private Set<String> stillUnplanned(String network, Set<String> names) {
        Set<String> out = new HashSet<>();
        for (String name : names) {
            Optional<DesiredNetwork> n = reconciler.livePort(name).filter(p -> p.name().equals(network));
            if (n.isEmpty()) {
                continue;
            }
            Link link = lastSeen.get(name);
            LinkEvent port = lastPortEvents.get(name);
            if (link == null || port == null || !portAsPlanned(n.get(), new LinkEvent(LinkEvent.Type.LINK_UPDATED,
                    Optional.of(link), Optional.empty(), Optional.empty())) || !portAsPlanned(n.get(), port)) {
                out.add(name);
            }
        }
        return out;
    }

    private void onEvent(LinkEvent event) {
        reconciler.linkSeen(event);
        if (event.type() == LinkEvent.Type.RESYNC_NEEDED) {
            LOG.info("link monitor lost events; full resync");
            request(Scope.ALL, Reason.MONITOR_OVERFLOW);
            return;
        }
        Optional<String> name = event.name();
        name.ifPresent(n -> reconciler.ports().seen(n, event));
        if (name.isEmpty() || unchangedForThePlanner(event)) {
            return;
        }
        // A VM port is looked up by its name alone: its events, a few for every CNI call, cost nothing per port.
        Optional<DesiredNetwork> port = reconciler.livePort(name.get());
        if (port.isPresent()) {
            if (!portAsPlanned(port.get(), event)) {
                requestPort(port.get().name(), name.get());
            }
            return;
        }
        reconciler.networkOwning(name.get()).or(() -> enslavedTo(event))
                .ifPresent(n -> request(Scope.network(n.name()), Reason.LINK_EVENT));
    }

    /**
     * The network whose bond or bridge a link of another name is enslaved to: a NIC renamed behind vmnetd's back
     * still hangs on the bond, and must be released.
     */
    private Optional<DesiredNetwork> enslavedTo(LinkEvent event) {
        Optional<Link> link = event.link().filter(l -> l.slaveKind().filter("bond"::equals).isPresent());
        if (link.isEmpty()) {
            return Optional.empty();
        }
        return reconciler.linkName(link.get().masterIndex()).flatMap(reconciler::networkOwning);
    }

    /**
     * True when the event itself shows a VM port ({@code network}'s one port) as planned, so that there is nothing to
     * read back (as after a CNI ADD's own changes): an RTM_NEWLINK shows its master, MTU and up state, all the planner
     * checks of its link; the bridge's own notification for the port carries its VLANs.
     */
    private boolean portAsPlanned(DesiredNetwork network, LinkEvent event) {
        Link bridge = lastSeen.get(network.bridge());
        VmPort port = network.ports().get(0);
        return switch (event.type()) {
            case LINK_UPDATED -> bridge != null && event.link().isPresent()
                    && Planner.portLinkAsPlanned(network, port, bridge, event.link().get());
            case PORT_UPDATED -> bridge != null && event.port().isPresent()
                    && event.port().get().masterIndex() == bridge.index()
                    && Planner.portVlansAsPlanned(port, event.port().get())
                    && event.portSettings().map(s -> s.isolated() == port.isolated()).orElse(false);
            default -> false;
        };
    }

    /**
     * True for an RTM_NEWLINK that leaves everything the planner reads as the last one for that link did. Only the
     * monitor's thread calls this.
     */
    private boolean unchangedForThePlanner(LinkEvent event) {
        if (event.type() == LinkEvent.Type.PORT_UPDATED) {
            event.port().ifPresent(p -> lastPortEvents.put(p.name(), event));
        }
        if (event.type() == LinkEvent.Type.LINK_DELETED) {
            event.link().ifPresent(l -> {
                lastSeen.remove(l.name());
                lastPortEvents.remove(l.name());
            });
            return false;
        }
        if (event.type() != LinkEvent.Type.LINK_UPDATED || event.link().isEmpty()) {
            return false;
        }
        Link before = lastSeen.put(event.link().get().name(), event.link().get());
        return before != null && LinkShape.of(before).equals(LinkShape.of(event.link().get()));
    }

    @Override
    public void close() {
        if (monitor != null) {
            monitor.close();
        }
        executor.shutdownNow();
        try {
            executor.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
