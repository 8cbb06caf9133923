package io.vmnetd.daemon.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.vmnetd.daemon.config.HostPort;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The TCP metrics listener's own limits: no body, a connection cap, a shared scrape off the API's workers. */
@Timeout(60)
class MetricsListenerTest {

    @TempDir
    Path dir;

    private final FakeDaemonApi api = new FakeDaemonApi();
    private ApiServer server;
    private Path socket;
    private InetSocketAddress metrics;

    @BeforeEach
    void start() throws Exception {
        int port;
        try (ServerSocket free = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = free.getLocalPort();
        }
        socket = dir.resolve("vmnetd.sock");
        server = ApiServer.start(socket, "root", api, ApiServerOptions.defaults()
                .withMetricsListen(Optional.of(new HostPort("127.0.0.1", port))));
        metrics = server.metricsAddress().orElseThrow();
    }

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    void takesNoBodyAndOnlyGet() throws Exception {
        assertThat(exchange("GET /metrics HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n\r\n0123456789"))
                .startsWith("HTTP/1.1 413 ").contains("this listener takes no request body");
        assertThat(exchange("GET /metrics HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n"))
                .startsWith("HTTP/1.1 400 ").contains("this listener takes no request body");
        assertThat(exchange("POST /metrics HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n\r\n{}"))
                .startsWith("HTTP/1.1 405 ").containsIgnoringCase("Allow: GET");
        assertThat(exchange("GET /metrics HTTP/1.1\r\nHost: x\r\nX-Pad: " + "a".repeat(8000) + "\r\n\r\n"))
                .startsWith("HTTP/1.1 400 ");
        // One request per connection: the second is never read.
        assertThat(exchange("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\nGET /healthz HTTP/1.1\r\nHost: x\r\n\r\n"))
                .startsWith("HTTP/1.1 200 ").containsOnlyOnce("HTTP/1.1").contains("connection: close");
        assertThat(api.cniCalls).hasValue(0);
    }

    @Test
    void connectionsOverTheCapAreClosedAtOnce() throws Exception {
        List<Socket> held = new ArrayList<>();
        try {
            for (int i = 0; i < ApiLimits.DEFAULT_METRICS_MAX_CONNECTIONS; i++) {
                held.add(new Socket(metrics.getAddress(), metrics.getPort()));
            }
            Thread.sleep(200); // let the event loop accept them all
            try (Socket surplus = new Socket(metrics.getAddress(), metrics.getPort())) {
                surplus.setSoTimeout(2000);
                assertThat(surplus.getInputStream().read()).as("the surplus connection is closed").isEqualTo(-1);
            }
            assertThat(UnixHttpClient.get(socket, "/v1/status").status()).isEqualTo(200);
        } finally {
            for (Socket s : held) {
                s.close();
            }
        }
        Thread.sleep(200);
        assertThat(exchange("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")).startsWith("HTTP/1.1 200 ");
    }

    @Test
    void scrapesAreSharedAndNeverHoldApiWorkers() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        AtomicInteger scrapes = new AtomicInteger();
        api.metricsText = "up 1\n";
        api.metricsHook = () -> {
            scrapes.incrementAndGet();
            await(release);
        };
        int clients = 20;
        ExecutorService pool = Executors.newFixedThreadPool(clients);
        try {
            List<Future<String>> answers = new ArrayList<>();
            for (int i = 0; i < clients; i++) {
                answers.add(pool.submit(() -> exchange("GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n")));
            }
            Thread.sleep(300);
            // Twenty scrapes waiting: the API's own endpoints still answer.
            assertThat(UnixHttpClient.get(socket, "/v1/status").status()).isEqualTo(200);
            release.countDown();
            for (Future<String> answer : answers) {
                assertThat(answer.get(10, TimeUnit.SECONDS)).startsWith("HTTP/1.1 200 ").endsWith("up 1\n");
            }
            assertThat(scrapes).as("scrapes for %d clients within a second", clients).hasValue(1);
        } finally {
            release.countDown();
            pool.shutdownNow();
        }
    }

    @Test
    void theSocketsMetricsAreNeverStale() throws Exception {
        api.metricsText = "up 1\n";
        assertThat(UnixHttpClient.get(socket, "/metrics").body()).isEqualTo("up 1\n");
        assertThat(exchange("GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n")).endsWith("up 1\n");
        api.metricsText = "up 2\n";
        // Root's tools see what they just changed; the TCP listener may lag by up to a second.
        assertThat(UnixHttpClient.get(socket, "/metrics").body()).isEqualTo("up 2\n");
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await(20, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private String exchange(String request) throws IOException {
        try (Socket s = new Socket(metrics.getAddress(), metrics.getPort())) {
            s.setSoTimeout(5000);
            s.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
            s.getOutputStream().flush();
            InputStream in = s.getInputStream();
            try {
                return new String(in.readAllBytes(), StandardCharsets.UTF_8);
            } catch (SocketTimeoutException e) {
                return "(no answer, connection left open)";
            }
        }
    }
}
