package io.vmnetd.daemon.api;

import io.vmnetd.daemon.cni.CniReply;
import static org.assertj.core.api.Assertions.assertThat;

import io.vmnetd.daemon.config.ConfigException;
import io.vmnetd.daemon.config.ConfigProblem;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(30)
class ApiServerEndpointsTest {

    @TempDir
    Path dir;

    private final FakeDaemonApi api = new FakeDaemonApi();
    private ApiServer server;
    private Path socket;

    @BeforeEach
    void start() throws Exception {
        socket = dir.resolve("vmnetd.sock");
        server = ApiServer.start(socket, "root", api,
                ApiServerOptions.defaults().withRequestTimeout(Duration.ofMillis(300)));
    }

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    void healthzAnswersOk() throws Exception {
        UnixHttpClient.Response response = UnixHttpClient.get(socket, "/healthz");
        assertThat(response.status()).isEqualTo(200);
        assertThat(response.header("Content-Type")).isEqualTo("application/json");
        assertThat(response.body()).isEqualTo("{\"status\":\"ok\"}");
    }

    @Test
    void readyzFollowsTheCore() throws Exception {
        assertThat(UnixHttpClient.get(socket, "/readyz").body()).isEqualTo("{\"ready\":true}");
        api.ready = false;
        UnixHttpClient.Response response = UnixHttpClient.get(socket, "/readyz");
        assertThat(response.status()).isEqualTo(503);
        assertThat(response.body()).startsWith("{\"ready\":false,\"error\":");
    }

    @Test
    void readEndpointsSerialiseRecordsOptionalsAndPaths() throws Exception {
        record Network(String name, Optional<Integer> vlan, Optional<String> bridge, Path stateFile) {}
        api.networks = () -> List.of(new Network("vm-a", Optional.of(100), Optional.empty(), Path.of("/var/lib/x")));
        UnixHttpClient.Response response = UnixHttpClient.get(socket, "/v1/networks");
        assertThat(response.status()).isEqualTo(200);
        assertThat(response.body())
                .isEqualTo("[{\"name\":\"vm-a\",\"vlan\":100,\"bridge\":null,\"stateFile\":\"/var/lib/x\"}]");
        assertThat(UnixHttpClient.get(socket, "/v1/status").body()).isEqualTo("{\"phase\":\"running\"}");
        assertThat(UnixHttpClient.get(socket, "/v1/ports").body()).isEqualTo("[{\"name\":\"vm1-eth0\"}]");
        assertThat(UnixHttpClient.get(socket, "/v1/links").body()).isEqualTo("[]");
    }

    @Test
    void metricsIsPrometheusText() throws Exception {
        UnixHttpClient.Response response = UnixHttpClient.get(socket, "/metrics");
        assertThat(response.status()).isEqualTo(200);
        assertThat(response.header("Content-Type")).startsWith("text/plain; version=0.0.4");
        assertThat(response.body()).isEqualTo(api.metricsText);
    }

    @Test
    void networkCheckTakesTheNameFromThePath() throws Exception {
        UnixHttpClient.Response known = UnixHttpClient.post(socket, "/v1/networks/data/check", "");
        assertThat(known.status()).isEqualTo(200);
        assertThat(known.body()).contains("\"network\":\"data\"");
        UnixHttpClient.Response unknown = UnixHttpClient.post(socket, "/v1/networks/nope/check", "");
        assertThat(unknown.status()).isEqualTo(404);
        assertThat(unknown.body()).contains("no network named \\\"nope\\\"").contains("\"field\":\"network\"");
        assertThat(UnixHttpClient.get(socket, "/v1/networks/data/check").status()).isEqualTo(405);
        assertThat(UnixHttpClient.post(socket, "/v1/networks//check", "").status()).isEqualTo(404);
        assertThat(UnixHttpClient.post(socket, "/v1/networks/data/check/more", "").status()).isEqualTo(404);
    }

    @Test
    void configPassesYamlAndDryRun() throws Exception {
        api.config = (yaml, dryRun) -> Map.of("yaml", yaml, "dryRun", dryRun);
        assertThat(UnixHttpClient.post(socket, "/v1/config?dryRun=true", "logLevel: debug\n").body())
                .contains("\"yaml\":\"logLevel: debug\\n\"").contains("\"dryRun\":true");
        assertThat(UnixHttpClient.post(socket, "/v1/config", "{}").body()).contains("\"dryRun\":false");
    }

    @Test
    void configRejectionListsEveryProblem() throws Exception {
        api.config = (yaml, dryRun) -> {
            throw new ConfigException("request body", List.of(
                    new ConfigProblem("request body", 3, 9, "vmNetworks[0].vlan", "4095 is out of range; allowed: 1..4094"),
                    new ConfigProblem("request body", 7, 3, "socketGroup", "must not be empty")));
        };
        UnixHttpClient.Response response = UnixHttpClient.post(socket, "/v1/config", "vmNetworks: []");
        assertThat(response.status()).isEqualTo(400);
        assertThat(response.body()).isEqualTo("{\"error\":\"4095 is out of range; allowed: 1..4094\","
                + "\"field\":\"vmNetworks[0].vlan\",\"problems\":["
                + "{\"source\":\"request body\",\"line\":3,\"column\":9,\"field\":\"vmNetworks[0].vlan\","
                + "\"message\":\"4095 is out of range; allowed: 1..4094\"},"
                + "{\"source\":\"request body\",\"line\":7,\"column\":3,\"field\":\"socketGroup\","
                + "\"message\":\"must not be empty\"}]}");
    }

    @Test
    void configBadRequestsNameTheField() throws Exception {
        UnixHttpClient.Response badFlag = UnixHttpClient.post(socket, "/v1/config?dryRun=perhaps", "{}");
        assertThat(badFlag.status()).isEqualTo(400);
        assertThat(badFlag.body()).isEqualTo("{\"error\":\"dryRun must be true or false, not \\\"perhaps\\\"\","
                + "\"field\":\"dryRun\"}");
        UnixHttpClient.Response empty = UnixHttpClient.post(socket, "/v1/config", "");
        assertThat(empty.status()).isEqualTo(400);
        assertThat(empty.body()).contains("\"field\":\"body\"");
        UnixHttpClient.Response notUtf8 = UnixHttpClient.request(socket, "POST", "/v1/config", new byte[] {(byte) 0xff});
        assertThat(notUtf8.status()).isEqualTo(400);
        assertThat(notUtf8.body()).contains("not valid UTF-8");
    }

    @Test
    void cniReplyBecomesShimHeadersAndVerbatimBody() throws Exception {
        String stdout = "{\"cniVersion\":\"1.1.0\",\"code\":7,\"msg\":\"caf\u00e9\"}";
        api.cni = (body, caller) -> new CniReply(1, stdout, Optional.of("first warning\nsecond caf\u00e9"), false);
        String request = "{\"command\":\"ADD\",\"containerId\":\"abc\"}";
        UnixHttpClient.Response response = UnixHttpClient.post(socket, "/v1/cni", request);
        assertThat(response.status()).isEqualTo(200);
        assertThat(response.header("Vmnet-Exit-Code")).isEqualTo("1");
        assertThat(response.header("Content-Type")).isEqualTo("application/json");
        assertThat(response.headerValues("Vmnet-Warning")).hasSize(2).first().isEqualTo("first warning");
        // Header bytes are UTF-8 on the wire; the test client read them as Latin-1.
        assertThat(new String(response.headerValues("Vmnet-Warning").get(1).getBytes(StandardCharsets.ISO_8859_1),
                StandardCharsets.UTF_8)).isEqualTo("second caf\u00e9");
        assertThat(response.body()).isEqualTo(stdout);
        assertThat(new String(api.lastCniBody, StandardCharsets.UTF_8)).isEqualTo(request);
    }

    @Test
    void cniCallerIsThePeerProcess() throws Exception {
        UnixHttpClient.post(socket, "/v1/cni", "{}");
        assertThat(api.lastCaller).isEqualTo(new Caller((int) ProcessHandle.current().pid(), 0, 0));
    }

    @Test
    void cniNotReadyIs503WithRetryAfter() throws Exception {
        api.cni = (body, caller) -> new CniReply(1, "{\"msg\":\"starting\"}", Optional.empty(), true);
        UnixHttpClient.Response response = UnixHttpClient.post(socket, "/v1/cni", "{}");
        assertThat(response.status()).isEqualTo(503);
        assertThat(response.header("Retry-After")).isEqualTo("1");
        assertThat(response.header("Vmnet-Exit-Code")).isNull();
        assertThat(response.body()).isEqualTo("{\"msg\":\"starting\"}");
    }

    @Test
    void unknownPathIs404() throws Exception {
        UnixHttpClient.Response response = UnixHttpClient.get(socket, "/x");
        assertThat(response.status()).isEqualTo(404);
        assertThat(response.body()).isEqualTo("{\"error\":\"no such endpoint: GET /x\"}");
    }

    @Test
    void wrongMethodIs405WithAllow() throws Exception {
        UnixHttpClient.Response response = UnixHttpClient.get(socket, "/v1/cni");
        assertThat(response.status()).isEqualTo(405);
        assertThat(response.header("Allow")).isEqualTo("POST");
        assertThat(response.body()).contains("GET is not allowed on /v1/cni");
    }

    @Test
    void unexpectedExceptionIs500AndTheServerCarriesOn() throws Exception {
        api.status = () -> {
            throw new IllegalStateException("state store is corrupt");
        };
        UnixHttpClient.Response response = UnixHttpClient.get(socket, "/v1/status");
        assertThat(response.status()).isEqualTo(500);
        assertThat(response.body()).isEqualTo("{\"error\":\"state store is corrupt\"}");
        assertThat(UnixHttpClient.get(socket, "/healthz").status()).isEqualTo(200);
    }

    @Test
    void badRequestExceptionFromTheCoreIs400() throws Exception {
        api.cni = (body, caller) -> {
            throw new BadRequestException("unknown command FOO", "command");
        };
        UnixHttpClient.Response response = UnixHttpClient.post(socket, "/v1/cni", "{}");
        assertThat(response.status()).isEqualTo(400);
        assertThat(response.body()).isEqualTo("{\"error\":\"unknown command FOO\",\"field\":\"command\"}");
    }

    @Test
    void malformedRequestIs400() throws Exception {
        List<UnixHttpClient.Response> responses =
                UnixHttpClient.exchange(socket, "BLAH\u0001 / HTTP/9\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
        assertThat(responses).singleElement().extracting(UnixHttpClient.Response::status).isEqualTo(400);
    }

    @Test
    void keptAliveConnectionAnswersPipelinedRequestsInOrder() throws Exception {
        api.status = () -> {
            sleep(100); // the slower first answer must still come first
            return "slow";
        };
        byte[] first = UnixHttpClient.requestBytes("GET", "/v1/status", null, false);
        byte[] second = UnixHttpClient.requestBytes("GET", "/healthz", null, true);
        byte[] both = new byte[first.length + second.length];
        System.arraycopy(first, 0, both, 0, first.length);
        System.arraycopy(second, 0, both, first.length, second.length);
        List<UnixHttpClient.Response> responses = UnixHttpClient.exchange(socket, both);
        assertThat(responses).extracting(UnixHttpClient.Response::body).containsExactly("\"slow\"", "{\"status\":\"ok\"}");
    }

    static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
