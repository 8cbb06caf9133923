package io.vmnetd.daemon.service;

import io.vmnetd.daemon.api.Caller;
import io.vmnetd.daemon.api.DaemonApi;
import io.vmnetd.daemon.api.ForbiddenException;
import io.vmnetd.daemon.cni.CniReply;
import io.vmnetd.daemon.cluster.ConfigComposer;
import io.vmnetd.daemon.config.Config;
import io.vmnetd.daemon.config.ConfigException;
import io.vmnetd.daemon.config.ConfigLayers;
import io.vmnetd.daemon.config.ConfigLoader;
import io.vmnetd.daemon.config.VmNetwork;
import io.vmnetd.daemon.metrics.Metrics;
import io.vmnetd.daemon.probe.ConnectivityChecks;
import io.vmnetd.daemon.reconcile.KernelView;
import io.vmnetd.daemon.reconcile.Reason;
import io.vmnetd.daemon.reconcile.ReconcileRun;
import io.vmnetd.daemon.reconcile.Reconciler;
import io.vmnetd.daemon.state.AttachmentJournal;
import io.vmnetd.daemon.state.AtomicFiles;
import io.vmnetd.netlink.RtNetlink;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import java.util.logging.Logger;

/**
 * The daemon's answers to its API: status and views read from the reconciler and the kernel, config changes
 * validated in full before anything is touched, CNI calls handed to the CNI service.
 */
public final class DaemonService implements DaemonApi {
    private static final Logger LOG = Logger.getLogger(DaemonService.class.getName());
    public static final String VERSION = Optional.ofNullable(DaemonService.class.getPackage().getImplementationVersion())
            .orElse("dev");

    private final Reconciler reconciler;
    private final RtNetlink host;
    private final AttachmentJournal journal;
    private final Metrics metrics;
    private volatile ConfigLayers.Layered layers;
    private final Instant started = Instant.now();
    private final AtomicBoolean ready = new AtomicBoolean();
    private final DriftCounter drift;
    private final Function<byte[], CniReply> cni;
    private final Object configLock = new Object();
    private final ConnectivityChecks connectivity;
    private final NetworkCheck networkCheck;
    /** How a config file's networks join those of other sources (Kubernetes mode); the file alone by default. */
    private volatile ConfigComposer composer;

    public DaemonService(Reconciler reconciler, RtNetlink host, AttachmentJournal journal, Metrics metrics,
                         ConfigLayers.Layered layers, DriftCounter drift, Function<byte[], CniReply> cni,
                         ConnectivityChecks connectivity) {
        this.layers = layers;
        this.connectivity = connectivity;
        this.reconciler = reconciler;
        this.host = host;
        this.journal = journal;
        this.metrics = metrics;
        this.drift = drift;
        this.cni = cni;
        this.networkCheck = new NetworkCheck(reconciler);
        this.composer = ConfigComposer.fileOnly(reconciler);
    }

    /** Composes every config change with another source's networks from now on. */
    public void useComposer(ConfigComposer composer) {
        this.composer = composer;
    }

    public void markReady() {
        ready.set(true);
    }

    @Override
    public boolean isReady() {
        return ready.get();
    }

    @Override
    public Object status() {
        Map<String, Object> s = new LinkedHashMap<>();
        s.put("version", VERSION);
        s.put("uptimeSeconds", Duration.between(started, Instant.now()).toSeconds());
        s.put("ready", ready.get());
        ReconcileRun last = reconciler.lastRun();
        if (last != null) {
            Map<String, Object> r = new LinkedHashMap<>();
            r.put("at", last.at().toString());
            r.put("reason", last.reason().name());
            r.put("result", last.succeeded() ? "ok" : "error");
            r.put("millis", last.millis());
            r.put("applied", last.applied());
            r.put("problems", last.problems());
            r.put("errors", last.errors());
            s.put("lastReconcile", r);
        }
        s.put("driftRepairs", drift.total());
        s.put("errors", drift.recentErrors());
        return s;
    }

    @Override
    public Object networks() {
        return Views.networks(reconciler.config(), reconciler.desired(), KernelView.read(host), reconciler.problems(),
                connectivity::current, reconciler.leases());
    }

    /** The config in use. */
    public Config running() {
        return reconciler.config();
    }

    /**
     * POST /v1/networks/NAME/check: reconciles the VM network's cluster network, then checks the VM network's
     * connectivity from this node; empty when there is no such VM network.
     */
    @Override
    public Optional<Object> checkNetwork(String name) {
        return networkCheck.run(name).map(result -> new Views.CheckView(result, reconciler.config().vmNetwork(name)
                .map(vm -> Views.connectivity(connectivity.checkNow(vm))).orElse(null)));
    }

    @Override
    public Object ports() {
        return Views.ports(journal.all());
    }

    @Override
    public Object links() {
        return Views.links(KernelView.read(host));
    }

    @Override
    public Object config() {
        return ConfigView.of(layers);
    }

    /**
     * Validates {@code yaml} completely; a config with any problem changes nothing, and so does one that would change
     * a setting only the file may hold. Otherwise (and unless a dry run) it becomes the API overlay in the state
     * directory, so a restart keeps it, and is applied over the file's own settings.
     */
    @Override
    public Object applyConfig(String yaml, boolean dryRun) throws ConfigException {
        Config candidate = ConfigLoader.parse(yaml, "request body");
        ConfigLayers.Layered running = layers;
        List<String> fileOnly = ConfigLayers.fileOnlyChanges(yaml, candidate, running.file());
        if (!fileOnly.isEmpty()) {
            throw new ForbiddenException(fileOnly.get(0) + ": can only be set in " + running.fileSource()
                    + ", never over the API (it decides what runs as root, or where vmnetd reads and listens); leave it "
                    + "out or give its running value" + (fileOnly.size() > 1 ? "; so can " + fileOnly.subList(1,
                    fileOnly.size()) : ""), fileOnly.get(0));
        }
        Config effective = ConfigLayers.merge(running.file(), candidate);
        Config composed = composer.check(effective); // a network the cluster declares differently is refused
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("dryRun", dryRun);
        if (dryRun) {
            out.put("plan", reconciler.dryRun(composed));
            return out;
        }
        synchronized (configLock) {
            try {
                AtomicFiles.write(running.overlaySource(), yaml.getBytes(StandardCharsets.UTF_8));
            } catch (IOException e) {
                throw new IllegalStateException("cannot save the config to " + running.overlaySource() + ": "
                        + e.getMessage() + "; nothing was applied", e);
            }
            layers = new ConfigLayers.Layered(effective, running.fileSource(), running.file(), Optional.of(candidate));
            ReconcileRun run = apply(effective, Reason.CONFIG);
            out.put("saved", running.overlaySource().toString());
            out.put("result", run.succeeded() ? "ok" : "error");
            out.put("applied", run.applied());
            out.put("problems", run.problems());
            out.put("errors", run.errors());
        }
        return out;
    }

    @Override
    public Object dropConfigOverlay() throws ConfigException {
        synchronized (configLock) {
            ConfigLayers.Layered running = layers;
            try {
                Files.deleteIfExists(running.overlaySource());
            } catch (IOException e) {
                throw new IllegalStateException("cannot remove " + running.overlaySource() + ": " + e.getMessage(), e);
            }
            layers = ConfigLayers.load(running.fileSource(), running.file());
            ReconcileRun run = apply(layers.effective(), Reason.CONFIG);
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("removed", running.overlaySource().toString());
            out.put("result", run.succeeded() ? "ok" : "error");
            out.put("applied", run.applied());
            return out;
        }
    }

    /** Re-reads the config file and the overlay (SIGHUP); a file that fails validation is logged, the running config stays. */
    public void reload() {
        synchronized (configLock) {
            Path file = layers.fileSource();
            try {
                ConfigLayers.Layered reloaded = ConfigLayers.load(file, ConfigLoader.load(file));
                Config candidate = reloaded.effective();
                composer.check(candidate);
                io.vmnetd.daemon.log.Logging.setLevel(candidate.logLevel());
                List<String> restart = restartNeeded(reconciler.config(), candidate);
                if (!restart.isEmpty()) {
                    LOG.warning("reload: these settings take effect at the next start: " + String.join(", ", restart));
                }
                layers = reloaded;
                apply(candidate, Reason.CONFIG);
                LOG.info("reloaded " + file + (reloaded.overlay().isPresent() ? " and the API overlay "
                        + reloaded.overlaySource() : ""));
            } catch (ConfigException e) {
                LOG.warning("reload refused, the running config stays: " + e.getMessage().replace('\n', ' '));
            }
        }
    }

    private ReconcileRun apply(Config candidate, Reason reason) {
        composer.apply(candidate);
        ReconcileRun run = reconciler.reconcileAll(reason);
        if (run.succeeded()) {
            markReady();
        }
        return run;
    }

    private static List<String> restartNeeded(Config running, Config candidate) {
        List<String> out = new ArrayList<>();
        if (!running.socket().equals(candidate.socket())) {
            out.add("socket");
        }
        if (!running.socketGroup().equals(candidate.socketGroup())) {
            out.add("socketGroup");
        }
        if (!running.stateDir().equals(candidate.stateDir())) {
            out.add("stateDir");
        }
        if (!running.metricsListen().equals(candidate.metricsListen())) {
            out.add("metrics.listen");
        }
        if (!running.adminGroup().equals(candidate.adminGroup())) {
            out.add("adminGroup");
        }
        if (!running.api().equals(candidate.api())) {
            out.add("api");
        }
        if (!running.kubernetes().equals(candidate.kubernetes())) {
            out.add("kubernetes");
        }
        return out;
    }

    @Override
    public CniReply cni(byte[] body, Caller caller) {
        return cni.apply(body);
    }

    @Override
    public String metrics() {
        return metrics.scrape();
    }
}
