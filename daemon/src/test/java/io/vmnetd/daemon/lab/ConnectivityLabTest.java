package io.vmnetd.daemon.lab;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.vmnetd.daemon.probe.ProbeIdentity;
import io.vmnetd.daemon.testing.DaemonUnderTest;
import io.vmnetd.daemon.testing.DhcpServer;
import io.vmnetd.daemon.testing.KernelState;
import io.vmnetd.daemon.testing.LabTopology;
import io.vmnetd.daemon.testing.SwitchHost;
import io.vmnetd.netlink.testing.LabTest;
import io.vmnetd.netlink.testing.Shell;
import io.vmnetd.netlink.testing.TestNetns;
import io.vmnetd.netlink.testing.VlanMembership;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.function.Predicate;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Connectivity checks against a simulated switch: its bridge "sw" routes VLAN 100 (sw.100, 10.0.100.1, with dnsmasq
 * serving DHCP there), VLAN 101 (sw.101, 10.0.101.1, no DHCP) and the native VLAN (sw itself, 10.0.1.1). The node's
 * cluster network "data" (eth1) is cabled to a switch port that trunks every VLAN; "other" (eth2) to one that carries
 * only the native VLAN, so VLAN 100 works from one uplink and not from the other. One daemon process serves the
 * class (its start costs ~20 s under TCG); at the end it is killed with SIGKILL in the middle of a check.
 */
@LabTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ConnectivityLabTest {
    private static final String NETWORKS = """
            connectivity: {intervalSeconds: 3600, timeoutSeconds: 10}
            clusterNetworks:
              - {name: data, uplink: {nics: [eth1]}}
              - {name: other, uplink: {nics: [eth2]}}
            vmNetworks:
              - {name: v100, clusterNetwork: data, type: L2VlanNetwork, vlan: 100, route: {mode: auto}}
              - {name: v100-other, clusterNetwork: other, type: L2VlanNetwork, vlan: 100, route: {mode: auto}}
              - {name: v200, clusterNetwork: data, type: L2VlanNetwork, vlan: 200, route: {mode: auto}}
              - name: v101
                clusterNetwork: data
                type: L2VlanNetwork
                vlan: 101
                route: {mode: manual, cidr: 10.0.101.0/24, gateway: 10.0.101.254}
              - name: native
                clusterNetwork: data
                type: UntaggedNetwork
                route: {mode: manual, cidr: 10.0.1.0/24, gateway: 10.0.1.1, ping: true, pingFrom: 10.0.1.200}
              - name: trunk
                clusterNetwork: data
                type: L2VlanTrunkNetwork
                trunk: [{min: 100, max: 110}]
                route: {mode: auto, vlan: 100}
              - {name: plain, clusterNetwork: data, type: UntaggedNetwork}
            """;
    private static final Duration FIRST_CHECKS = Duration.ofSeconds(120);
    private static final String LEFTOVER = ProbeIdentity.HOST_PREFIX + "-old";

    private final KernelState kernel = KernelState.host();
    private LabTopology lab;
    private DhcpServer dhcp;
    private DaemonUnderTest daemon;
    private Set<String> namespacesBefore;

    @BeforeAll
    void start() {
        lab = LabTopology.withNics("eth1", "eth2");
        SwitchHost.trunkAll(lab, "eth1");
        TestNetns sw = lab.switchNs();
        LabTopology.ipBatch(sw.name(), List.of(
                "link add link sw name sw.100 type vlan id 100", "addr add 10.0.100.1/24 dev sw.100",
                "link set sw.100 up",
                "link add link sw name sw.101 type vlan id 101", "addr add 10.0.101.1/24 dev sw.101",
                "link set sw.101 up",
                "addr add 10.0.1.1/24 dev sw"), false);
        Shell.check("bridge", "-n", sw.name(), "vlan", "add", "dev", "sw", "vid", "100", "self");
        Shell.check("bridge", "-n", sw.name(), "vlan", "add", "dev", "sw", "vid", "101", "self");
        namespacesBefore = netNamespaces();
        dhcp = DhcpServer.start(sw.name(), "sw.100", "10.0.100.50", "10.0.100.99", "255.255.255.0", "10.0.100.1");
        // What a daemon killed in the middle of a check might leave if its namespace outlived it.
        Shell.check("ip", "link", "add", LEFTOVER, "type", "veth", "peer", "name", LEFTOVER + "-p");
        daemon = DaemonUnderTest.create(NETWORKS).startProcess();
    }

    @AfterAll
    void stop() {
        try {
            lab.closeAfter(daemon, dhcp);
        } finally {
            if (namespacesBefore != null) {
                assertThat(netNamespaces()).as("network namespaces of all threads").isEqualTo(namespacesBefore);
            }
        }
    }

    @Test
    @Order(1)
    void everyRoutedNetworkGetsItsStateFromThisNode() {
        Map<String, JsonNode> c = awaitConnectivity(n -> !n.path("state").asText().equals("unknown"), FIRST_CHECKS);
        String switchMac = lab.switchNs().link("sw").get("address").asText();

        assertThat(c.get("v100").path("state").asText()).as(c.get("v100").toString()).isEqualTo("active");
        assertThat(c.get("v100").path("cidr").asText()).isEqualTo("10.0.100.0/24");
        assertThat(c.get("v100").path("gateway").asText()).isEqualTo("10.0.100.1");
        assertThat(c.get("v100").path("reason").asText()).contains("answered ARP from " + switchMac);
        assertThat(c.get("v100").path("durationMs").asLong()).isPositive();
        assertThat(Instant.parse(c.get("v100").path("checkedAt").asText())).isBefore(Instant.now());
        assertThat(c.get("trunk").path("state").asText()).as(c.get("trunk").toString()).isEqualTo("active");
        assertThat(c.get("trunk").path("cidr").asText()).isEqualTo("10.0.100.0/24");
        // The same VLAN through an uplink whose switch port does not carry it: no DHCP server is reachable.
        assertThat(c.get("v100-other").path("state").asText()).as(c.get("v100-other").toString())
                .isEqualTo("dhcp-failed");
        assertThat(c.get("v200").path("state").asText()).as(c.get("v200").toString()).isEqualTo("dhcp-failed");
        assertThat(c.get("v200").path("reason").asText()).startsWith("no DHCP OFFER on VLAN 200");
        assertThat(c.get("v101").path("state").asText()).as(c.get("v101").toString()).isEqualTo("inactive");
        assertThat(c.get("v101").path("gateway").asText()).isEqualTo("10.0.101.254");
        assertThat(c.get("native").path("state").asText()).as(c.get("native").toString()).isEqualTo("active");
        assertThat(c.get("native").path("reason").asText()).contains("ICMP echo from 10.0.1.200");
        assertThat(c.get("plain").path("state").asText()).isEqualTo("not-applicable");
        assertThat(c.get("plain").path("checkedAt").isNull()).isTrue();

        assertThat(dhcp.log()).contains("DHCPDISCOVER(sw.100)").doesNotContain("DHCPREQUEST");
        assertThat(dhcp.leases()).isBlank();
        assertThat(daemon.metrics().text())
                .contains("vmnetd_connectivity_state{network=\"v100\",state=\"active\"} 1.0")
                .contains("vmnetd_connectivity_state{network=\"v100-other\",state=\"dhcp-failed\"} 1.0")
                .contains("vmnetd_connectivity_check_duration_seconds_count{state=\"dhcp-failed\"}");
        // Probe ports come and go on data-br and other-br: nothing the reconciler takes for drift.
        assertThat(daemon.metrics().sum("vmnetd_drift_repairs_total")).isZero();
        assertThat(daemon.log()).doesNotContain("repaired drift");
    }

    @Test
    @Order(2)
    void theLeftoverWasRemovedAtStartAndNoCheckLeavesAPortOrANamespace() throws IOException {
        assertThat(kernel.exists(LEFTOVER)).isFalse();
        assertThat(kernel.exists(LEFTOVER + "-p")).isFalse();
        assertThat(kernel.snapshot().linkNames()).noneMatch(n -> n.startsWith(ProbeIdentity.HOST_PREFIX));
        long pid = daemon.process().pid();
        String own = Files.readSymbolicLink(Path.of("/proc/" + pid + "/ns/net")).toString();
        try (Stream<Path> fds = Files.list(Path.of("/proc/" + pid + "/fd"))) {
            assertThat(fds.map(ConnectivityLabTest::link)).as("namespace descriptors of the daemon")
                    .noneMatch(t -> t.startsWith("net:"));
        }
        try (Stream<Path> tasks = Files.list(Path.of("/proc/" + pid + "/task"))) {
            assertThat(tasks.map(t -> link(t.resolve("ns/net")))).as("namespaces of the daemon's threads")
                    .allMatch(ns -> ns.isEmpty() || ns.equals(own));
        }
        assertThat(Shell.check("ip", "netns", "list")).doesNotContain("probe");
    }

    @Test
    @Order(3)
    void aCheckNowReconcilesAndAnswersWithTheResult() {
        Instant before = Instant.now();

        JsonNode r = daemon.post("/v1/networks/v100/check", "").requireOk().json();

        assertThat(r.path("network").asText()).isEqualTo("v100");
        assertThat(r.path("clusterNetwork").asText()).isEqualTo("data");
        assertThat(r.path("result").asText()).isEqualTo("ok");
        assertThat(r.path("applied").size()).isZero();
        assertThat(r.path("connectivity").path("state").asText()).isEqualTo("active");
        assertThat(Instant.parse(r.path("connectivity").path("checkedAt").asText())).isAfter(before);
        assertThat(daemon.post("/v1/networks/nosuch/check", "").status()).isEqualTo(404);
    }

    @Test
    @Order(4)
    void anUplinkThatLosesItsCarrierIsCheckedAgainAndSoIsItsReturn() {
        Instant before = Instant.now();
        lab.switchNs().ip("link", "set", LabTopology.switchPortOf("eth1"), "down");

        Map<String, JsonNode> down = awaitConnectivity(n -> n.path("checkedAt").isTextual()
                && Instant.parse(n.path("checkedAt").asText()).isAfter(before), Set.of("v100"), Duration.ofSeconds(90));
        assertThat(down.get("v100").path("state").asText()).as(down.get("v100").toString()).isEqualTo("dhcp-failed");

        Instant back = Instant.now();
        lab.switchNs().ip("link", "set", LabTopology.switchPortOf("eth1"), "up");
        Map<String, JsonNode> up = awaitConnectivity(n -> n.path("checkedAt").isTextual()
                && Instant.parse(n.path("checkedAt").asText()).isAfter(back), Set.of("v100"), Duration.ofSeconds(90));
        assertThat(up.get("v100").path("state").asText()).as(up.get("v100").toString()).isEqualTo("active");
        // The other cluster network's networks were not checked again.
        assertThat(Instant.parse(up.get("v100-other").path("checkedAt").asText())).isBefore(before);
    }

    @Test
    @Order(5)
    void killedInTheMiddleOfACheckTheDaemonLeavesNothing() {
        String port = ProbeIdentity.hostName("v200");
        CompletableFuture<Void> check = CompletableFuture.runAsync(() -> {
            try {
                daemon.http().post("/v1/networks/v200/check", "");
            } catch (IOException e) {
                // the connection dies with the daemon
            }
        });
        // Seen by iproute2 while the check waits for an OFFER: an access port of VLAN 200 on data-br, at its MTU.
        VlanMembership access200 = VlanMembership.of("200", "200", 200);
        long until = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        KernelState seen = kernel.snapshot();
        while (!(seen.exists(port) && seen.bridgeVlans(port).equals(access200) && seen.isUp(port))
                && System.nanoTime() < until) {
            DaemonUnderTestSleep.sleep(20);
            seen = kernel.snapshot();
        }
        assertThat(seen.exists(port)).as("the probe port of v200 during its check").isTrue();
        assertThat(seen.bridgeVlans(port)).isEqualTo(access200);
        assertThat(seen.master(port)).contains("data-br");
        assertThat(seen.mtu(port)).isEqualTo(seen.mtu("data-br"));

        daemon.kill9();
        check.join();

        long gone = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (kernel.exists(port) && System.nanoTime() < gone) {
            DaemonUnderTestSleep.sleep(50);
        }
        assertThat(kernel.exists(port)).as("the probe port after kill -9").isFalse();
        assertThat(kernel.snapshot().linkNames()).noneMatch(n -> n.startsWith(ProbeIdentity.HOST_PREFIX));
    }

    /** GET /v1/networks until every VM network's connectivity (or those named) passes {@code done}. */
    private Map<String, JsonNode> awaitConnectivity(Predicate<JsonNode> done, Duration timeout) {
        return awaitConnectivity(done, null, timeout);
    }

    private Map<String, JsonNode> awaitConnectivity(Predicate<JsonNode> done, Set<String> only, Duration timeout) {
        long until = System.nanoTime() + timeout.toNanos();
        Map<String, JsonNode> last = Map.of();
        while (System.nanoTime() < until) {
            last = connectivity();
            boolean all = !last.isEmpty() && last.entrySet().stream()
                    .filter(e -> only == null || only.contains(e.getKey()))
                    .allMatch(e -> done.test(e.getValue()));
            if (all) {
                return last;
            }
            DaemonUnderTestSleep.sleep(500);
        }
        throw new AssertionError("connectivity not as awaited after " + timeout + ": " + last + "\n" + daemon.log());
    }

    private Map<String, JsonNode> connectivity() {
        Map<String, JsonNode> out = new HashMap<>();
        for (JsonNode cn : daemon.get("/v1/networks").requireOk().json()) {
            for (JsonNode vm : cn.path("vmNetworks")) {
                out.put(vm.path("name").asText(), vm.path("connectivity"));
            }
        }
        return out;
    }

    /** The network namespace of every thread of every process, as "net:[inode]". */
    private static Set<String> netNamespaces() {
        Set<String> out = new TreeSet<>();
        try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
            for (Path p : procs.filter(p -> p.getFileName().toString().chars().allMatch(Character::isDigit)).toList()) {
                try (Stream<Path> tasks = Files.list(p.resolve("task"))) {
                    tasks.map(t -> link(t.resolve("ns/net"))).filter(s -> !s.isEmpty()).forEach(out::add);
                } catch (IOException e) {
                    // the process ended meanwhile
                }
            }
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return out;
    }

    private static String link(Path p) {
        try {
            return Files.readSymbolicLink(p).toString();
        } catch (IOException e) {
            return "";
        }
    }

    /** DaemonUnderTest's sleep is package-private to the testing package. */
    private static final class DaemonUnderTestSleep {
        static void sleep(long millis) {
            try {
                Thread.sleep(millis);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
    }
}
