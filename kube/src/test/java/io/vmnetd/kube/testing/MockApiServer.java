package io.vmnetd.kube.testing;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.dsl.base.CustomResourceDefinitionContext;
import io.fabric8.kubernetes.client.jdkhttp.JdkHttpClientFactory;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.fabric8.mockwebserver.http.RecordedRequest;
import io.vmnetd.kube.crd.ClusterNetwork;
import io.vmnetd.kube.crd.NetworkAttachmentDefinition;
import io.vmnetd.kube.crd.VlanConfig;
import io.vmnetd.kube.crd.VlanStatus;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * fabric8's mock API server in CRUD mode (it keeps what is created and serves list, watch, create, patch and delete
 * for any resource), over plain HTTP, with its store kept across {@link #stop()} and {@link #start()} so that a test
 * can take the API server away and bring it back.
 */
public final class MockApiServer implements AutoCloseable {
    /** One request the server saw. */
    public record Request(String method, String path, String userAgent) {
        private static final java.util.Set<String> COLLECTIONS = java.util.Set.of("nodes", "vlanconfigs",
                "clusternetworks", "vlanstatuses", "network-attachment-definitions");

        public boolean isWatch() {
            return path.contains("watch=true");
        }

        /** Made by the test's own client ({@link #client()}), not by a daemon. */
        public boolean byTest() {
            return userAgent.equals(TEST_USER_AGENT);
        }

        /** The RBAC verb of the request: list, watch, get, create, update, patch or delete. */
        public String verb() {
            return switch (method) {
                case "GET" -> isWatch() ? "watch" : isList() ? "list" : "get";
                case "POST" -> "create";
                case "PUT" -> "update";
                case "PATCH" -> "patch";
                case "DELETE" -> "delete";
                default -> method;
            };
        }

        /** The API group of the request ("" for the core group). */
        public String group() {
            String p = path.replaceAll("\\?.*", "");
            return p.startsWith("/apis/") ? p.split("/")[2] : "";
        }

        /** A GET of a whole collection that is not a watch. */
        public boolean isList() {
            return method.equals("GET") && !isWatch() && COLLECTIONS.contains(lastSegment());
        }

        /** The resource (plural) the request is about. */
        public String resource() {
            String[] parts = path.replaceAll("\\?.*", "").split("/");
            for (int i = parts.length - 1; i >= 0; i--) {
                if (COLLECTIONS.contains(parts[i])) {
                    return parts[i];
                }
            }
            return path;
        }

        private String lastSegment() {
            String p = path.replaceAll("\\?.*", "");
            return p.substring(p.lastIndexOf('/') + 1);
        }
    }

    public static final String TEST_USER_AGENT = "vmnetd-test";
    /** Every request at INFO is noise in a test's output (they are counted by {@link #takeRequests()}). */
    private static final Logger REQUEST_LOG = Logger.getLogger("io.fabric8.mockwebserver.MockWebServer");
    /** Under emulation the mock's event loop is often slow; Vert.x would print a stack trace each time. */
    private static final Logger BLOCKED_THREAD_LOG = Logger.getLogger("io.vertx.core.impl.BlockedThreadChecker");

    static {
        REQUEST_LOG.setLevel(Level.WARNING);
        BLOCKED_THREAD_LOG.setLevel(Level.SEVERE);
    }

    private final KubernetesCrudDispatcher dispatcher = new KubernetesCrudDispatcher(List.of(
            CustomResourceDefinitionContext.fromCustomResourceType(ClusterNetwork.class),
            CustomResourceDefinitionContext.fromCustomResourceType(VlanConfig.class),
            CustomResourceDefinitionContext.fromCustomResourceType(VlanStatus.class),
            CustomResourceDefinitionContext.fromCustomResourceType(NetworkAttachmentDefinition.class)));
    private final InetAddress address;
    private final List<Request> requests = new ArrayList<>();
    private KubernetesMockServer server;
    private int port;

    public MockApiServer(InetAddress address, int port) {
        this.address = address;
        this.port = port;
    }

    /** On 127.0.0.1, a free port. */
    public static MockApiServer local() {
        return new MockApiServer(InetAddress.getLoopbackAddress(), 0).start();
    }

    public synchronized MockApiServer start() {
        if (server != null) {
            throw new IllegalStateException("already running");
        }
        server = new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(), dispatcher, false);
        server.start(address, port);
        port = server.getPort();
        return this;
    }

    /** Shuts the server down: every connection (watches too) is closed; the store stays for {@link #start()}. */
    public synchronized void stop() {
        if (server != null) {
            drainInto(requests);
            try {
                server.shutdown();
            } catch (IllegalStateException e) {
                // The mock waits 10 s for its connections to close; under emulation that is not enough, but the
                // close goes on: the server is down once its port refuses connections.
                awaitPortClosed(Duration.ofSeconds(180));
            }
            server = null;
        }
    }

    private void awaitPortClosed(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress(address, port), 1000);
            } catch (IOException refused) {
                return;
            }
            try {
                Thread.sleep(500);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
        throw new IllegalStateException("the mock API server on " + url() + " still accepts connections after " + timeout);
    }

    public boolean running() {
        return server != null;
    }

    public String url() {
        return "http://" + address.getHostAddress() + ":" + port;
    }

    /**
     * A client config for this server. Generous timeouts and no retries: in the TCG lab the first requests of a JVM
     * take tens of seconds, and a create retried after a timeout would fail as a conflict with itself.
     */
    public Config config() {
        return new ConfigBuilder(Config.empty()).withMasterUrl(url()).withNamespace("default")
                .withRequestTimeout(180_000).withConnectionTimeout(60_000).withRequestRetryBackoffLimit(0).build();
    }

    /** A client for the test itself, whose requests carry the User-Agent {@value #TEST_USER_AGENT}. */
    public KubernetesClient client() {
        Config c = config();
        c.setUserAgent(TEST_USER_AGENT);
        return new KubernetesClientBuilder().withConfig(c).withHttpClientFactory(new JdkHttpClientFactory()).build();
    }

    /** A kubeconfig naming this server (no credentials: the mock asks for none). */
    public Path writeKubeconfig(Path file) throws IOException {
        Files.writeString(file, """
                apiVersion: v1
                kind: Config
                clusters:
                - name: mock
                  cluster: {server: "%s"}
                users:
                - name: vmnetd
                  user: {}
                contexts:
                - name: mock
                  context: {cluster: mock, user: vmnetd}
                current-context: mock
                """.formatted(url()));
        return file;
    }

    /** Every request seen since the last call (across restarts), in order. */
    public synchronized List<Request> takeRequests() {
        drainInto(requests);
        List<Request> out = List.copyOf(requests);
        requests.clear();
        return out;
    }

    private void drainInto(List<Request> out) {
        if (server == null) {
            return;
        }
        try {
            RecordedRequest r;
            while ((r = server.takeRequest(1, TimeUnit.MILLISECONDS)) != null) {
                out.add(new Request(r.getMethod(), r.getPath(), String.valueOf(r.getHeader("User-Agent"))));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        stop();
    }
}
