package io.vmnetd.daemon.lab;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.vmnetd.daemon.testing.DaemonUnderTest;
import io.vmnetd.daemon.testing.KernelState;
import io.vmnetd.daemon.testing.LabTopology;
import io.vmnetd.netlink.testing.LabTest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * vmnetd as a real process, killed with SIGKILL while a config change is being reconciled: after a restart the
 * kernel converges to the saved config, the state files parse, and nothing exists twice. A second daemon on the
 * same socket refuses to start. One daemon process serves the class: each JVM start costs ~20 s under TCG.
 */
@LabTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class CrashRecoveryLabTest {
    private static final String WITH_STORAGE = NodeConfigs.DATA + NodeConfigs.STORAGE + """
            vmNetworks:
              - {name: vlan100, clusterNetwork: data, type: L2VlanNetwork, vlan: 100}
              - {name: trunk, clusterNetwork: data, type: L2VlanTrunkNetwork, trunk: [{min: 300, max: 310}, {id: 42}]}
              - {name: vlan200, clusterNetwork: storage, type: L2VlanNetwork, vlan: 200}
            """;
    private static final String WITHOUT_STORAGE = NodeConfigs.DATA_ONLY;

    private final KernelState kernel = KernelState.host();
    private LabTopology lab;
    private DaemonUnderTest daemon;

    @BeforeAll
    void start() {
        lab = LabTopology.withNics("eth1", "eth2", "eth3", "eth4");
        daemon = DaemonUnderTest.create(WITHOUT_STORAGE).startProcess();
    }

    @AfterAll
    void stop() {
        lab.closeAfter(daemon);
    }

    @Test
    @Order(1)
    void killedDuringReconcilesItConvergesAfterARestart() throws Exception {
        assertThat(ExpectedNetwork.DATA.differences(kernel.snapshot())).isEmpty();

        // Each round switches storage on or off and kills the daemon at a different point of that reconcile:
        // while building storage, while taking it down, and at a fixed delay after the POST.
        List<String> rounds = new ArrayList<>();
        String[] killPoints = {"when storage-bo appears", "when storage-br goes", "150 ms"};
        boolean withStorage = false;
        for (String killPoint : killPoints) {
            withStorage = !withStorage;
            String target = withStorage ? WITH_STORAGE : WITHOUT_STORAGE;
            // A kill before the previous POST was saved leaves storage as it was: then there is nothing to await.
            boolean change = kernel.exists("storage-br") != withStorage;
            CompletableFuture<Void> post = CompletableFuture.runAsync(() -> {
                try {
                    daemon.http().post("/v1/config", daemon.yaml(target));
                } catch (IOException e) {
                    // the connection dies with the daemon
                }
            });
            killAt(killPoint, change);
            daemon.kill9();
            post.get(30, TimeUnit.SECONDS);
            boolean saved = Files.exists(daemon.overlayFile())
                    && Files.readString(daemon.overlayFile()).contains("name: storage");
            rounds.add(killPoint + ": config " + (saved ? "with" : "without") + " storage saved; kernel had "
                    + String.join(",", kernel.linksOfKind("bond")));

            daemon.startProcess();
            assertConverged(saved, killPoint);
        }
        System.out.println("kill -9 rounds: " + rounds);
    }

    @Test
    @Order(2)
    void aSecondDaemonOnTheSameSocketRefusesToStart() throws Exception {
        String logBefore = daemon.log();

        Process second = daemon.launch();
        assertThat(second.waitFor(180, TimeUnit.SECONDS)).as("the second daemon exits").isTrue();
        assertThat(second.exitValue()).as("exit status of the second daemon").isNotZero();
        String secondOutput = daemon.log().substring(logBefore.length());
        assertThat(secondOutput).contains("another vmnetd already serves " + daemon.socket());

        // The first one still serves, and the kernel is as it was.
        assertThat(daemon.get("/readyz").status()).isEqualTo(200);
        assertThat(ExpectedNetwork.DATA.differences(kernel.snapshot())).isEmpty();
    }

    private void killAt(String point, boolean changeExpected) {
        if (!changeExpected && point.startsWith("when")) {
            return;
        }
        switch (point) {
            case "150 ms" -> StartupConvergenceLabTest.sleep(150);
            case "when storage-bo appears" -> awaitLink("storage-bo", true);
            case "when storage-br goes" -> awaitLink("storage-br", false);
            default -> throw new IllegalArgumentException(point);
        }
    }

    private void awaitLink(String name, boolean present) {
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (kernel.exists(name) != present) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError(name + (present ? " never appeared" : " never went") + "\n" + daemon.log());
            }
            StartupConvergenceLabTest.sleep(5);
        }
    }

    private void assertConverged(boolean withStorage, String killPoint) throws IOException {
        KernelState k = kernel.snapshot();
        assertThat(ExpectedNetwork.DATA.differences(k)).as("data after a kill %s", killPoint).isEmpty();
        if (withStorage) {
            assertThat(ExpectedNetwork.STORAGE.differences(k)).as("storage after a kill %s", killPoint).isEmpty();
        } else {
            assertThat(ExpectedNetwork.STORAGE.absentDifferences(k)).as("storage gone after a kill %s", killPoint)
                    .isEmpty();
        }
        // Nothing twice: exactly the declared bridges and bonds (each NIC's single master is checked above).
        assertThat(k.linksOfKind("bridge")).containsExactlyInAnyOrderElementsOf(
                withStorage ? List.of("data-br", "storage-br") : List.of("data-br"));
        assertThat(k.linksOfKind("bond")).containsExactlyInAnyOrderElementsOf(
                withStorage ? List.of("data-bo", "storage-bo") : List.of("data-bo"));
        // The state files parse, and the registry knows exactly what exists.
        ObjectMapper json = new ObjectMapper();
        Path registry = daemon.stateDir().resolve("networks.json");
        assertThat(json.readTree(registry.toFile()).path("managed").has("storage")).as("networks.json lists storage")
                .isEqualTo(withStorage);
        try (Stream<Path> files = Files.list(daemon.stateDir().resolve("attachments"))) {
            for (Path f : files.toList()) {
                assertThat(f.getFileName().toString()).endsWith(".json");
                json.readTree(f.toFile());
            }
        }
        assertThat(daemon.status().path("lastReconcile").path("result").asText()).isEqualTo("ok");
    }
}
