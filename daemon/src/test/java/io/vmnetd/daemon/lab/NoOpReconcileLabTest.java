package io.vmnetd.daemon.lab;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.vmnetd.daemon.testing.DaemonUnderTest;
import io.vmnetd.daemon.testing.KernelState;
import io.vmnetd.daemon.testing.LabTopology;
import io.vmnetd.daemon.testing.UnixHttp;
import io.vmnetd.netlink.testing.LabTest;
import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A node already as declared costs the kernel nothing: the same config applied again (POST, SIGHUP-style reload)
 * and the periodic full resync send not one netlink change message, as the daemon's own request counter shows,
 * and the kernel (read with iproute2) is byte for byte as before.
 */
@LabTest
class NoOpReconcileLabTest {
    private final KernelState kernel = KernelState.host();
    private LabTopology lab;
    private DaemonUnderTest daemon;

    @BeforeEach
    void wire() {
        lab = LabTopology.withNics(NodeConfigs.NICS);
        lab.createMgmt("eth5");
    }

    @AfterEach
    void unwire() {
        lab.closeAfter(daemon);
    }

    @Test
    void theSameConfigAgainAndAResyncChangeNothing() {
        daemon = DaemonUnderTest.create(NodeConfigs.FULL).resyncSeconds(5).startInProcess();
        Map<String, Double> changes = awaitQuiet();
        String dump = kernel.canonicalDump();

        UnixHttp.Response again = daemon.postConfig(NodeConfigs.FULL);
        assertThat(again.status()).as(again.body()).isEqualTo(200);
        assertThat(again.json().path("result").asText()).isEqualTo("ok");
        assertThat(again.json().path("applied")).as("applied by the second POST").isEmpty();
        assertThat(changeRequests()).as("netlink change requests after the same config again").isEqualTo(changes);

        daemon.daemon().reload();
        assertThat(changeRequests()).as("netlink change requests after a reload of the same file").isEqualTo(changes);

        // The periodic full resync (every 5 s here) finds nothing either.
        Instant mark = Instant.now();
        JsonNode resync = awaitReconcile("RESYNC", mark);
        assertThat(resync.path("applied")).as("applied by the resync").isEmpty();
        assertThat(resync.path("result").asText()).isEqualTo("ok");
        assertThat(changeRequests()).as("netlink change requests after a full resync").isEqualTo(changes);
        assertThat(daemon.status().path("driftRepairs").asLong()).isZero();

        assertThat(kernel.canonicalDump()).isEqualTo(dump);
    }

    @Test
    void aRestartOnAConvergedNodeChangesNothing() {
        daemon = DaemonUnderTest.create(NodeConfigs.FULL).startInProcess();
        awaitQuiet();
        String dump = kernel.canonicalDump();

        daemon.restart();
        assertThat(daemon.status().path("lastReconcile").path("applied")).as("applied at the second start").isEmpty();
        Map<String, Double> changes = awaitQuiet();
        assertThat(changes).as("change requests of the restarted daemon").isEmpty();
        assertThat(kernel.canonicalDump()).isEqualTo(dump);
    }

    /** Netlink requests that change something (every type but get*), by type, as /metrics counts them. */
    private Map<String, Double> changeRequests() {
        Map<String, Double> out = new TreeMap<>();
        daemon.metrics().byLabel("vmnetd_netlink_requests_total", "type").forEach((type, n) -> {
            if (!type.startsWith("get")) {
                out.put(type, n);
            }
        });
        return out;
    }

    /** Waits until the change counters have stood still for 2 s (the start's own link events are handled). */
    private Map<String, Double> awaitQuiet() {
        Map<String, Double> last = changeRequests();
        long stableSince = System.nanoTime();
        long deadline = stableSince + 60_000_000_000L;
        while (System.nanoTime() - stableSince < 2_000_000_000L) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("vmnetd keeps changing the kernel: " + last);
            }
            StartupConvergenceLabTest.sleep(200);
            Map<String, Double> now = changeRequests();
            if (!now.equals(last)) {
                last = now;
                stableSince = System.nanoTime();
            }
        }
        return last;
    }

    private JsonNode awaitReconcile(String reason, Instant after) {
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (System.nanoTime() < deadline) {
            JsonNode last = daemon.status().path("lastReconcile");
            if (last.path("reason").asText().equals(reason) && Instant.parse(last.path("at").asText()).isAfter(after)) {
                return last;
            }
            StartupConvergenceLabTest.sleep(200);
        }
        throw new AssertionError("no " + reason + " reconcile within 30 s: " + daemon.status());
    }
}
