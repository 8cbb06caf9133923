package io.vmnetd.daemon;

import io.vmnetd.daemon.api.ApiLimits;
import io.vmnetd.daemon.api.ApiServer;
import io.vmnetd.daemon.api.ApiServerOptions;
import io.vmnetd.daemon.cluster.ClusterMode;
import io.vmnetd.daemon.cluster.ComposedConfig;
import io.vmnetd.daemon.cluster.ConfigComposer;
import io.vmnetd.daemon.cluster.NetworkSources;
import io.vmnetd.daemon.cluster.NetworkStates;
import io.vmnetd.daemon.cni.CniService;
import io.vmnetd.daemon.config.Config;
import io.vmnetd.daemon.config.ConfigLayers;
import io.vmnetd.daemon.metrics.Metrics;
import io.vmnetd.daemon.model.PodEnd;
import io.vmnetd.daemon.netns.NamespaceFiles;
import io.vmnetd.daemon.probe.ConnectivityMonitor;
import io.vmnetd.daemon.probe.ProbeIdentity;
import io.vmnetd.daemon.probe.VethProbePorts;
import io.vmnetd.daemon.reconcile.Reason;
import io.vmnetd.daemon.reconcile.ReconcileLoop;
import io.vmnetd.daemon.reconcile.ReconcileObserver;
import io.vmnetd.daemon.reconcile.ReconcileRun;
import io.vmnetd.daemon.reconcile.Scope;
import io.vmnetd.daemon.hostnet.HostLeases;
import io.vmnetd.daemon.reconcile.Reconciler;
import io.vmnetd.daemon.reconcile.StepContext;
import io.vmnetd.daemon.service.DaemonService;
import io.vmnetd.daemon.service.DriftCounter;
import io.vmnetd.daemon.service.NodeNetworks;
import io.vmnetd.daemon.state.AttachmentJournal;
import io.vmnetd.daemon.state.NetworkRegistry;
import io.vmnetd.daemon.systemd.SdNotify;
import io.vmnetd.daemon.systemd.Watchdog;
import io.vmnetd.netlink.NetNs;
import io.vmnetd.netlink.RtNetlink;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;

/**
 * The running daemon: owns the netlink handle, the journal, the reconcile loop and the API server, in that
 * order of birth and the reverse order of death. Stopping it leaves every link in place.
 */
public final class Daemon implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(Daemon.class.getName());

    private final SdNotify notify = SdNotify.fromEnvironment();
    private final CountDownLatch stopped = new CountDownLatch(1);
    private final Metrics metrics = new Metrics();
    private RtNetlink host;
    private volatile ReconcileLoop loop;
    private ApiServer api;
    private DaemonService service;
    private CniService cni;
    private Reconciler reconciler;
    private HostLeases hostLeases;
    private final java.util.Set<String> degradedGauges = java.util.concurrent.ConcurrentHashMap.newKeySet();
    private final ScheduledExecutorService background = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "vmnetd-background");
        t.setDaemon(true);
        return t;
    });
    private Optional<Watchdog> watchdog = Optional.empty();
    private ConnectivityMonitor connectivity;
    /** Kubernetes mode; empty (and its module never loaded) without a kubernetes section. */
    private volatile Optional<ClusterMode> cluster = Optional.empty();

    private Daemon() {}

    /** Starts with {@code config} read from {@code configFile}, and the API overlay if root applied one. */
    public static Daemon start(Path configFile, Config config) throws Exception {
        return start(ConfigLayers.load(configFile, config));
    }

    public static Daemon start(ConfigLayers.Layered layers) throws Exception {
        Daemon d = new Daemon();
        try {
            d.boot(layers);
        } catch (Exception | Error e) {
            d.close();
            throw e;
        }
        return d;
    }

    private void boot(ConfigLayers.Layered layers) throws Exception {
        Config config = layers.effective();
        AttachmentJournal journal = AttachmentJournal.open(config.stateDir());
        journal.movedAside().forEach(f -> metrics.stateFileMovedAside("journal"));
        NetworkRegistry registry = NetworkRegistry.open(config.stateDir());
        registry.movedAside().ifPresent(f -> metrics.stateFileMovedAside("registry"));
        // A socket for every CNI worker and one for the reconciler, all opened now (a socket allocates its buffers at
        // first use): a call's round trip (a veth deletion waits for an RCU grace period) holds up no other call's.
        host = RtNetlink.open(metrics.netlinkObserver(), config.api().cniWorkers() + 1);
        DriftCounter drift = new DriftCounter(metrics);
        ReconcileObserver observer = new ReconcileObserver() {
            @Override
            public void reconciled(boolean succeeded, Duration took) {
                drift.reconciled(succeeded, took);
                watchNetworkStates(reconciler.problems().keySet());
                cluster.ifPresent(ClusterMode::reconciled);
                if (succeeded && service != null && !service.isReady()) {
                    becomeReady();
                }
                if (connectivity != null && service != null) {
                    connectivity.configChanged(service.running()); // a new config is reconciled first
                }
            }

            @Override
            public void repaired(String kind) {
                drift.repaired(kind);
            }

            @Override
            public void failed(String message) {
                drift.failed(message);
            }
        };
        reconciler = new Reconciler(host, stepContext(), registry, config, journal.livePorts(), observer);
        cni = new CniService(new NodeNetworks(reconciler, host), journal, metrics, () -> service.isReady());
        ProbeIdentity probeIdentity = ProbeIdentity.ofThisNode();
        connectivity = new ConnectivityMonitor(new VethProbePorts(host, probeIdentity), probeIdentity,
                metrics.registry());
        service = new DaemonService(reconciler, host, journal, metrics, layers, drift, cni::handle, connectivity);
        if (config.kubernetes().isPresent()) {
            ComposedConfig composed = new ComposedConfig(reconciler, config);
            cluster = Optional.of(new ClusterMode(NetworkSources.openKubernetes(config), composed,
                    () -> NetworkStates.read(reconciler, host), this::requestFullReconcile));
            service.useComposer(composed);
            // Connectivity checks' results go to the cluster (a VlanStatus condition, Harvester's annotation).
            connectivity.onResult((name, result) -> ClusterConnectivity.of(name, result)
                    .ifPresent(r -> cluster.ifPresent(c -> c.source().connectivity(r))));
        }
        metrics.gauge("vmnetd_ports", "VM ports attached by CNI", () -> journal.all().size());
        metrics.gauge("vmnetd_links", "links in the node's namespace as the last reconcile read them",
                reconciler::linksLastRead);
        metrics.gauge("vmnetd_vids", "VIDs carried by the uplinks of all cluster networks",
                () -> reconciler.desired().networks().values().stream().mapToInt(n -> n.uplinkVids().size()).sum());

        // The API first: its socket lock is what stops a second daemon before it touches anything.
        api = ApiServer.start(config.socket(), config.socketGroup(), service,
                ApiServerOptions.defaults().withMetricsListen(config.metricsListen()).withAdminGroup(config.adminGroup())
                        .withLimits(ApiLimits.of(config.api())));
        LOG.info("vmnetd " + DaemonService.VERSION + " serving " + config.socket());

        // The cluster's last good networks join the first reconcile; the API server is not waited for.
        cluster.ifPresent(ClusterMode::start);
        loop = new ReconcileLoop(reconciler, Duration.ofSeconds(config.resyncSeconds()));
        ReconcileRun first = reconciler.reconcileAll(Reason.STARTUP);
        if (!first.succeeded()) {
            LOG.warning("first reconcile failed; not ready until one succeeds: " + first.errors());
        }
        // DHCP host networks: their interfaces exist now; a config change is told before it is applied.
        hostLeases = new HostLeases(reconciler, host);
        reconciler.observeConfig(hostLeases::sync);
        hostLeases.sync(reconciler.config());
        loop.start();
        if (!first.succeeded()) {
            loop.request(Scope.ALL, Reason.RETRY);
        }
        // At start (interrupted calls, pods gone while vmnetd was down) and then periodically, off the start path: a
        // hung IPAM plugin delays a sweep by its timeout, never readiness.
        long reclaimMillis = config.cni().reclaimInterval().toMillis();
        background.scheduleWithFixedDelay(this::sweep, 0, reclaimMillis, TimeUnit.MILLISECONDS);
        background.scheduleWithFixedDelay(registry::retrySave, 10, 10, TimeUnit.SECONDS);
        connectivity.configChanged(config);
        // Fed only while the reconcile loop runs and the API answers through the path clients take.
        watchdog = Watchdog.start(notify, budget -> loop.healthy() && api.answers(budget));
    }

    /**
     * vmnetd_network_degraded{network}: 1 while something keeps a network from its desired state (a NIC absent,
     * a name taken), 0 when it is as configured; one gauge per network, made when the network is first reconciled.
     */
    private void watchNetworkStates(java.util.Set<String> networks) {
        for (String n : networks) {
            if (degradedGauges.add(n)) {
                metrics.gauge("vmnetd_network_degraded", "1 while a cluster network is degraded (see /v1/networks)",
                        java.util.Map.of("network", n),
                        () -> reconciler.problems().getOrDefault(n, List.of()).isEmpty() ? 0 : 1);
            }
        }
    }

    private void sweep() {
        try {
            cni.reclaimer().sweep();
        } catch (RuntimeException e) {
            LOG.warning("reclaim sweep failed: " + e);
        }
    }

    private void requestFullReconcile() {
        ReconcileLoop l = loop;
        if (l != null) {
            l.request(Scope.ALL, Reason.CONFIG);
        }
    }

    private synchronized void becomeReady() {
        if (!service.isReady()) {
            service.markReady();
            notify.ready();
            LOG.info("ready");
        }
    }

    private StepContext stepContext() {
        return new StepContext() {
            @Override
            public RtNetlink host() {
                return host;
            }

            @Override
            public NetNs openNamespace(PodEnd pod) {
                return NamespaceFiles.openPod(pod);
            }
        };
    }

    public DaemonService service() {
        return service;
    }

    /** Re-reads the config file, as on SIGHUP. */
    public void reload() {
        notify.reloading();
        service.reload();
        notify.ready();
    }

    public void awaitStop() throws InterruptedException {
        stopped.await();
    }

    @Override
    public void close() {
        notify.stopping();
        watchdog.ifPresent(Watchdog::close);
        background.shutdownNow();
        cluster.ifPresent(ClusterMode::close);
        if (api != null) {
            api.close();
        }
        if (hostLeases != null) {
            hostLeases.close();
        }
        if (loop != null) {
            loop.close();
        }
        if (connectivity != null) {
            connectivity.close();
        }
        if (host != null) {
            host.close();
        }
        metrics.close();
        stopped.countDown();
    }
}
