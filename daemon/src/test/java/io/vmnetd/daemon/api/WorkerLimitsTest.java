package io.vmnetd.daemon.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.vmnetd.daemon.cni.CniReply;
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
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The worker pools at their default sizes: CNI calls that fill every worker and the whole queue get a CNI "busy"
 * error at once (not a hang), and neither pool can starve the other.
 */
@Timeout(60)
class WorkerLimitsTest {

    private static final int CNI_CAPACITY = ApiLimits.DEFAULT_CNI_WORKERS + ApiLimits.DEFAULT_CNI_QUEUE;

    @TempDir
    Path dir;

    private final FakeDaemonApi api = new FakeDaemonApi();
    private final CountDownLatch release = new CountDownLatch(1);
    private ApiServer server;
    private Path socket;
    private ExecutorService clients;

    @BeforeEach
    void start() throws Exception {
        socket = dir.resolve("vmnetd.sock");
        server = ApiServer.start(socket, "root", api, ApiServerOptions.defaults().withRequestTimeout(Duration.ofSeconds(30)));
        clients = Executors.newCachedThreadPool();
    }

    @AfterEach
    void stop() {
        release.countDown();
        server.close();
        clients.shutdownNow();
    }

    @Test
    void fullCniQueueAnswersBusyAtOnceAndTheRestOfTheApiStillAnswers() throws Exception {
        AtomicInteger running = new AtomicInteger();
        api.cni = (body, caller) -> {
            running.incrementAndGet();
            await(release);
            return new CniReply(0, "{}", Optional.empty(), false);
        };
        List<Future<UnixHttpClient.Response>> held = fill(CNI_CAPACITY, () -> UnixHttpClient.post(socket, "/v1/cni",
                cniRequest("ADD", "1.0.0")));
        awaitValue(running, ApiLimits.DEFAULT_CNI_WORKERS);

        UnixHttpClient.Response busy = firstAnswered(() -> UnixHttpClient.post(socket, "/v1/cni",
                cniRequest("ADD", "0.4.0")), held);
        assertThat(busy.status()).isEqualTo(200);
        assertThat(busy.header("Vmnet-Exit-Code")).isEqualTo("1");
        assertThat(busy.body()).startsWith("{\"cniVersion\":\"0.4.0\",\"code\":11,\"msg\":\"vmnetd is busy; try again "
                + "later\",\"details\":\"every CNI worker is taken and the queue is full (16 calls running and 128 "
                + "waiting)\"}");

        UnixHttpClient.Response del = UnixHttpClient.post(socket, "/v1/cni", cniRequest("DEL", "1.0.0"));
        assertThat(del.status()).as("a busy DEL is waited out by the shim, then treated as done").isEqualTo(503);
        assertThat(del.header("Retry-After")).isEqualTo("1");

        assertThat(UnixHttpClient.get(socket, "/v1/status").status()).isEqualTo(200);
        assertThat(running).hasValue(ApiLimits.DEFAULT_CNI_WORKERS);

        release.countDown();
        assertThat(served(held)).as("calls served: every worker and every place in the queue").isEqualTo(CNI_CAPACITY);
        assertThat(UnixHttpClient.post(socket, "/v1/cni", cniRequest("ADD", "1.0.0")).header("Vmnet-Exit-Code"))
                .isEqualTo("0");
    }

    @Test
    void fullApiQueueIs503WithRetryAfterAndCniStillWorks() throws Exception {
        AtomicInteger running = new AtomicInteger();
        api.status = () -> {
            running.incrementAndGet();
            await(release);
            return "slow";
        };
        List<Future<UnixHttpClient.Response>> held = fill(ApiLimits.DEFAULT_API_WORKERS + ApiLimits.DEFAULT_API_QUEUE,
                () -> UnixHttpClient.get(socket, "/v1/status"));
        awaitValue(running, ApiLimits.DEFAULT_API_WORKERS);

        UnixHttpClient.Response busy = firstAnswered(() -> UnixHttpClient.get(socket, "/v1/networks"), held);
        assertThat(busy.status()).isEqualTo(503);
        assertThat(busy.header("Retry-After")).isEqualTo("1");
        assertThat(busy.body()).isEqualTo("{\"error\":\"vmnetd is busy (4 calls running and 64 waiting); try again\"}");
        UnixHttpClient.Response cni = UnixHttpClient.post(socket, "/v1/cni", cniRequest("ADD", "1.0.0"));
        assertThat(cni.status()).isEqualTo(200);
        assertThat(cni.header("Vmnet-Exit-Code")).isEqualTo("0");

        release.countDown();
        assertThat(served(held)).isEqualTo(ApiLimits.DEFAULT_API_WORKERS + ApiLimits.DEFAULT_API_QUEUE);
    }

    @Test
    void bodiesBeyondTheSharedBudgetAre503BeforeTheyAreRead() throws Exception {
        int mib = ApiLimits.MAX_BODY_BYTES;
        int fit = (int) (ApiLimits.DEFAULT_BODY_BUDGET_BYTES / mib);
        byte[] head = ("POST /v1/config HTTP/1.1\r\nHost: x\r\nContent-Length: " + mib + "\r\n\r\n")
                .getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        List<java.nio.channels.SocketChannel> held = new ArrayList<>();
        try {
            for (int i = 0; i < fit; i++) {
                java.nio.channels.SocketChannel channel = UnixHttpClient.connect(socket);
                UnixHttpClient.write(channel, head); // announces 1 MiB, sends none of it
                held.add(channel);
            }
            Thread.sleep(300);
            List<UnixHttpClient.Response> refused = UnixHttpClient.exchange(socket, head);
            assertThat(refused).singleElement().satisfies(response -> {
                assertThat(response.status()).isEqualTo(503);
                assertThat(response.header("Retry-After")).isEqualTo("1");
                assertThat(response.body()).contains("bytes of request bodies, its limit");
            });
            assertThat(UnixHttpClient.get(socket, "/v1/status").status()).isEqualTo(200);
        } finally {
            for (java.nio.channels.SocketChannel channel : held) {
                channel.close();
            }
        }
        Thread.sleep(300); // the closed connections give their share back
        assertThat(UnixHttpClient.post(socket, "/v1/config", "a: 1").status()).isEqualTo(200);
    }

    /**
     * How many of {@code calls} were served (200, with a CNI exit code 0 where there is one); the others must have
     * been told "busy" (which ones depends on the order in which they arrived).
     */
    private static int served(List<Future<UnixHttpClient.Response>> calls) throws Exception {
        int served = 0;
        for (Future<UnixHttpClient.Response> call : calls) {
            UnixHttpClient.Response response = call.get(20, TimeUnit.SECONDS);
            boolean busy = response.status() == 503 || "1".equals(response.header("Vmnet-Exit-Code"));
            assertThat(response.status() == 200 && !busy || busy).as(response.body()).isTrue();
            served += busy ? 0 : 1;
        }
        return served;
    }

    /**
     * The first answer to {@code call} that comes at once (within 2 s). Until the queue is full (its last places may
     * still be on their way on a loaded machine) a call is queued instead: it joins {@code held} and is tried again.
     */
    private UnixHttpClient.Response firstAnswered(java.util.concurrent.Callable<UnixHttpClient.Response> call,
            List<Future<UnixHttpClient.Response>> held) throws Exception {
        for (int attempt = 0; attempt < 50; attempt++) {
            Future<UnixHttpClient.Response> answer = clients.submit(call);
            try {
                return answer.get(2, TimeUnit.SECONDS);
            } catch (java.util.concurrent.TimeoutException e) {
                held.add(answer);
            }
        }
        throw new AssertionError("no call was answered at once: the queue never filled");
    }

    private List<Future<UnixHttpClient.Response>> fill(int count,
            java.util.concurrent.Callable<UnixHttpClient.Response> call) {
        List<Future<UnixHttpClient.Response>> futures = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            futures.add(clients.submit(call));
        }
        return futures;
    }

    static String cniRequest(String command, String cniVersion) {
        return "{\"command\":\"" + command + "\",\"containerId\":\"c1\",\"config\":\"{\\\"cniVersion\\\":\\\""
                + cniVersion + "\\\",\\\"name\\\":\\\"n\\\",\\\"type\\\":\\\"vmnet\\\"}\"}";
    }

    private static void awaitValue(AtomicInteger value, int expected) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (value.get() < expected && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertThat(value).hasValue(expected);
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
