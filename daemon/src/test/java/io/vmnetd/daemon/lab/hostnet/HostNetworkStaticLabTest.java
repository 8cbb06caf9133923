package io.vmnetd.daemon.lab.hostnet;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.vmnetd.daemon.testing.DaemonUnderTest;
import io.vmnetd.daemon.testing.KernelState;
import io.vmnetd.daemon.testing.LabTopology;
import io.vmnetd.daemon.testing.SwitchHost;
import io.vmnetd.daemon.testing.UnixHttp;
import io.vmnetd.netlink.testing.LabTest;
import io.vmnetd.netlink.testing.Shell;
import java.nio.file.Files;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * A static host network on the data bridge, against iproute2 and a host on the switch: data-br.100 is made on data-br
 * with the bridge itself a tagged member of VLAN 100, at the network's MTU, with its address and route (the switch
 * host, the gateway, answers pings to its address and to one behind the route); a flushed address and a deleted
 * interface come back; a refused config changes nothing; removing the entry removes exactly what was made.
 */
@LabTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class HostNetworkStaticLabTest {
    static final String DATA = """
            clusterNetworks:
              - name: data
                mtu: 9000
                uplink:
                  nics: [eth1, eth2]
                  bond: {mode: active-backup, miimon: 100}
            """;
    static final String STORAGE = DATA + """
            hostNetworks:
              - name: storage
                clusterNetwork: data
                vlan: 100
                mode: static
                address: 10.0.100.5/24
                gateway: 10.0.100.1
                routes: [10.20.0.0/16]
            """;

    private LabTopology lab;
    private SwitchHost gateway;
    private DaemonUnderTest daemon;

    @BeforeAll
    void start() {
        lab = LabTopology.withNics("eth1", "eth2");
        SwitchHost.trunkAll(lab, "eth1");
        SwitchHost.trunkAll(lab, "eth2");
        gateway = SwitchHost.attach(lab, "gw100", 100, "10.0.100.1/24");
        // An address behind the gateway, reached only through the host network's route.
        gateway.ns().ip("addr", "add", "10.20.0.1/32", "dev", "eth0");
        // A short resync: an address change raises no link event, the periodic pass repairs it.
        daemon = DaemonUnderTest.create(STORAGE).resyncSeconds(5).startInProcess();
    }

    @AfterAll
    void stop() {
        lab.closeAfter(daemon, gateway);
    }

    @Test
    @Order(1)
    void theInterfaceIsMadeOnTheBridgeWithItsAddressAndRouteAndReachesTheGateway() {
        JsonNode link = HostReader.link("data-br.100");
        assertThat(link).as("ip -d link show data-br.100").isNotNull();
        assertThat(link.path("linkinfo").path("info_kind").asText()).isEqualTo("vlan");
        assertThat(link.path("linkinfo").path("info_data").path("id").asInt()).isEqualTo(100);
        assertThat(link.path("linkinfo").path("info_data").path("protocol").asText()).isEqualTo("802.1Q");
        assertThat(link.path("link").asText()).as("its lower link").isEqualTo("data-br");
        assertThat(link.path("mtu").asInt()).isEqualTo(9000);
        assertThat(KernelState.host().isUp("data-br.100")).isTrue();
        // The bridge takes VID 100 tagged for its own port (self); a bridge vmnetd makes has no other VLAN of its
        // own (default PVID 0).
        assertThat(HostReader.bridgeVlans("data-br")).as("data-br's own VLANs").containsExactly("100");
        assertThat(HostReader.bridgeVlans("data-bo")).as("the uplink carries VID 100").contains("100");
        assertThat(HostReader.addresses("data-br.100")).containsExactly("10.0.100.5/24");
        assertThat(HostReader.routes()).contains("10.20.0.0/16 via 10.0.100.1 dev data-br.100 proto static",
                "10.0.100.0/24 dev data-br.100 proto kernel");

        assertThat(HostReader.ping("10.0.100.1")).as("ping the gateway on VLAN 100").isTrue();
        assertThat(HostReader.ping("10.20.0.1")).as("ping through the route").isTrue();
        JsonNode networks = daemon.get("/v1/networks").json();
        assertThat(networks.toString()).contains("data-br.100");
    }

    @Test
    @Order(2)
    void aFlushedAddressComesBackWithTheRouteTheKernelTookWithIt() {
        double repairsBefore = daemon.metrics().sum("vmnetd_drift_repairs_total", "kind", "host_address");
        Shell.check("ip", "addr", "flush", "dev", "data-br.100");
        // The flush itself is not read back: a resync (every 5 s here) may repair it before any reader could look.
        // That the address was gone and put back is the repair vmnetd counts.

        assertThat(HostReader.await(20_000, () -> HostReader.routes()
                .contains("10.20.0.0/16 via 10.0.100.1 dev data-br.100 proto static"))).as("route back").isTrue();
        assertThat(HostReader.addresses("data-br.100")).containsExactly("10.0.100.5/24");
        assertThat(daemon.metrics().sum("vmnetd_drift_repairs_total", "kind", "host_address"))
                .as("the flushed address was repaired").isGreaterThan(repairsBefore);
        assertThat(HostReader.ping("10.20.0.1")).isTrue();
    }

    @Test
    @Order(3)
    void aDeletedInterfaceIsMadeAgain() {
        Shell.check("ip", "link", "del", "data-br.100");

        assertThat(HostReader.await(20_000, () -> HostReader.routes()
                .contains("10.20.0.0/16 via 10.0.100.1 dev data-br.100 proto static"))).as("route back").isTrue();
        assertThat(HostReader.link("data-br.100").path("mtu").asInt()).isEqualTo(9000);
        assertThat(HostReader.addresses("data-br.100")).containsExactly("10.0.100.5/24");
        assertThat(HostReader.ping("10.0.100.1")).isTrue();
    }

    @Test
    @Order(4)
    void aRefusedConfigChangesNothing() throws Exception {
        String before = nodeDump();
        String registry = Files.readString(daemon.stateDir().resolve("networks.json"));

        // A second host interface on VLAN 100, this time a new one too: the whole config is refused.
        UnixHttp.Response r = daemon.postConfig(STORAGE + """
                  - {name: backup, clusterNetwork: data, vlan: 100, mode: dhcp}
                  - {name: other, clusterNetwork: data, vlan: 300, mode: static, address: 10.0.30.5/24}
                """);

        assertThat(r.status()).as(r.body()).isEqualTo(400);
        assertThat(r.body()).contains("hostNetworks[1]");
        assertThat(nodeDump()).isEqualTo(before);
        assertThat(Files.readString(daemon.stateDir().resolve("networks.json"))).isEqualTo(registry);
    }

    @Test
    @Order(5)
    void removingTheEntryRemovesExactlyWhatWasMade() {
        UnixHttp.Response r = daemon.postConfig(DATA);
        assertThat(r.status()).as(r.body()).isEqualTo(200);

        assertThat(HostReader.link("data-br.100")).as("data-br.100").isNull();
        assertThat(HostReader.bridgeVlans("data-br")).as("data-br's own VLANs").isEmpty();
        assertThat(HostReader.bridgeVlans("data-bo")).doesNotContain("100");
        assertThat(HostReader.routes()).noneMatch(x -> x.contains("10.20.0.0") || x.contains("10.0.100."));
        assertThat(KernelState.host().isUp("data-br")).isTrue();
        assertThat(HostReader.ping("10.0.100.1")).isFalse();
    }

    /**
     * Links, bridge VLANs, IPv4 addresses and routes as iproute2 prints them. IPv6 is left out: the kernel's own
     * link-local addresses settle (DAD) on their own time; so is the operational state (a VLAN link's follows its
     * bridge's carrier a moment later, by the kernel's linkwatch).
     */
    private static String nodeDump() {
        return String.join("\n", List.of(KernelState.host().canonicalDump(),
                Shell.check("ip", "-4", "-j", "addr").replaceAll("\"operstate\":\"[A-Z]+\",", ""),
                Shell.check("ip", "-4", "-j", "route", "show", "table", "all")));
    }
}
