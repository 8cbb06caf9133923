package io.vmnetd.kube.watch;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.jdkhttp.JdkHttpClientFactory;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.fabric8.mockwebserver.http.Dispatcher;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import io.vmnetd.kube.testing.Await;
import io.vmnetd.kube.testing.MockApiServer;
import java.net.InetAddress;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** A watch whose resourceVersion has expired (410 Gone) lists again, with a consistent read. */
class ListWatchTest {

    /** The CRUD mock, except that the first watch of nodes is answered 410 Gone. */
    static final class GoneOnce extends Dispatcher {
        final KubernetesCrudDispatcher crud = new KubernetesCrudDispatcher();
        final AtomicBoolean gone = new AtomicBoolean();
        final List<String> paths = new CopyOnWriteArrayList<>();

        @Override
        public MockResponse dispatch(RecordedRequest request) {
            if (request.getPath().startsWith("/api/v1/nodes") && request.getMethod().equals("GET")) {
                paths.add(request.getPath());
                if (request.getPath().contains("watch=true") && gone.compareAndSet(false, true)) {
                    return new MockResponse().setResponseCode(410).setBody("{\"kind\":\"Status\",\"apiVersion\":\"v1\","
                            + "\"status\":\"Failure\",\"message\":\"too old resource version\",\"reason\":\"Expired\","
                            + "\"code\":410}");
                }
            }
            return crud.dispatch(request);
        }
    }

    @Test
    void aGoneWatchListsAgainAndCatchesUp() throws Exception {
        GoneOnce dispatcher = new GoneOnce();
        KubernetesMockServer server = new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(),
                dispatcher, false);
        server.start(InetAddress.getLoopbackAddress(), 0);
        MockApiServer configOnly = new MockApiServer(InetAddress.getLoopbackAddress(), server.getPort());
        try (KubernetesClient kube = new KubernetesClientBuilder().withConfig(configOnly.config())
                .withHttpClientFactory(new JdkHttpClientFactory()).build()) {
            kube.nodes().resource(node("n1")).create();
            AtomicInteger changes = new AtomicInteger();
            ListWatch<Node> nodes = new ListWatch<>("nodes", kube.nodes(), new Backoff(Duration.ofMillis(100),
                    Duration.ofSeconds(1), () -> 0.5), changes::incrementAndGet);
            try {
                nodes.start();
                Await.until("listed again after the 410", Duration.ofSeconds(30),
                        () -> dispatcher.paths.stream().filter(p -> !p.contains("watch=true")).count() >= 2,
                        () -> dispatcher.paths.toString());
                kube.nodes().resource(node("n2")).create();
                Await.until("n2 seen through the new watch", Duration.ofSeconds(30), () -> nodes.items().size() == 2);
            } finally {
                nodes.close();
            }
            List<String> lists = dispatcher.paths.stream().filter(p -> !p.contains("watch=true")).toList();
            assertThat(lists.get(0)).as("the first list may come from the watch cache").contains("resourceVersion=0");
            assertThat(lists.get(1)).as("after 410, a consistent read").doesNotContain("resourceVersion");
            assertThat(nodes.synced()).isTrue();
            assertThat(changes.get()).isGreaterThanOrEqualTo(3);
        } finally {
            server.shutdown();
        }
    }

    static Node node(String name) {
        return new NodeBuilder().withNewMetadata().withName(name).endMetadata().build();
    }
}
