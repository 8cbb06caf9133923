package io.vmnetd.kube;

import static io.vmnetd.kube.testing.ClusterObjects.clusterNetwork;
import static io.vmnetd.kube.testing.ClusterObjects.vlanConfig;
import static io.vmnetd.kube.testing.ClusterObjects.vlanNad;

import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.vmnetd.kube.crd.ClusterNetwork;
import io.vmnetd.kube.crd.NetworkAttachmentDefinition;
import io.vmnetd.kube.crd.VlanConfig;
import io.vmnetd.kube.crd.VlanStatus;
import io.vmnetd.kube.testing.Await;
import io.vmnetd.kube.testing.FakeHost;
import io.vmnetd.kube.testing.MockApiServer;
import io.vmnetd.kube.testing.MockApiServer.Request;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * What one node costs the API server, counted request by request at fabric8's mock API server: a cluster of
 * {@code nads} NetworkAttachmentDefinitions on one cluster network whose VlanConfig selects the node.
 */
public final class ApiLoad {

    /** Requests in one phase, by kind; the writes also by method and path, for a message that says which. */
    public record Counts(int lists, int watches, List<String> written, int other) {
        static Counts of(List<Request> requests) {
            int lists = 0;
            int watches = 0;
            int other = 0;
            List<String> written = new java.util.ArrayList<>();
            for (Request r : requests) {
                if (r.isWatch()) {
                    watches++;
                } else if (r.isList()) {
                    lists++;
                } else if (List.of("POST", "PATCH", "PUT", "DELETE").contains(r.method())) {
                    written.add(r.method() + " " + r.path());
                } else {
                    other++;
                }
            }
            return new Counts(lists, watches, List.copyOf(written), other);
        }

        int writes() {
            return written.size();
        }

        int total() {
            return lists + watches + writes() + other;
        }
    }

    /**
     * @param start from start until the statuses are written and nothing more is asked
     * @param steady over {@code steadySeconds} with a reconcile reported every second
     * @param restart after the API server went away and came back
     * @param nadListBytes the size of one list of every NetworkAttachmentDefinition, as JSON
     */
    public record Result(int nads, Counts start, Counts steady, int steadySeconds, Counts restart, long nadListBytes) {}

    private ApiLoad() {}

    public static Result measure(int nads, int steadySeconds) throws Exception {
        Path stateDir = Files.createTempDirectory("vmnetd-apiload");
        try (MockApiServer api = MockApiServer.local(); KubernetesClient kube = api.client()) {
            kube.nodes().resource(new NodeBuilder().withNewMetadata().withName("n1").addToLabels("rack", "a")
                    .endMetadata().build()).create();
            kube.resources(ClusterNetwork.class).resource(clusterNetwork("data")).create();
            kube.resources(VlanConfig.class).resource(vlanConfig("data-a", "data", Map.of("rack", "a"), "eth1"))
                    .create();
            for (int i = 0; i < nads; i++) {
                kube.resources(NetworkAttachmentDefinition.class)
                        .resource(vlanNad("ns" + (i % 20), "vlan" + (i + 2), "data", i + 2)).create();
            }
            long listBytes = kube.getKubernetesSerialization().asJson(kube.resources(NetworkAttachmentDefinition.class)
                    .inAnyNamespace().list()).length();
            api.takeRequests();

            FakeHost host = new FakeHost();
            KubeNetworkSource source = new KubeNetworkSource("n1", stateDir, 300, () -> Clients.create(api.config()));
            try {
                source.start(host);
                Await.until("the node's VlanStatus written", Duration.ofSeconds(60),
                        () -> kube.resources(VlanStatus.class).withName("data-n1").get() != null
                                && "true".equals(kube.nodes().withName("n1").get().getMetadata().getLabels()
                                        .get("network.harvesterhci.io/data")));
                Thread.sleep(2000);
                Counts start = Counts.of(api.takeRequests().stream().filter(ApiLoad::fromTheNode).toList());

                for (int s = 0; s < steadySeconds; s++) {
                    source.nodeChanged();
                    Thread.sleep(1000);
                }
                Counts steady = Counts.of(api.takeRequests().stream().filter(ApiLoad::fromTheNode).toList());

                api.stop();
                api.start();
                Thread.sleep(10_000);
                Counts restart = Counts.of(api.takeRequests().stream().filter(ApiLoad::fromTheNode).toList());
                return new Result(nads, start, steady, steadySeconds, restart, listBytes);
            } finally {
                source.close();
            }
        } finally {
            try (var files = Files.walk(stateDir)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    /** Leaves out the measuring side's own requests. */
    private static boolean fromTheNode(Request r) {
        return !r.byTest();
    }

    /** Prints the per-node figures and what they make for {@code nodes} nodes, as scripts/bench reports them. */
    public static void main(String[] args) throws Exception {
        int nads = args.length > 0 ? Integer.parseInt(args[0]) : 500;
        int nodes = args.length > 1 ? Integer.parseInt(args[1]) : 1000;
        Result r = measure(nads, 20);
        System.out.printf("per node, %d NADs: start %s; steady %s over %d s; after an API server restart %s; "
                + "one NAD list %d bytes%n", r.nads(), r.start(), r.steady(), r.steadySeconds(), r.restart(),
                r.nadListBytes());
        // "FIGURE name value unit ref target": judged and printed as RESULT lines by scripts/lib/bench-results.sh.
        System.out.printf("FIGURE kube_start_requests_per_node %d requests %d <=12%n", r.start().total(),
                r.start().total());
        System.out.printf("FIGURE kube_watches_per_node %d watches 5 <=5%n", r.start().watches());
        double steadyPerMin = r.steady().total() * 60.0 / r.steadySeconds();
        System.out.printf(java.util.Locale.ROOT, "FIGURE kube_steady_requests_per_node_min %.1f requests/min 0 <=0%n",
                steadyPerMin);
        System.out.printf("FIGURE kube_restart_requests_per_node %d requests 5 <=10%n", r.restart().total());
        System.out.printf("cluster of %d nodes: %d watches; start %d lists (%d of them NAD lists, %.0f MB); "
                + "after an API server restart %d re-watches, or, if the watch cache lost the versions (410), %d lists "
                + "(%.0f MB)%n", nodes, nodes * r.start().watches(), nodes * r.start().lists(), nodes,
                nodes * r.nadListBytes() / 1e6, nodes * r.restart().watches(), nodes * r.start().lists(),
                nodes * r.nadListBytes() / 1e6);
    }
}
