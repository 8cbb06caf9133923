package io.vmnetd.daemon.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Floods from the issue, against the API server in a JVM of its own with 128 MiB of heap and 32 MiB of direct
 * memory: thousands of connections with 1 MiB bodies to the metrics port, and from a non-root socket-group member
 * (nobody, group nogroup, run under setpriv) to the Unix socket. Throughout, root's GET /v1/status must answer and
 * 50 parallel CNI calls must all succeed; afterwards the server must be alive, never have thrown OutOfMemoryError
 * and hold no more descriptors than before. How fast root is served under flood is for scripts/bench.
 */
@Timeout(180)
class ApiFloodTest {

    private static final int NOBODY = 65534;
    private static final int NOGROUP = 65534;
    private static final int MIB = 1024 * 1024;

    @TempDir
    Path dir;

    private FloodTargetProcess target;

    @BeforeEach
    void start() throws Exception {
        assumeTrue(new String(new ProcessBuilder("id", "-u").start().getInputStream().readAllBytes()).trim()
                .equals("0"), "needs root (setpriv to nobody)");
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/setpriv")) && Files.isExecutable(Path.of("/usr/bin/python3")),
                "needs util-linux setpriv and /usr/bin/python3");
        target = FloodTargetProcess.start(dir, "nogroup", 20);
    }

    @AfterEach
    void stop() throws Exception {
        if (target != null) {
            target.close();
        }
    }

    @Test
    void metricsPortFloodLeavesRootServedWithoutOomOrLeak() throws Exception {
        int before = warmedUp();
        try (Floods.Flood flood = Floods.tcp(target.metrics(), 2000, MIB)) {
            awaitOpened(flood, 4000);
            rootIsServed();
            assertThat(flood.opened()).as("connections the flood opened").isGreaterThan(4000);
        }
        afterTheFlood(before);
        assertThat(metricsHealthz()).as("GET /healthz on the metrics port after its flood").isEqualTo(200);
    }

    @Test
    void unixSocketFloodByAGroupMemberLeavesRootServedWithoutOomOrLeak() throws Exception {
        int before = warmedUp();
        try (Floods.Flood flood = Floods.unixAs(NOBODY, NOGROUP, target.socket(), 3000, MIB)) {
            awaitOpened(flood, 4000);
            rootIsServed();
            assertThat(flood.opened()).as("connections the flood opened").isGreaterThan(4000);
        }
        afterTheFlood(before);
    }

    private void rootIsServed() throws Exception {
        for (int round = 0; round < 3; round++) {
            List<RootClient.Call> statuses = RootClient.statuses(target.socket(), 20);
            assertThat(statuses).allSatisfy(call -> assertThat(call.status()).as(call.body()).isEqualTo(200));
            List<RootClient.Call> cni = RootClient.parallelCni(target.socket(), 50);
            assertThat(cni).allSatisfy(call -> {
                assertThat(call.status()).as(call.body()).isEqualTo(200);
                assertThat(call.body()).isEqualTo("{\"cniVersion\":\"1.1.0\"}");
            });
        }
        assertThat(target.alive()).isTrue();
    }

    /**
     * The descriptors once the server has served a few of each kind of client: what the first requests open once
     * (a loop's lazily made resources, a scrape) is not a leak of the flood, and was seen to differ by one or two.
     */
    private int warmedUp() throws Exception {
        try (Floods.Flood warm = Floods.tcp(target.metrics(), 8, 0)) {
            awaitOpened(warm, 8);
        }
        rootIsServed();
        Thread.sleep(500);
        return target.openFiles();
    }

    /**
     * Once the flood's client has closed its sockets, the listener still holds the connections it had not yet
     * accepted (over a thousand on the metrics port): accepting, refusing or lingering over them opens descriptors for
     * a while, so a count below the bound means nothing until that queue is empty (a count taken in a gap of that
     * work, then one taken after it, failed this test about once in five runs). Past that, descriptors only close.
     */
    private void afterTheFlood(int before) throws Exception {
        long deadline = System.nanoTime() + 15_000_000_000L;
        while ((target.acceptQueue() > 0 || target.openFiles() > before + 2) && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }
        assertThat(target.acceptQueue()).as("connections waiting on its TCP listeners 15 s after the flood").isZero();
        assertThat(target.openFiles()).as("descriptors after the flood (before: %d), jars aside: %s", before,
                        target.describedDescriptors().stream().filter(d -> !d.endsWith(".jar")).toList())
                .isLessThanOrEqualTo(before + 2);
        assertThat(RootClient.statuses(target.socket(), 1).get(0).status()).isEqualTo(200);
        assertThat(target.output()).doesNotContain("OutOfMemoryError").doesNotContain("OutOfDirectMemoryError");
    }

    private int metricsHealthz() throws Exception {
        var connection = (java.net.HttpURLConnection) new java.net.URL("http://127.0.0.1:" + target.metrics().getPort()
                + "/healthz").openConnection();
        connection.setConnectTimeout(5000);
        connection.setReadTimeout(5000);
        try {
            return connection.getResponseCode();
        } finally {
            connection.disconnect();
        }
    }

    private static void awaitOpened(Floods.Flood flood, long connections) throws InterruptedException {
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (flood.opened() < connections && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
    }
}
