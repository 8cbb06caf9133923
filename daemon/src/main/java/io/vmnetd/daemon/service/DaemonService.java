package io.vmnetd.daemon.service;

import io.vmnetd.daemon.api.Caller;
import io.vmnetd.daemon.api.CniReply;
import io.vmnetd.daemon.api.DaemonApi;
import io.vmnetd.daemon.cluster.ConfigComposer;
import io.vmnetd.daemon.config.Config;
import io.vmnetd.daemon.config.ConfigException;
import io.vmnetd.daemon.config.ConfigLoader;
import io.vmnetd.daemon.metrics.Metrics;
import io.vmnetd.daemon.reconcile.KernelView;
import io.vmnetd.daemon.reconcile.Reason;
import io.vmnetd.daemon.reconcile.ReconcileRun;
import io.vmnetd.daemon.reconcile.Reconciler;
import io.vmnetd.daemon.state.AttachmentJournal;
import io.vmnetd.daemon.state.AtomicFiles;
import io.vmnetd.netlink.RtNetlink;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BiFunction;
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
    private final Path configFile;
    private final Instant started = Instant.now();
    private final AtomicBoolean ready = new AtomicBoolean();
    private final DriftCounter drift;
    private final BiFunction<byte[], Caller, CniReply> cni;
    private final Object configLock = new Object();
    /** How a config file's networks join those of other sources (Kubernetes mode); the file alone by default. */
    private volatile ConfigComposer composer;

    public DaemonService(Reconciler reconciler, RtNetlink host, AttachmentJournal journal, Metrics metrics,
                         Path configFile, DriftCounter drift, BiFunction<byte[], Caller, CniReply> cni) {
        this.reconciler = reconciler;
        this.host = host;
        this.journal = journal;
        this.metrics = metrics;
        this.configFile = configFile;
        this.drift = drift;
        this.cni = cni;
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
        return Views.networks(reconciler.config(), reconciler.desired(), KernelView.read(host), reconciler.problems());
    }

    @Override
    public Object ports() {
        return Views.ports(journal.all());
    }

    @Override
    public Object links() {
        return Views.links(KernelView.read(host));
    }

    /**
     * Validates {@code yaml} completely; a config with any problem changes nothing. Otherwise (and unless a dry
     * run) it is saved to the config file, so a restart keeps it, and applied.
     */
    @Override
    public Object applyConfig(String yaml, boolean dryRun) throws ConfigException {
        Config candidate = ConfigLoader.parse(yaml, "request body");
        Config effective = composer.check(candidate);
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("dryRun", dryRun);
        List<String> restart = restartNeeded(reconciler.config(), candidate);
        if (!restart.isEmpty()) {
            out.put("restartNeeded", restart);
        }
        if (dryRun) {
            out.put("plan", reconciler.dryRun(effective));
            return out;
        }
        synchronized (configLock) {
            try {
                AtomicFiles.write(configFile, yaml.getBytes(StandardCharsets.UTF_8));
            } catch (IOException e) {
                throw new IllegalStateException("cannot save the config to " + configFile + ": " + e.getMessage(), e);
            }
            ReconcileRun run = apply(candidate, Reason.CONFIG);
            out.put("result", run.succeeded() ? "ok" : "error");
            out.put("applied", run.applied());
            out.put("problems", run.problems());
            out.put("errors", run.errors());
        }
        return out;
    }

    /** Re-reads the config file (SIGHUP); a file that fails validation is logged and the running config stays. */
    public void reload() {
        synchronized (configLock) {
            try {
                Config candidate = ConfigLoader.load(configFile);
                composer.check(candidate);
                io.vmnetd.daemon.log.Logging.setLevel(candidate.logLevel());
                List<String> restart = restartNeeded(reconciler.config(), candidate);
                if (!restart.isEmpty()) {
                    LOG.warning("reload: these settings take effect at the next start: " + String.join(", ", restart));
                }
                apply(candidate, Reason.CONFIG);
                LOG.info("reloaded " + configFile);
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
        if (!running.kubernetes().equals(candidate.kubernetes())) {
            out.add("kubernetes");
        }
        return out;
    }

    @Override
    public CniReply cni(byte[] body, Caller caller) {
        return cni.apply(body, caller);
    }

    @Override
    public String metrics() {
        return metrics.scrape();
    }
}
