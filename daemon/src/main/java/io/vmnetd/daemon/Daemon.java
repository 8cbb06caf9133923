package io.vmnetd.daemon;

import io.vmnetd.daemon.api.ApiServer;
import io.vmnetd.daemon.api.ApiServerOptions;
import io.vmnetd.daemon.cluster.ClusterMode;
import io.vmnetd.daemon.cluster.ComposedConfig;
import io.vmnetd.daemon.cluster.ConfigComposer;
import io.vmnetd.daemon.cluster.ConnectivityResult;
import io.vmnetd.daemon.cluster.NetworkSources;
import io.vmnetd.daemon.cluster.NetworkStates;
import io.vmnetd.daemon.cni.CniService;
import io.vmnetd.daemon.config.Config;
import io.vmnetd.daemon.metrics.Metrics;
import io.vmnetd.daemon.model.NetworkPort;
import io.vmnetd.daemon.reconcile.Reason;
import io.vmnetd.daemon.reconcile.ReconcileLoop;
import io.vmnetd.daemon.reconcile.ReconcileObserver;
import io.vmnetd.daemon.reconcile.ReconcileRun;
import io.vmnetd.daemon.reconcile.Reconciler;
import io.vmnetd.daemon.reconcile.StepContext;
import io.vmnetd.daemon.service.DaemonService;
import io.vmnetd.daemon.service.DriftCounter;
import io.vmnetd.daemon.state.Attachment;
import io.vmnetd.daemon.state.AttachmentJournal;
import io.vmnetd.daemon.state.NetworkRegistry;
import io.vmnetd.daemon.systemd.SdNotify;
import io.vmnetd.daemon.systemd.Watchdog;
import io.vmnetd.netlink.RtNetlink;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.function.Consumer;
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
    private Optional<Watchdog> watchdog = Optional.empty();
    /** Kubernetes mode; empty (and its module never loaded) without a kubernetes section. */
    private volatile Optional<ClusterMode> cluster = Optional.empty();

    private Daemon() {}

    public static Daemon start(Path configFile, Config config) throws Exception {
        Daemon d = new Daemon();
        try {
            d.boot(configFile, config);
        } catch (Exception | Error e) {
            d.close();
            throw e;
        }
        return d;
    }

    private void boot(Path configFile, Config config) throws Exception {
        AttachmentJournal journal = AttachmentJournal.open(config.stateDir());
        NetworkRegistry registry = NetworkRegistry.open(config.stateDir());
        host = RtNetlink.open(metrics.netlinkObserver());
        DriftCounter drift = new DriftCounter(metrics);
        ReconcileObserver observer = new ReconcileObserver() {
            @Override
            public void reconciled(boolean succeeded, Duration took) {
                drift.reconciled(succeeded, took);
                cluster.ifPresent(ClusterMode::reconciled);
                if (succeeded && service != null && !service.isReady()) {
                    becomeReady();
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
        Reconciler reconciler = new Reconciler(host, stepContext(), registry, config,
                () -> livePorts(journal), journal::readyVersion, observer);
        CniService cni = new CniService(reconciler, host, journal, metrics, () -> service.isReady());
        service = new DaemonService(reconciler, host, journal, metrics, configFile, drift, cni::handle);
        if (config.kubernetes().isPresent()) {
            ComposedConfig composed = new ComposedConfig(reconciler, config);
            cluster = Optional.of(new ClusterMode(NetworkSources.openKubernetes(config), composed,
                    () -> NetworkStates.read(reconciler, host), this::requestFullReconcile));
            service.useComposer(composed);
        }
        metrics.gauge("vmnetd_ports", "VM ports attached by CNI", () -> journal.all().size());
        metrics.gauge("vmnetd_links", "links in the node's namespace", () -> host.links().list().size());
        metrics.gauge("vmnetd_vids", "VIDs carried by the uplinks of all cluster networks",
                () -> reconciler.desired().networks().values().stream().mapToInt(n -> n.uplinkVids().size()).sum());

        // The API first: its socket lock is what stops a second daemon before it touches anything.
        api = ApiServer.start(config.socket(), config.socketGroup(), service,
                ApiServerOptions.defaults().withMetricsListen(config.metricsListen()));
        LOG.info("vmnetd " + DaemonService.VERSION + " serving " + config.socket());

        // The cluster's last good networks join the first reconcile; the API server is not waited for.
        cluster.ifPresent(ClusterMode::start);
        cni.recover();
        loop = new ReconcileLoop(reconciler, Duration.ofSeconds(config.resyncSeconds()));
        ReconcileRun first = reconciler.reconcileAll(Reason.STARTUP);
        if (!first.succeeded()) {
            LOG.warning("first reconcile failed; not ready until one succeeds: " + first.errors());
        }
        loop.start();
        if (!first.succeeded()) {
            loop.request(null, Reason.RETRY);
        }
        watchdog = Watchdog.start(notify, loop::healthy);
    }

    private void requestFullReconcile() {
        ReconcileLoop l = loop;
        if (l != null) {
            l.request(null, Reason.CONFIG);
        }
    }

    /**
     * Where connectivity checks send their results: to the cluster in Kubernetes mode, nowhere otherwise. Thread-safe.
     */
    public void connectivity(ConnectivityResult result) {
        cluster.ifPresent(c -> c.source().connectivity(result));
    }

    private synchronized void becomeReady() {
        if (!service.isReady()) {
            service.markReady();
            notify.ready();
            LOG.info("ready");
        }
    }

    private static List<NetworkPort> livePorts(AttachmentJournal journal) {
        return journal.all().stream().filter(a -> a.state() == Attachment.State.READY).map(Attachment::port).toList();
    }

    private StepContext stepContext() {
        return new StepContext() {
            @Override
            public RtNetlink host() {
                return host;
            }

            @Override
            public void inNamespace(Path netns, Consumer<RtNetlink> work) {
                try (RtNetlink h = RtNetlink.openIn(netns)) {
                    work.accept(h);
                }
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
        cluster.ifPresent(ClusterMode::close);
        if (api != null) {
            api.close();
        }
        if (loop != null) {
            loop.close();
        }
        if (host != null) {
            host.close();
        }
        metrics.close();
        stopped.countDown();
    }
}
