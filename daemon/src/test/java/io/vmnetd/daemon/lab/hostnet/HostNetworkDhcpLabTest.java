package io.vmnetd.daemon.lab.hostnet;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.vmnetd.daemon.testing.DaemonUnderTest;
import io.vmnetd.daemon.testing.LabTopology;
import io.vmnetd.daemon.testing.SwitchHost;
import io.vmnetd.daemon.testing.UnixHttp;
import io.vmnetd.netlink.testing.LabTest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * A DHCP host network against dnsmasq on VLAN 200 of the lab's switch: data-br.200 gets a lease from the range
 * (address, and the route through the lease's router), shown in /v1/networks; the lease is renewed at T1 (20 s
 * here); a restart keeps the address (never deleted) and asks for it again; removing the entry releases it (dnsmasq's lease file forgets it) and deletes the interface. The client
 * uses UDP sockets only: none of this JVM's sockets is a packet socket.
 */
@LabTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class HostNetworkDhcpLabTest {
    static final String MIGRATION = HostNetworkStaticLabTest.DATA + """
            hostNetworks:
              - {name: migration, clusterNetwork: data, vlan: 200, mode: dhcp, routes: [10.30.0.0/16]}
            """;

    private LabTopology lab;
    private SwitchHost server;
    private Dnsmasq dnsmasq;
    private DaemonUnderTest daemon;

    @BeforeAll
    void start() throws IOException {
        lab = LabTopology.withNics("eth1", "eth2");
        SwitchHost.trunkAll(lab, "eth1");
        SwitchHost.trunkAll(lab, "eth2");
        server = SwitchHost.attach(lab, "dhcp200", 200, "10.0.200.1/24");
        server.ns().ip("addr", "add", "10.30.0.1/32", "dev", "eth0");
        dnsmasq = Dnsmasq.start(server.ns(), List.of("--dhcp-range=10.0.200.50,10.0.200.60,255.255.255.0,2m",
                "--dhcp-option=option:router,10.0.200.1", "--dhcp-option=option:T1,20",
                "--dhcp-option=option:T2,40"));
        daemon = DaemonUnderTest.create(MIGRATION).startInProcess();
    }

    @AfterAll
    void stop() {
        try {
            if (dnsmasq != null) {
                System.out.println("dnsmasq log:\n" + dnsmasq.log());
            }
        } finally {
            lab.closeAfter(daemon, dnsmasq, server);
        }
    }

    @Test
    @Order(1)
    void aLeaseFromTheServerAddressesTheInterfaceAndRoutesThroughItsRouter() {
        assertThat(HostReader.await(60_000, () -> HostReader.routes().stream()
                .anyMatch(r -> r.equals("10.30.0.0/16 via 10.0.200.1 dev data-br.200 proto static"))))
                .as("route through the lease's router; dnsmasq: %s", dnsmasq.log()).isTrue();
        List<String> addresses = HostReader.addresses("data-br.200");
        assertThat(addresses).hasSize(1);
        String address = addresses.get(0);
        assertThat(address).startsWith("10.0.200.").endsWith("/24");
        String ip = address.substring(0, address.indexOf('/'));
        int last = Integer.parseInt(ip.substring(ip.lastIndexOf('.') + 1));
        assertThat(last).as("inside the dnsmasq range").isBetween(50, 60);
        assertThat(dnsmasq.leases()).anyMatch(l -> l.contains(" " + ip + " "));
        assertThat(HostReader.bridgeVlans("data-br")).contains("200");
        assertThat(HostReader.ping("10.0.200.1")).isTrue();
        assertThat(HostReader.ping("10.30.0.1")).as("through the route").isTrue();

        JsonNode lease = hostNetwork().path("lease");
        assertThat(hostNetwork().path("mode").asText()).isEqualTo("dhcp");
        assertThat(lease.path("address").asText()).isEqualTo(address);
        assertThat(lease.path("router").asText()).isEqualTo("10.0.200.1");
        assertThat(lease.path("server").asText()).isEqualTo("10.0.200.1");

        assertThat(packetSocketsOfThisProcess()).as("AF_PACKET sockets of the JVM").isEmpty();
    }

    @Test
    @Order(2)
    void theLeaseIsRenewedAtT1() {
        String boundAt = hostNetwork().path("lease").path("boundAt").asText();
        String address = hostNetwork().path("lease").path("address").asText();
        assertThat(boundAt).isNotEmpty();

        // Sampled all along, so that the renewal's own socket is looked at too.
        Set<String> packetSockets = new HashSet<>();
        assertThat(HostReader.await(45_000, () -> {
            packetSockets.addAll(packetSocketsOfThisProcess());
            return !hostNetwork().path("lease").path("boundAt").asText().equals(boundAt);
        })).as("renewed within T1 (20 s); dnsmasq: %s", dnsmasq.log()).isTrue();
        assertThat(packetSockets).as("AF_PACKET sockets of the JVM while renewing").isEmpty();
        assertThat(hostNetwork().path("lease").path("address").asText()).isEqualTo(address);
        assertThat(HostReader.addresses("data-br.200")).containsExactly(address);
        assertThat(dnsmasq.log()).contains("DHCPREQUEST(eth0) " + address.substring(0, address.indexOf('/')));
    }

    @Test
    @Order(3)
    void aRestartKeepsTheAddressAndAsksForItAgain() throws Exception {
        String boundAt = hostNetwork().path("lease").path("boundAt").asText();
        String address = hostNetwork().path("lease").path("address").asText();
        String ip = address.substring(0, address.indexOf('/'));
        Path monitored = Files.createTempFile("ip-monitor-", ".txt");
        Process monitor = new ProcessBuilder("ip", "-o", "monitor", "address").redirectErrorStream(true)
                .redirectOutput(monitored.toFile()).start();
        try {
            Thread.sleep(300); // the monitor subscribed
            daemon.restart();
            assertThat(HostReader.await(60_000, () -> hostNetwork().path("lease").path("boundAt").asText().length() > 0
                    && !hostNetwork().path("lease").path("boundAt").asText().equals(boundAt)))
                    .as("a lease after the restart; dnsmasq: %s", dnsmasq.log()).isTrue();
        } finally {
            monitor.destroy();
            monitor.waitFor();
        }
        assertThat(hostNetwork().path("lease").path("address").asText()).isEqualTo(address);
        assertThat(HostReader.addresses("data-br.200")).containsExactly(address);
        assertThat(Files.readAllLines(monitored)).as("address events across the restart")
                .noneMatch(l -> l.startsWith("Deleted") && l.contains("data-br.200"));
        assertThat(dnsmasq.log()).as("the held address asked for").contains("DHCPDISCOVER(eth0) " + ip + " ");
    }

    @Test
    @Order(4)
    void removingTheEntryReleasesTheLeaseAndDeletesTheInterface() {
        String address = hostNetwork().path("lease").path("address").asText();
        String ip = address.substring(0, address.indexOf('/'));

        UnixHttp.Response r = daemon.postConfig(HostNetworkStaticLabTest.DATA);
        assertThat(r.status()).as(r.body()).isEqualTo(200);

        assertThat(HostReader.link("data-br.200")).isNull();
        assertThat(HostReader.bridgeVlans("data-br")).doesNotContain("200");
        assertThat(HostReader.routes()).noneMatch(x -> x.contains("10.30.0.0") || x.contains("10.0.200."));
        assertThat(HostReader.await(10_000, () -> dnsmasq.leases().stream().noneMatch(l -> l.contains(" " + ip + " "))))
                .as("released: %s", dnsmasq.log()).isTrue();
        assertThat(dnsmasq.log()).contains("DHCPRELEASE(eth0) " + ip);
    }

    private JsonNode hostNetwork() {
        for (JsonNode n : daemon.get("/v1/networks").json()) {
            for (JsonNode h : n.path("hostNetworks")) {
                if (h.path("name").asText().equals("migration")) {
                    return h;
                }
            }
        }
        throw new AssertionError("no host network migration in /v1/networks");
    }

    /** Inodes of this process's sockets that /proc/net/packet lists (AF_PACKET sockets). */
    private static Set<String> packetSocketsOfThisProcess() {
        try {
            return packetSockets();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static Set<String> packetSockets() throws IOException {
        Set<String> packet = new HashSet<>();
        List<String> lines = Files.readAllLines(Path.of("/proc/net/packet"));
        for (String line : lines.subList(1, lines.size())) {
            String[] f = line.trim().split("\\s+");
            packet.add(f[f.length - 1]);
        }
        Set<String> mine = new HashSet<>();
        try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
            for (Path fd : fds.toList()) {
                try {
                    String target = Files.readSymbolicLink(fd).toString();
                    if (target.startsWith("socket:[")) {
                        mine.add(target.substring(8, target.length() - 1));
                    }
                } catch (IOException gone) {
                    // closed meanwhile
                }
            }
        }
        mine.retainAll(packet);
        return mine;
    }
}
