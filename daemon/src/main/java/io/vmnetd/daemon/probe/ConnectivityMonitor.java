package io.vmnetd.daemon.probe;

import io.micrometer.core.instrument.MeterRegistry;
import io.vmnetd.daemon.config.ClusterNetwork;
import io.vmnetd.daemon.config.Config;
import io.vmnetd.daemon.config.ConnectivitySettings;
import io.vmnetd.daemon.config.VmNetwork;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.function.BiConsumer;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;

/**
 * Keeps every VM network with a route checked on this node: once soon after it appears, then every
 * {@code connectivity.intervalSeconds} (±10%, drawn on each node, so that nodes drift apart and never probe in
 * step), again a moment after its config or its cluster network's uplink changes (at most once per
 * {@link #MIN_GAP}), and on request. At most {@link #PARALLEL} checks run at once, one per network. Nothing runs,
 * no thread and no socket, while no VM network has a route. Thread-safe.
 */
public final class ConnectivityMonitor implements ConnectivityChecks, AutoCloseable {
    private static final Logger LOG = Logger.getLogger(ConnectivityMonitor.class.getName());
    static final Duration MIN_GAP = Duration.ofSeconds(10);
    private static final Duration SETTLE = Duration.ofSeconds(2);
    private static final Duration FIRST_CHECK_SPREAD = Duration.ofSeconds(5);
    private static final int PARALLEL = 4;

    private final ProbePorts ports;
    private final ProbeIdentity identity;
    private final ConnectivityMetrics metrics;
    private final Random random = new SecureRandom();
    private final Map<String, Watched> watched = new HashMap<>();
    /** Each watched network's last state, for the gauges: read at scrapes without the monitor's lock. */
    private final Map<String, ConnectivityState> states = new ConcurrentHashMap<>();
    private Config config;
    private ConnectivitySettings settings = ConnectivitySettings.defaults();
    /** Volatile: the link monitor's thread hands events to it without taking the lock (closing it joins that thread). */
    private volatile ScheduledExecutorService timer;
    private ExecutorService runners;
    private Optional<UplinkWatch> uplinks = Optional.empty();
    private boolean leftoversRemoved;
    private boolean closed;

    /** One checked network. Guarded by the monitor. */
    private static final class Watched {
        ProbeTarget target;
        Optional<ClusterNetwork> clusterNetwork;
        Connectivity last = Connectivity.unchecked(ConnectivityState.UNKNOWN, "not checked yet");
        CompletableFuture<Connectivity> running;
        ScheduledFuture<?> next;
        /** A trigger came while a check ran: its result may predate the change, so check again soon. */
        boolean again;
        long lastStart = System.nanoTime() - MIN_GAP.toNanos();

        Watched(ProbeTarget target, Optional<ClusterNetwork> clusterNetwork) {
            this.target = target;
            this.clusterNetwork = clusterNetwork;
        }
    }

    private volatile BiConsumer<String, Connectivity> listener = (name, result) -> {};

    public ConnectivityMonitor(ProbePorts ports, ProbeIdentity identity, MeterRegistry registry) {
        this.ports = ports;
        this.identity = identity;
        this.metrics = new ConnectivityMetrics(registry);
    }

    /** Who else hears of each finished check (Kubernetes mode reports them to the cluster); nobody by default. */
    public void onResult(BiConsumer<String, Connectivity> listener) {
        this.listener = listener;
    }

    /** What a network without a check shows. */
    static Connectivity notChecked(VmNetwork network) {
        return Connectivity.unchecked(ConnectivityState.NOT_APPLICABLE,
                "no route: add route: {mode: auto} (or manual with cidr and gateway) to check it");
    }

    /**
     * Takes the config in use; cheap when it is the one already seen (the daemon calls this after every
     * reconcile). New and changed networks are checked soon, dropped ones forgotten.
     */
    public synchronized void configChanged(Config newConfig) {
        if (closed || newConfig == config) {
            return;
        }
        config = newConfig;
        settings = newConfig.connectivity();
        Set<String> wanted = new HashSet<>();
        for (VmNetwork vm : newConfig.routedVmNetworks()) {
            ProbeTarget target = ProbeTarget.of(vm).orElseThrow();
            Optional<ClusterNetwork> cn = newConfig.clusterNetwork(vm.clusterNetwork());
            wanted.add(vm.name());
            Watched w = watched.get(vm.name());
            if (w == null) {
                start();
                watched.put(vm.name(), new Watched(target, cn));
                states.put(vm.name(), ConnectivityState.UNKNOWN);
                metrics.watch(vm.name(), this::stateOf);
                schedule(vm.name(), spread(FIRST_CHECK_SPREAD));
            } else if (!w.target.equals(target) || !w.clusterNetwork.equals(cn)) {
                w.target = target;
                w.clusterNetwork = cn;
                w.last = Connectivity.unchecked(ConnectivityState.UNKNOWN, "the network changed; checking again");
                states.put(vm.name(), ConnectivityState.UNKNOWN);
                schedule(vm.name(), SETTLE);
            }
        }
        for (String gone : Set.copyOf(watched.keySet())) {
            if (!wanted.contains(gone)) {
                Watched w = watched.remove(gone);
                if (w.next != null) {
                    w.next.cancel(false);
                }
                states.remove(gone);
                metrics.forget(gone);
            }
        }
        if (watched.isEmpty()) {
            stop();
        } else {
            uplinks.ifPresent(u -> u.watch(newConfig, clusterNetworksWatched()));
        }
    }

    @Override
    public synchronized Connectivity current(VmNetwork network) {
        Watched w = watched.get(network.name());
        return w == null ? notChecked(network) : w.last;
    }

    @Override
    public Connectivity checkNow(VmNetwork network) {
        CompletableFuture<Connectivity> result;
        synchronized (this) {
            if (!watched.containsKey(network.name())) {
                return notChecked(network);
            }
            result = launch(network.name());
        }
        try {
            return result.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Connectivity.unchecked(ConnectivityState.ERROR, "interrupted while waiting for the check");
        } catch (ExecutionException e) {
            return Connectivity.unchecked(ConnectivityState.ERROR, String.valueOf(e.getCause()));
        }
    }

    private ConnectivityState stateOf(String network) {
        return states.getOrDefault(network, ConnectivityState.NOT_APPLICABLE);
    }

    private void start() {
        if (timer != null) {
            return;
        }
        timer = Executors.newSingleThreadScheduledExecutor(r -> thread(r, "connectivity-timer"));
        runners = Executors.newFixedThreadPool(PARALLEL, r -> thread(r, "connectivity-check"));
        try {
            uplinks = Optional.of(new UplinkWatch(this::uplinkChanged));
        } catch (RuntimeException e) {
            LOG.warning("cannot watch uplinks; networks are checked periodically only: " + e.getMessage());
        }
        if (!leftoversRemoved) {
            leftoversRemoved = true;
            runners.execute(() -> {
                try {
                    ports.removeLeftovers();
                } catch (RuntimeException e) {
                    LOG.warning("cannot look for leftover probe ports: " + e.getMessage());
                }
            });
        }
        LOG.info("connectivity checks started");
    }

    private void stop() {
        if (timer == null) {
            return;
        }
        uplinks.ifPresent(UplinkWatch::close);
        timer.shutdownNow();
        runners.shutdown(); // running checks end by their own deadline and clean up after themselves
        timer = null;
        runners = null;
        uplinks = Optional.empty();
        LOG.info("connectivity checks stopped: no VM network has a route");
    }

    private static Thread thread(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }

    private Set<String> clusterNetworksWatched() {
        Set<String> out = new HashSet<>();
        watched.values().forEach(w -> out.add(w.target.clusterNetwork()));
        return out;
    }

    /** From the link monitor's thread, which must never wait for the lock: passed on to the timer's. */
    private void uplinkChanged(String clusterNetwork) {
        ScheduledExecutorService t = timer;
        if (t != null) {
            try {
                t.execute(() -> recheck(clusterNetwork));
            } catch (RejectedExecutionException e) {
                // stopping
            }
        }
    }

    /** Re-checks a cluster network's networks once things settle. */
    private synchronized void recheck(String clusterNetwork) {
        watched.forEach((name, w) -> {
            if (w.target.clusterNetwork().equals(clusterNetwork)) {
                schedule(name, SETTLE);
            }
        });
    }

    /**
     * Replaces the network's next check with one in {@code delay}, but never sooner than {@link #MIN_GAP} after
     * the last one started: link flaps cannot make the probe flood a VLAN.
     */
    private void schedule(String name, Duration delay) {
        Watched w = watched.get(name);
        if (w == null || timer == null) {
            return;
        }
        long earliest = w.lastStart + MIN_GAP.toNanos() - System.nanoTime();
        long nanos = Math.max(delay.toNanos(), earliest);
        if (w.next != null) {
            if (w.next.getDelay(TimeUnit.NANOSECONDS) <= nanos && !w.next.isDone()) {
                return; // one is due sooner anyway
            }
            w.next.cancel(false);
        }
        w.next = timer.schedule(() -> {
            synchronized (this) {
                if (watched.get(name) == w) {
                    w.again = w.running != null;
                    launch(name);
                }
            }
        }, nanos, TimeUnit.NANOSECONDS);
    }

    /** Starts a check of {@code name} unless one runs: the running one's result is the answer. Holds the lock. */
    private CompletableFuture<Connectivity> launch(String name) {
        Watched w = watched.get(name);
        if (w.running != null) {
            return w.running;
        }
        if (w.next != null) {
            w.next.cancel(false);
            w.next = null;
        }
        ProbeTarget target = w.target;
        w.lastStart = System.nanoTime();
        ConnectivityCheck check = new ConnectivityCheck(ports, identity, Duration.ofSeconds(settings.timeoutSeconds()));
        // Completed only once the result is recorded: whoever waited for it then reads it in current() too.
        CompletableFuture<Connectivity> f = new CompletableFuture<>();
        w.running = f;
        try {
            runners.execute(() -> {
                Connectivity result;
                try {
                    result = check.run(target);
                } catch (RuntimeException | Error e) {
                    result = Connectivity.unchecked(ConnectivityState.ERROR, String.valueOf(e));
                }
                f.complete(finished(name, w, target, result));
            });
        } catch (RejectedExecutionException e) {
            w.running = null;
            f.complete(Connectivity.unchecked(ConnectivityState.ERROR, "connectivity checks are stopping"));
        }
        return f;
    }

    private synchronized Connectivity finished(String name, Watched w, ProbeTarget target, Connectivity result) {
        w.running = null;
        if (watched.get(name) != w || !w.target.equals(target)) {
            return result; // dropped or changed meanwhile: that result is of no network any more (a new check is due)
        }
        if (result.state() != w.last.state()) {
            LOG.info("connectivity of " + name + ": " + result.state().apiName() + " ("
                    + result.reason().orElse("") + ")");
        }
        w.last = result;
        states.put(name, result.state());
        metrics.checked(name, result);
        listener.accept(name, result);
        Duration interval = Duration.ofSeconds(settings.intervalSeconds());
        Duration next = w.again ? SETTLE : Duration.ofNanos((long) (interval.toNanos() * (0.9 + 0.2 * random.nextDouble())));
        w.again = false;
        schedule(name, next);
        return result;
    }

    private Duration spread(Duration max) {
        return Duration.ofNanos((long) (max.toNanos() * random.nextDouble()));
    }

    /** Stops scheduling; a check still running finishes (and removes its port) within its timeout. */
    @Override
    public void close() {
        ExecutorService running;
        synchronized (this) {
            closed = true;
            running = runners;
            watched.clear();
            states.clear();
            stop();
        }
        if (running != null) {
            try {
                running.awaitTermination(settings.timeoutSeconds() + 10L, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
