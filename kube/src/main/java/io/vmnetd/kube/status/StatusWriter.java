package io.vmnetd.kube.status;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.vmnetd.daemon.cluster.NetworkState;
import io.vmnetd.daemon.cluster.Refusal;
import io.vmnetd.kube.crd.VlanStatus;
import io.vmnetd.kube.translate.Translation;
import io.vmnetd.kube.watch.Backoff;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.logging.Logger;

/**
 * Writes what this node owes the cluster, on its own thread: its VlanStatuses (created, patched, deleted) and its
 * readiness labels. Each pass compares what should be with what the watches last saw and writes only the difference,
 * so a pass over an unchanged node sends nothing. A pass that fails is tried again after a jittered backoff.
 */
public final class StatusWriter implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(StatusWriter.class.getName());
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long DEBOUNCE_MILLIS = 250;

    /** What a pass reads; absent until every watch has listed once. */
    public record Inputs(Translation translation, Node node, Map<String, VlanStatus> own, List<NetworkState> states,
                         List<Refusal> refusals, Map<String, Connectivity> connectivity) {}

    /** Where a pass puts what the API server answered, so that the next pass does not write it again. */
    public interface Seen {
        void status(VlanStatus written);

        void statusDeleted(String name);

        void node(Node patched);
    }

    private final KubernetesClient client;
    private final String node;
    private final Supplier<Optional<Inputs>> inputs;
    private final Seen seen;
    private final Backoff backoff;
    private final Clock clock;
    private final ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "kube-status");
        t.setDaemon(true);
        return t;
    });
    private ScheduledFuture<?> scheduled;
    private int failures;

    public StatusWriter(KubernetesClient client, String node, Supplier<Optional<Inputs>> inputs, Seen seen,
                        Backoff backoff, Clock clock) {
        this.client = client;
        this.node = node;
        this.inputs = inputs;
        this.seen = seen;
        this.backoff = backoff;
        this.clock = clock;
    }

    /** A pass every {@code period} besides the requested ones. */
    public void start(Duration period) {
        executor.scheduleWithFixedDelay(this::request, period.toMillis(), period.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** A pass soon; requests made meanwhile share it. */
    public synchronized void request() {
        if (scheduled == null || scheduled.isDone()) {
            scheduled = executor.schedule(this::pass, DEBOUNCE_MILLIS, TimeUnit.MILLISECONDS);
        }
    }

    private void pass() {
        Optional<Inputs> in = inputs.get();
        if (in.isEmpty()) {
            return;
        }
        try {
            write(in.get());
            failures = 0;
        } catch (KubernetesClientException e) {
            Duration delay = backoff.delay(failures++);
            LOG.warning("writing the node's statuses failed (" + e.getMessage()
                    + (e.getCause() == null ? "" : ": " + e.getCause()) + "); trying again in "
                    + delay.toMillis() + " ms");
            synchronized (this) {
                scheduled = executor.schedule(this::pass, delay.toMillis(), TimeUnit.MILLISECONDS);
            }
        }
    }

    private void write(Inputs in) {
        String now = Instant.now(clock).truncatedTo(ChronoUnit.SECONDS).toString();
        Map<String, VlanStatuses.Desired> desired = VlanStatuses.desired(node, in.translation(), in.states(),
                in.refusals(), in.connectivity(), in.own(), now);
        for (VlanStatuses.Desired d : desired.values()) {
            VlanStatus existing = in.own().get(d.name());
            if (existing == null) {
                create(d, in.node());
            } else if (!upToDate(existing, d)) {
                patch(existing, d);
            }
        }
        for (String name : in.own().keySet()) {
            if (!desired.containsKey(name)) {
                client.resources(VlanStatus.class).withName(name).delete();
                seen.statusDeleted(name);
                LOG.info("deleted VlanStatus " + name);
            }
        }
        NodeLabels.change(in.node().getMetadata().getLabels(), VlanStatuses.ready(desired)).ifPresent(change -> {
            Node patched = client.nodes().resource(in.node()).patch(PatchContext.of(PatchType.JSON),
                    json(labelOps(in.node().getMetadata().getLabels(), change)));
            seen.node(patched);
            LOG.info("node " + node + " labels: " + change);
        });
    }

    private static boolean upToDate(VlanStatus existing, VlanStatuses.Desired d) {
        Map<String, String> labels = existing.getMetadata().getLabels() == null ? Map.of()
                : existing.getMetadata().getLabels();
        return d.status().equals(existing.getStatus())
                && d.labels().entrySet().stream().allMatch(e -> e.getValue().equals(labels.get(e.getKey())));
    }

    private void create(VlanStatuses.Desired d, Node owner) {
        VlanStatus vs = new VlanStatus();
        // Owned by the Node: deleting a node from the cluster deletes its statuses with it.
        vs.setMetadata(new ObjectMetaBuilder().withName(d.name()).withLabels(d.labels())
                .withOwnerReferences(new OwnerReferenceBuilder().withApiVersion("v1").withKind("Node")
                        .withName(node).withUid(owner.getMetadata().getUid()).build())
                .build());
        vs.setStatus(d.status());
        try {
            seen.status(client.resources(VlanStatus.class).resource(vs).create());
            LOG.info("created VlanStatus " + d.name());
        } catch (KubernetesClientException e) {
            if (e.getCode() != 409) {
                throw e;
            }
            // It exists, and our watch has yet to show it: the pass its event brings patches it (no get needed).
            LOG.fine(() -> "VlanStatus " + d.name() + " exists already; waiting for the watch to show it");
        }
    }

    /**
     * One JSON patch (RFC 6902): the whole status replaced, and our labels set, leaving others' labels alone. (A JSON
     * merge patch would need explicit nulls to drop what is now absent, which not every server implements.)
     */
    private void patch(VlanStatus existing, VlanStatuses.Desired d) {
        List<Map<String, Object>> ops = new ArrayList<>();
        ops.add(op("add", "/status", client.getKubernetesSerialization().convertValue(d.status(), Map.class)));
        ops.addAll(labelOps(existing.getMetadata().getLabels(), new TreeMap<>(d.labels())));
        // resource(existing), not withName(): with the object at hand the client sends the patch alone, without
        // reading it back from the server first (and needs no get permission).
        seen.status(client.resources(VlanStatus.class).resource(existing)
                .patch(PatchContext.of(PatchType.JSON), json(ops)));
        LOG.fine(() -> "patched VlanStatus " + d.name());
    }

    /** Operations that set each label with a value and remove each with null. */
    static List<Map<String, Object>> labelOps(Map<String, String> current, Map<String, String> change) {
        List<Map<String, Object>> ops = new ArrayList<>();
        if (current == null) {
            Map<String, String> set = new TreeMap<>();
            change.forEach((k, v) -> {
                if (v != null) {
                    set.put(k, v);
                }
            });
            ops.add(op("add", "/metadata/labels", set));
            return ops;
        }
        change.forEach((key, value) -> {
            String path = "/metadata/labels/" + key.replace("~", "~0").replace("/", "~1");
            if (value != null) {
                ops.add(op("add", path, value));
            } else if (current.containsKey(key)) {
                ops.add(op("remove", path, null));
            }
        });
        return ops;
    }

    private static Map<String, Object> op(String op, String path, Object value) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("op", op);
        m.put("path", path);
        if (!op.equals("remove")) {
            m.put("value", value);
        }
        return m;
    }

    private static String json(Object o) {
        try {
            return JSON.writeValueAsString(o);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        executor.shutdownNow();
    }
}
