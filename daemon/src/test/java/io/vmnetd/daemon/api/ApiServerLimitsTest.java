package io.vmnetd.daemon.api;

import io.vmnetd.daemon.cni.CniReply;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** What protects the daemon from clients: body limit, slow clients, and many at once. */
@Timeout(30)
class ApiServerLimitsTest {

    private static final Duration REQUEST_TIMEOUT = Duration.ofMillis(300);

    @TempDir
    Path dir;

    private final FakeDaemonApi api = new FakeDaemonApi();
    private ApiServer server;
    private Path socket;

    @BeforeEach
    void start() throws Exception {
        socket = dir.resolve("vmnetd.sock");
        server = ApiServer.start(socket, "root", api, ApiServerOptions.defaults().withRequestTimeout(REQUEST_TIMEOUT));
    }

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    void bodyOverOneMebibyteIs413AndClosed() throws Exception {
        byte[] body = new byte[BoundedBodyAggregator.MAX_BODY_BYTES + 1];
        List<UnixHttpClient.Response> responses =
                UnixHttpClient.exchange(socket, UnixHttpClient.requestBytes("POST", "/v1/config", body, false));
        assertThat(responses).hasSize(1);
        assertThat(responses.get(0).status()).isEqualTo(413);
        assertThat(responses.get(0).body()).isEqualTo("{\"error\":\"request body exceeds 1048576 bytes\",\"field\":\"body\"}");
        assertThat(api.cniCalls).hasValue(0);
    }

    @Test
    void bodyOfExactlyOneMebibyteIsAccepted() throws Exception {
        byte[] body = new byte[BoundedBodyAggregator.MAX_BODY_BYTES];
        java.util.Arrays.fill(body, (byte) 'a');
        UnixHttpClient.Response response = UnixHttpClient.request(socket, "POST", "/v1/config", body);
        assertThat(response.status()).isEqualTo(200);
        assertThat(response.body()).contains("\"bytes\":1048576");
    }

    @Test
    void silentClientIsCutOff() throws Exception {
        try (SocketChannel channel = UnixHttpClient.connect(socket)) {
            long start = System.nanoTime();
            byte[] received = UnixHttpClient.readToEnd(channel);
            long elapsedMillis = (System.nanoTime() - start) / 1_000_000;
            assertThat(received).isEmpty();
            assertThat(elapsedMillis).isBetween(REQUEST_TIMEOUT.toMillis() - 50, 5_000L);
        }
    }

    @Test
    void halfRequestGets408AndIsCutOff() throws Exception {
        try (SocketChannel channel = UnixHttpClient.connect(socket)) {
            UnixHttpClient.write(channel, "POST /v1/cni HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n\r\nabc"
                    .getBytes(StandardCharsets.US_ASCII));
            List<UnixHttpClient.Response> responses = UnixHttpClient.parseAll(UnixHttpClient.readToEnd(channel));
            assertThat(responses).singleElement().satisfies(response -> {
                assertThat(response.status()).isEqualTo(408);
                assertThat(response.body()).isEqualTo("{\"error\":\"request not received within 300 ms\"}");
            });
        }
        assertThat(api.cniCalls).hasValue(0);
    }

    @Test
    void slowHandlerIsNotCutOffByTheRequestTimeout() throws Exception {
        api.cni = (body, caller) -> {
            ApiServerEndpointsTest.sleep(3 * REQUEST_TIMEOUT.toMillis());
            return new CniReply(0, "{}", Optional.empty(), false);
        };
        assertThat(UnixHttpClient.post(socket, "/v1/cni", "{}").status()).isEqualTo(200);
    }

    @Test
    void idleKeptAliveConnectionIsClosedAfterItsResponse() throws Exception {
        try (SocketChannel channel = UnixHttpClient.connect(socket)) {
            UnixHttpClient.write(channel, UnixHttpClient.requestBytes("GET", "/healthz", null, false));
            List<UnixHttpClient.Response> responses = UnixHttpClient.parseAll(UnixHttpClient.readToEnd(channel));
            assertThat(responses).singleElement().extracting(UnixHttpClient.Response::status).isEqualTo(200);
        }
    }

    @Test
    void fiftyConcurrentSlowCniCallsDoNotQueueBehindEachOther() throws Exception {
        int clients = 50;
        long cniMillis = 200;
        CountDownLatch allInFlight = new CountDownLatch(ApiLimits.DEFAULT_CNI_WORKERS);
        api.cni = (body, caller) -> {
            allInFlight.countDown();
            ApiServerEndpointsTest.sleep(cniMillis);
            return new CniReply(0, new String(body, StandardCharsets.UTF_8), Optional.empty(), false);
        };
        ExecutorService pool = Executors.newFixedThreadPool(clients);
        try {
            long start = System.nanoTime();
            List<Future<UnixHttpClient.Response>> futures = new ArrayList<>();
            for (int i = 0; i < clients; i++) {
                String body = "{\"n\":" + i + "}";
                futures.add(pool.submit(() -> UnixHttpClient.post(socket, "/v1/cni", body)));
            }
            assertThat(allInFlight.await(5, TimeUnit.SECONDS)).isTrue();
            long healthStart = System.nanoTime();
            assertThat(UnixHttpClient.get(socket, "/healthz").status()).isEqualTo(200);
            assertThat(Duration.ofNanos(System.nanoTime() - healthStart)).isLessThan(Duration.ofMillis(cniMillis));
            for (int i = 0; i < clients; i++) {
                UnixHttpClient.Response response = futures.get(i).get(10, TimeUnit.SECONDS);
                assertThat(response.status()).isEqualTo(200);
                assertThat(response.body()).isEqualTo("{\"n\":" + i + "}");
            }
            Duration elapsed = Duration.ofNanos(System.nanoTime() - start);
            // 16 workers: about 4 rounds of 200 ms, against 10 s if calls were served one by one.
            assertThat(elapsed).isLessThan(Duration.ofMillis(clients * cniMillis / 4));
            assertThat(api.cniCalls).hasValue(clients);
        } finally {
            pool.shutdownNow();
        }
    }
}
