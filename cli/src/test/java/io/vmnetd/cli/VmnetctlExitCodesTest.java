package io.vmnetd.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Each failure gets its own exit status and one line on stderr; answers come from a fake daemon on a real socket. */
class VmnetctlExitCodesTest {
    @TempDir
    Path dir;

    private FakeDaemon daemon;

    record Run(int code, String out, String err) {}

    @BeforeEach
    void start() throws IOException {
        daemon = new FakeDaemon(dir);
    }

    @AfterEach
    void stop() throws IOException {
        daemon.close();
    }

    private Run run(String... args) {
        List<String> all = new ArrayList<>(List.of("--socket", daemon.socket.toString()));
        all.addAll(List.of(args));
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Vmnetctl.run(all.toArray(String[]::new), new PrintWriter(out, true), new PrintWriter(err, true));
        return new Run(code, out.toString(), err.toString());
    }

    private void answer(int status, String body) {
        daemon.answer = r -> new FakeDaemon.Answer(status, body);
    }

    @Test
    void readyStatusIsZeroAndNotReadyIsSix() {
        answer(200, "{\"version\":\"1.2\",\"uptimeSeconds\":5,\"ready\":true,\"driftRepairs\":0,\"errors\":[]}");
        Run ok = run("status");
        assertThat(ok.code()).isZero();
        assertThat(ok.out()).contains("version:         1.2").contains("ready:           yes");
        assertThat(daemon.requests).extracting(FakeDaemon.Request::path).containsExactly("/v1/status");

        answer(200, "{\"version\":\"1.2\",\"uptimeSeconds\":5,\"ready\":false}");
        Run notReady = run("status");
        assertThat(notReady.code()).isEqualTo(6);
        assertThat(notReady.out()).contains("ready:           no");
        assertThat(notReady.err()).isEqualTo("vmnetctl: vmnetd is not ready: its first reconcile has not succeeded yet\n");

        answer(503, "{\"ready\":false,\"error\":\"still starting\"}");
        assertThat(run("networks")).isEqualTo(new Run(6, "", "vmnetctl: vmnetd is not ready: still starting\n"));
    }

    @Test
    void refusedByTheDaemonIsFive() {
        answer(403, "{\"error\":\"uid 1000 is neither root nor in group vmnet\"}");
        assertThat(run("ports")).isEqualTo(new Run(5, "", "vmnetctl: vmnetd refused: uid 1000 is neither root nor in group vmnet\n"));
    }

    @Test
    void unknownNetworkIsEight() {
        answer(404, "{\"error\":\"no network named \\\"x\\\" in the running config\"}");
        Run r = run("check", "x");
        assertThat(r.code()).isEqualTo(8);
        assertThat(r.err()).isEqualTo("vmnetctl: no network named \"x\" in the running config\n");
        assertThat(daemon.requests.get(0)).isEqualTo(new FakeDaemon.Request("POST", "/v1/networks/x/check", ""));
    }

    @Test
    void checkThatLeavesProblemsIsOne() {
        answer(200, "{\"network\":\"vlan100\",\"clusterNetwork\":\"data\",\"applied\":[\"data: set VLANs of data-bo: add 100\"],"
                + "\"problems\":[\"data: cannot: NIC eth9 does not exist\"],\"errors\":[],\"result\":\"error\"}");
        Run r = run("check", "vlan100");
        assertThat(r.code()).isEqualTo(1);
        assertThat(r.out()).isEqualTo(""
                + "network:   vlan100 (on cluster network data)\n"
                + "result:    error\n"
                + "repaired:  data: set VLANs of data-bo: add 100\n"
                + "problems:  data: cannot: NIC eth9 does not exist\n"
                + "errors:    none\n");
        assertThat(r.err()).isEqualTo("vmnetctl: vmnetd is not as declared; see the problems and errors above\n"
                .replace("vmnetd is", "vlan100 is"));
    }

    @Test
    void badConfigFileIsSevenWithFileLineColumnPerProblem() throws IOException {
        Path file = Files.writeString(dir.resolve("new.yaml"), "vmNetworks: []\n");
        answer(400, "{\"error\":\"out of range\",\"field\":\"vmNetworks[0].vlan\",\"problems\":["
                + "{\"source\":\"request body\",\"line\":3,\"column\":9,\"field\":\"vmNetworks[0].vlan\",\"message\":\"out of range: 5000; allowed: 1..4094\"},"
                + "{\"source\":\"request body\",\"line\":0,\"column\":0,\"field\":\"\",\"message\":\"whole document\"}]}");
        Run r = run("apply", "-f", file.toString(), "--dry-run");
        assertThat(r.code()).isEqualTo(7);
        assertThat(r.err()).isEqualTo("vmnetctl: " + file + ":3:9: vmNetworks[0].vlan: out of range: 5000; allowed: 1..4094\n"
                + "vmnetctl: " + file + ": whole document\n");
        assertThat(daemon.requests.get(0)).isEqualTo(new FakeDaemon.Request("POST", "/v1/config?dryRun=true", "vmNetworks: []\n"));

        Run missing = run("apply", "-f", dir.resolve("nope.yaml").toString());
        assertThat(missing.code()).isEqualTo(7);
        assertThat(missing.err()).isEqualTo("vmnetctl: " + dir.resolve("nope.yaml") + ": no such file\n");
    }

    @Test
    void dryRunShowsTheDiffAndAppliedChangesAreListed() throws IOException {
        Path file = Files.writeString(dir.resolve("new.yaml"), "{}\n");
        answer(200, "{\"dryRun\":true,\"plan\":[\"data: create bridge data-br (vlan_filtering 1)\",\"data: cannot: NIC eth9 does not exist\"]}");
        Run dry = run("apply", "-f", file.toString(), "--dry-run");
        assertThat(dry.code()).isZero();
        assertThat(dry.out()).isEqualTo("data:\n  + create bridge data-br (vlan_filtering 1)\n  ! NIC eth9 does not exist\n");

        answer(200, "{\"dryRun\":false,\"result\":\"error\",\"applied\":[\"data: set mtu 9000 on data-br\"],"
                + "\"problems\":[],\"errors\":[\"data: EBUSY\"],\"restartNeeded\":[\"socket\"]}");
        Run applied = run("apply", "-f", file.toString());
        assertThat(applied.code()).isEqualTo(1);
        assertThat(applied.out()).isEqualTo("applied " + file + ":\ndata:\n  ~ set mtu 9000 on data-br\nerror: data: EBUSY\n"
                + "takes effect at the next restart of vmnetd: socket\n");
    }

    @Test
    void internalErrorOfTheDaemonIsNine() {
        answer(500, "{\"error\":\"NullPointerException\"}");
        assertThat(run("links")).isEqualTo(new Run(9, "", "vmnetctl: vmnetd answered 500: NullPointerException\n"));
        answer(200, "not json");
        assertThat(run("links").code()).isEqualTo(9);
    }

    @Test
    void noAnswerInTimeIsNine() {
        daemon.answer = r -> null;
        long start = System.nanoTime();
        Run r = run("--timeout", "1", "status");
        assertThat(r.code()).isEqualTo(9);
        assertThat(r.err()).contains("no answer within 1 s");
        assertThat((System.nanoTime() - start) / 1_000_000).isLessThan(4000);
    }

    @Test
    void missingSocketIsFourAndStaleSocketIsThree() throws IOException {
        Path missing = dir.resolve("none.sock");
        StringWriter err = new StringWriter();
        int code = Vmnetctl.run(new String[] {"--socket", missing.toString(), "status"}, new PrintWriter(new StringWriter()),
                new PrintWriter(err, true));
        assertThat(code).isEqualTo(4);
        assertThat(err.toString()).startsWith("vmnetctl: no vmnetd socket at " + missing + ": vmnetd is not running");

        Path stale = dir.resolve("stale.sock");
        try (ServerSocketChannel s = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            s.bind(UnixDomainSocketAddress.of(stale));
        }
        err = new StringWriter();
        code = Vmnetctl.run(new String[] {"--socket", stale.toString(), "status"}, new PrintWriter(new StringWriter()),
                new PrintWriter(err, true));
        assertThat(code).isEqualTo(3);
        assertThat(err.toString()).startsWith("vmnetctl: vmnetd is not running: nothing accepts connections on " + stale);
    }

    @Test
    void usageErrorsAreTwo() {
        assertThat(run("frobnicate").code()).isEqualTo(2);
        assertThat(run("check").err()).isEqualTo("vmnetctl: Missing required parameter: 'NETWORK' (see vmnetctl check --help)\n");
        assertThat(run("-o", "xml", "status").code()).isEqualTo(2);
        assertThat(run("--timeout", "0", "status").code()).isEqualTo(2);
        assertThat(daemon.requests).isEmpty();
    }

    @Test
    void globalOptionsWorkBeforeAndAfterTheCommand() {
        answer(200, "[]");
        assertThat(run("-o", "json", "ports").out()).isEqualTo("[]\n");
        assertThat(run("ports", "-o", "yaml").out()).isEqualTo("[]\n");
        assertThat(run("ports", "--no-headers").out()).isEmpty();
        assertThat(run("ports").out()).startsWith("CONTAINER   IFNAME");
    }

    @Test
    void versionPrintsTheClientEvenWithoutADaemon() {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Vmnetctl.run(new String[] {"--socket", dir.resolve("none.sock").toString(), "version"},
                new PrintWriter(out, true), new PrintWriter(err, true));
        assertThat(code).isEqualTo(4);
        assertThat(out.toString()).isEqualTo("client: dev\n");
        answer(200, "{\"version\":\"9.9\"}");
        assertThat(run("version", "-o", "json").out()).isEqualTo("{\n  \"client\": \"dev\",\n  \"daemon\": \"9.9\"\n}\n");
    }
}
