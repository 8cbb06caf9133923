package io.vmnetd.kube;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.vmnetd.daemon.cluster.ConnectivityResult;
import io.vmnetd.daemon.cluster.NetworkSource;
import io.vmnetd.kube.crd.ClusterNetwork;
import io.vmnetd.kube.crd.Harvester;
import io.vmnetd.kube.crd.NetworkAttachmentDefinition;
import io.vmnetd.kube.crd.VlanConfig;
import io.vmnetd.kube.crd.VlanStatus;
import io.vmnetd.kube.status.Connectivity;
import io.vmnetd.kube.status.StatusWriter;
import io.vmnetd.kube.translate.Running;
import io.vmnetd.kube.translate.Translation;
import io.vmnetd.kube.translate.Translator;
import io.vmnetd.kube.watch.Backoff;
import io.vmnetd.kube.watch.ListWatch;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.logging.Logger;
import java.util.stream.Collectors;

/**
 * Kubernetes mode: this node's networks from Harvester's resources, and its statuses and labels written back.
 *
 * <p>What each node watches is what it needs and no more: ClusterNetworks and VlanConfigs (a few per cluster), the
 * NetworkAttachmentDefinitions labelled with a cluster network, its own Node (a field selector on its name, never
 * every Node) and its own VlanStatuses (a label selector on its name). Nothing is handed to the daemon until all
 * but the last have listed once; until then, and whenever the API server is away, the networks last handed over
 * (kept in stateDir) stay.
 */
final class KubeNetworkSource implements NetworkSource {
    private static final Logger LOG = Logger.getLogger(KubeNetworkSource.class.getName());
    private static final long TRANSLATE_DEBOUNCE_MILLIS = 100;

    private final String node;
    private final Duration resync;
    private final Supplier<KubernetesClient> clients;
    private final LastGoodState lastGood;
    private final Map<String, Connectivity> connectivity = new ConcurrentHashMap<>();
    private final ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "kube-translate");
        t.setDaemon(true);
        return t;
    });
    private Host host;
    private KubernetesClient client;
    private ListWatch<ClusterNetwork> clusterNetworks;
    private ListWatch<VlanConfig> vlanConfigs;
    private ListWatch<NetworkAttachmentDefinition> nads;
    private ListWatch<Node> nodes;
    private ListWatch<VlanStatus> ownStatuses;
    private volatile StatusWriter statuses;
    private volatile Running running = Running.empty();
    private volatile Translation translation;
    private boolean translateScheduled;
    private boolean nodeMissingReported;
    private boolean closed;

    KubeNetworkSource(String node, Path stateDir, int resyncSeconds, Supplier<KubernetesClient> clients) {
        this.node = node;
        this.resync = Duration.ofSeconds(resyncSeconds);
        this.clients = clients;
        this.lastGood = new LastGoodState(stateDir, node);
    }

    @Override
    public void start(Host daemon) {
        this.host = daemon;
        running = lastGood.load();
        if (!running.equals(Running.empty())) {
            LOG.info("kubernetes: node " + node + " starts with the cluster's last networks (" + lastGood.file() + "): "
                    + running.clusterNetworks().keySet() + ", " + running.vmNetworks().size() + " VM networks");
            host.networksChanged(running.sourced());
        }
        // The client (its JSON mappers and model classes take a few seconds to load on a small node) is made on this
        // source's thread: the daemon is ready and serves CNI without waiting for it.
        executor.execute(this::connect);
    }

    private synchronized void connect() {
        if (closed) {
            return;
        }
        client = clients.get();
        Backoff backoff = Backoff.DEFAULT;
        clusterNetworks = new ListWatch<>("clusternetworks", client.resources(ClusterNetwork.class), backoff,
                this::translateSoon);
        vlanConfigs = new ListWatch<>("vlanconfigs", client.resources(VlanConfig.class), backoff,
                this::translateSoon);
        nads = new ListWatch<>("network-attachment-definitions", client.resources(NetworkAttachmentDefinition.class)
                .inAnyNamespace().withLabel(Harvester.CLUSTER_NETWORK_LABEL), backoff, this::translateSoon);
        nodes = new ListWatch<>("node " + node, client.nodes().withField("metadata.name", node), backoff,
                this::translateSoon);
        ownStatuses = new ListWatch<>("vlanstatuses of " + node, client.resources(VlanStatus.class)
                .withLabel(Harvester.NODE_LABEL, node), backoff, this::writeStatusesSoon);
        statuses = new StatusWriter(client, node, this::statusInputs, new StatusWriter.Seen() {
            @Override
            public void status(VlanStatus written) {
                ownStatuses.assume(written);
            }

            @Override
            public void statusDeleted(String name) {
                ownStatuses.assumeDeleted(name);
            }

            @Override
            public void node(Node patched) {
                nodes.assume(patched);
            }
        }, backoff, Clock.systemUTC());
        statuses.start(resync);
        executor.scheduleWithFixedDelay(this::translate, resync.toMillis(), resync.toMillis(), TimeUnit.MILLISECONDS);
        for (ListWatch<?> w : watches()) {
            w.start();
        }
        LOG.info("kubernetes: watching the API server " + client.getMasterUrl() + " as node " + node);
    }

    private List<ListWatch<?>> watches() {
        return List.of(clusterNetworks, vlanConfigs, nads, nodes, ownStatuses);
    }

    /** From any watch's thread: one translation, on this source's thread, for a burst of events. */
    private synchronized void translateSoon() {
        if (!translateScheduled && !executor.isShutdown()) {
            translateScheduled = true;
            executor.schedule(() -> {
                synchronized (this) {
                    translateScheduled = false;
                }
                translate();
            }, TRANSLATE_DEBOUNCE_MILLIS, TimeUnit.MILLISECONDS);
        }
    }

    private void translate() {
        if (clusterNetworks == null || !clusterNetworks.synced() || !vlanConfigs.synced() || !nads.synced() || !nodes.synced()) {
            return;
        }
        Optional<Node> me = nodes.items().stream().findFirst();
        if (me.isEmpty()) {
            if (!nodeMissingReported) {
                nodeMissingReported = true;
                LOG.warning("kubernetes: the cluster has no Node " + node + "; kubernetes.nodeName (else "
                        + "$VMNETD_NODE_NAME, else the host name) must name this node; its last networks stay");
            }
            return;
        }
        nodeMissingReported = false;
        Map<String, String> labels = Optional.ofNullable(me.get().getMetadata().getLabels()).orElse(Map.of());
        Translation t = Translator.translate(new Translator.Inputs(labels,
                clusterNetworks.items().stream().map(c -> c.getMetadata().getName()).collect(Collectors.toSet()),
                vlanConfigs.items(), nads.items()), running);
        translation = t;
        if (!t.running().equals(running)) {
            running = t.running();
            try {
                lastGood.save(running);
            } catch (IOException e) {
                LOG.warning("kubernetes: cannot save " + lastGood.file() + ": " + e.getMessage());
            }
            LOG.info("kubernetes: the cluster's networks for this node: " + running.clusterNetworks().keySet() + ", "
                    + running.vmNetworks().size() + " VM networks");
            host.networksChanged(running.sourced());
        }
        statuses.request();
    }

    private void writeStatusesSoon() {
        StatusWriter s = statuses;
        if (s != null) {
            s.request();
        }
    }

    private Optional<StatusWriter.Inputs> statusInputs() {
        Translation t = translation;
        if (t == null) {
            return Optional.empty();
        }
        Optional<Node> me = nodes.items().stream().findFirst();
        if (me.isEmpty() || !ownStatuses.synced()) {
            return Optional.empty();
        }
        Map<String, VlanStatus> own = ownStatuses.items().stream()
                .collect(Collectors.toMap(s -> s.getMetadata().getName(), Function.identity(), (a, b) -> b));
        return Optional.of(new StatusWriter.Inputs(t, me.get(), own, host.networkStates(), host.refusals(),
                Map.copyOf(connectivity)));
    }

    @Override
    public void nodeChanged() {
        writeStatusesSoon();
    }

    @Override
    public void connectivity(ConnectivityResult result) {
        connectivity.compute(result.vmNetwork(), (name, previous) -> Connectivity.after(previous, result));
        writeStatusesSoon();
    }

    @Override
    public synchronized void close() {
        closed = true;
        executor.shutdownNow();
        if (client == null) {
            return;
        }
        watches().forEach(ListWatch::close);
        statuses.close();
        client.close();
    }
}
