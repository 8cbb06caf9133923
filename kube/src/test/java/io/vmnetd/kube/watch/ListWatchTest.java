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
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * A watch whose resourceVersion has expired (410 Gone) lists again, with a consistent read; an event older than an
 * object our own write returned does not replace it.
 */
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

    /**
     * The watch's thread is held while the node is patched twice and the second answer is assumed; once let go, the
     * first patch's event (older than what is assumed) must not show the node as it was before the second patch.
     */
    @Test
    void anEventOlderThanAnAssumedWriteDoesNotReplaceIt() throws Exception {
        KubernetesMockServer server = new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(),
                new KubernetesCrudDispatcher(), false);
        server.start(InetAddress.getLoopbackAddress(), 0);
        MockApiServer configOnly = new MockApiServer(InetAddress.getLoopbackAddress(), server.getPort());
        try (KubernetesClient kube = new KubernetesClientBuilder().withConfig(configOnly.config())
                .withHttpClientFactory(new JdkHttpClientFactory()).build()) {
            kube.nodes().resource(node("n1")).create();
            CountDownLatch held = new CountDownLatch(1);
            CountDownLatch letGo = new CountDownLatch(1);
            AtomicBoolean hold = new AtomicBoolean();
            List<String> seen = new CopyOnWriteArrayList<>();
            AtomicReference<ListWatch<Node>> watch = new AtomicReference<>();
            ListWatch<Node> nodes = new ListWatch<>("nodes", kube.nodes(), new Backoff(Duration.ofMillis(100),
                    Duration.ofSeconds(1), () -> 0.5), () -> {
                        watch.get().items().stream().filter(n -> n.getMetadata().getName().equals("n1"))
                                .forEach(n -> seen.add(n.getMetadata().getResourceVersion()));
                        if (hold.compareAndSet(true, false)) {
                            held.countDown();
                            await(letGo);
                        }
                    });
            watch.set(nodes);
            try {
                nodes.start();
                Await.until("listed", Duration.ofSeconds(30), nodes::synced);
                hold.set(true);
                kube.nodes().resource(node("n0")).create();
                assertThat(held.await(30, TimeUnit.SECONDS)).as("the watch's thread held on n0's event").isTrue();
                Node first = kube.nodes().withName("n1").edit(n -> label(n, "first"));
                Node second = kube.nodes().withName("n1").edit(n -> label(n, "second"));
                assertThat(ListWatch.newer(second.getMetadata().getResourceVersion(),
                        first.getMetadata().getResourceVersion())).isTrue();
                nodes.assume(second);
                seen.clear();
                letGo.countDown();
                kube.nodes().resource(node("n2")).create();
                Await.until("n2 seen after both patches' events", Duration.ofSeconds(30),
                        () -> nodes.items().size() == 3);
                assertThat(seen).as("n1's resourceVersion at each change after the assumed write "
                        + "(first patch %s, second %s)", first.getMetadata().getResourceVersion(),
                        second.getMetadata().getResourceVersion())
                        .containsOnly(second.getMetadata().getResourceVersion());
                assertThat(nodes.items()).filteredOn(n -> n.getMetadata().getName().equals("n1")).singleElement()
                        .satisfies(n -> assertThat(n.getMetadata().getLabels()).containsEntry("step", "second"));
            } finally {
                letGo.countDown();
                nodes.close();
            }
        } finally {
            server.shutdown();
        }
    }

    @Test
    void resourceVersionsCompareAsNumbersOrNotAtAll() {
        assertThat(ListWatch.newer("10", "9")).isTrue();
        assertThat(ListWatch.newer("9", "10")).isFalse();
        assertThat(ListWatch.newer("9", "9")).isFalse();
        assertThat(ListWatch.newer("abc", "9")).isFalse();
        assertThat(ListWatch.newer(null, "9")).isFalse();
    }

    private static Node label(Node n, String step) {
        n.getMetadata().setLabels(new HashMap<>(java.util.Map.of("step", step)));
        return n;
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    static Node node(String name) {
        return new NodeBuilder().withNewMetadata().withName(name).endMetadata().build();
    }
}
