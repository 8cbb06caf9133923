package io.vmnetd.daemon.lab;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.vmnetd.daemon.testing.DaemonUnderTest;
import io.vmnetd.daemon.testing.KernelState;
import io.vmnetd.daemon.testing.LabTopology;
import io.vmnetd.daemon.testing.UnixHttp;
import io.vmnetd.netlink.testing.LabTest;
import io.vmnetd.netlink.testing.Shell;
import java.io.IOException;
import java.nio.file.Files;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A config with any problem is refused whole, before anything is touched: POST /v1/config answers 400 naming the
 * field, and the kernel (iproute2's full dump), the config file and networks.json are as they were. A reload of an
 * invalid file keeps the running config; a dry run plans and changes nothing.
 */
@LabTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class InvalidConfigLabTest {
    private static final String DATA = """
            clusterNetworks:
              - {name: data, mtu: 9000, uplink: {nics: [eth1, eth2]}}
            """;

    private final KernelState kernel = KernelState.host();
    private LabTopology lab;
    private DaemonUnderTest daemon;

    @BeforeAll
    void start() {
        lab = LabTopology.withNics(NodeConfigs.NICS);
        lab.createMgmt("eth5");
        daemon = DaemonUnderTest.create(NodeConfigs.FULL).resyncSeconds(3600).startInProcess();
    }

    @AfterAll
    void stop() {
        lab.closeAfter(daemon);
    }

    static Stream<Arguments> invalidConfigs() {
        return Stream.of(
                Arguments.of("unknown key", "color: blue\n" + DATA, "color"),
                Arguments.of("duplicate cluster network", """
                        clusterNetworks:
                          - {name: data, uplink: {nics: [eth1]}}
                          - {name: data, uplink: {nics: [eth2]}}
                        """, "clusterNetworks[1].name"),
                Arguments.of("NIC in two cluster networks", """
                        clusterNetworks:
                          - {name: data, uplink: {nics: [eth1]}}
                          - {name: storage, uplink: {nics: [eth1]}}
                        """, "clusterNetworks[1].uplink.nics[0]"),
                Arguments.of("unknown cluster network", DATA + """
                        vmNetworks:
                          - {name: v, clusterNetwork: nosuch, type: L2VlanNetwork, vlan: 100}
                        """, "vmNetworks[0].clusterNetwork"),
                Arguments.of("VM network with an mtu", DATA + """
                        vmNetworks:
                          - {name: v, clusterNetwork: data, type: L2VlanNetwork, vlan: 100, mtu: 1400}
                        """, "vmNetworks[0].mtu"),
                Arguments.of("VID 5000", DATA + """
                        vmNetworks:
                          - {name: v, clusterNetwork: data, type: L2VlanNetwork, vlan: 5000}
                        """, "vmNetworks[0].vlan"),
                Arguments.of("overlapping trunk ranges", DATA + """
                        vmNetworks:
                          - {name: t, clusterNetwork: data, type: L2VlanTrunkNetwork, trunk: [{min: 300, max: 310}, {min: 305, max: 320}]}
                        """, "vmNetworks[0].trunk[1]"),
                Arguments.of("VID used twice on a cluster network", DATA + """
                        vmNetworks:
                          - {name: v, clusterNetwork: data, type: L2VlanNetwork, vlan: 100}
                          - {name: w, clusterNetwork: data, type: L2VlanNetwork, vlan: 100}
                        """, "vmNetworks[1].vlan"),
                Arguments.of("bad bond mode", """
                        clusterNetworks:
                          - {name: data, uplink: {nics: [eth1], bond: {mode: lacp}}}
                        """, "clusterNetworks[0].uplink.bond.mode"),
                Arguments.of("mtu 10000", """
                        clusterNetworks:
                          - {name: data, mtu: 10000, uplink: {nics: [eth1]}}
                        """, "clusterNetworks[0].mtu"),
                Arguments.of("mgmt declared", """
                        clusterNetworks:
                          - {name: mgmt, uplink: {nics: [eth1]}}
                        """, "clusterNetworks[0].name"),
                Arguments.of("name too long", """
                        clusterNetworks:
                          - {name: thirteenchars, uplink: {nics: [eth1]}}
                        """, "clusterNetworks[0].name"),
                Arguments.of("duplicate VM network", DATA + """
                        vmNetworks:
                          - {name: v, clusterNetwork: data, type: L2VlanNetwork, vlan: 100}
                          - {name: v, clusterNetwork: data, type: L2VlanNetwork, vlan: 200}
                        """, "vmNetworks[1].name"),
                Arguments.of("unknown VM network type", DATA + """
                        vmNetworks:
                          - {name: v, clusterNetwork: data, type: Bogus}
                        """, "vmNetworks[0].type"),
                Arguments.of("resyncSeconds 1", "resyncSeconds: 1\n" + DATA, "resyncSeconds"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("invalidConfigs")
    void isRefusedNamingTheFieldAndChangesNothing(String what, String networks, String field) throws IOException {
        String dump = kernel.canonicalDump();
        String file = Files.readString(daemon.configFile());
        String registry = Files.readString(daemon.stateDir().resolve("networks.json"));

        // resyncSeconds appears in the settings already: the doubled key is no problem to test, so skip it there.
        String body = networks.startsWith("resyncSeconds") ? networks : daemon.yaml(networks);
        UnixHttp.Response r = daemon.post("/v1/config", body);

        assertThat(r.status()).as("%s: %s", what, r.body()).isEqualTo(400);
        JsonNode json = r.json();
        assertThat(json.path("field").asText()).as("%s: %s", what, r.body()).isEqualTo(field);
        assertThat(json.path("error").asText()).isNotBlank();
        assertThat(kernel.canonicalDump()).as("kernel after %s", what).isEqualTo(dump);
        assertThat(Files.readString(daemon.configFile())).as("config file after %s", what).isEqualTo(file);
        assertThat(Files.readString(daemon.stateDir().resolve("networks.json"))).isEqualTo(registry);
    }

    @Test
    void malformedYamlAndAnEmptyBodyAreRefused() {
        String dump = kernel.canonicalDump();
        UnixHttp.Response syntax = daemon.post("/v1/config", "clusterNetworks: [\n");
        assertThat(syntax.status()).as(syntax.body()).isEqualTo(400);
        assertThat(syntax.json().path("error").asText()).contains("YAML");
        UnixHttp.Response empty = daemon.post("/v1/config", "");
        assertThat(empty.status()).as(empty.body()).isEqualTo(400);
        assertThat(kernel.canonicalDump()).isEqualTo(dump);
    }

    @Test
    void aReloadOfAnInvalidFileKeepsTheRunningConfig() {
        String dump = kernel.canonicalDump();
        String valid = daemon.yaml(NodeConfigs.FULL);
        daemon.writeRawConfig(daemon.yaml(NodeConfigs.FULL.replace("mtu: 9000", "mtu: 10000")));
        try {
            daemon.daemon().reload();
            assertThat(kernel.canonicalDump()).isEqualTo(dump);

            // Still the running config (MTU 9000) that drift is repaired to.
            Shell.check("ip", "link", "set", "data-br", "mtu", "1500");
            long deadline = System.nanoTime() + 10_000_000_000L;
            while (kernel.mtu("data-br") != 9000 && System.nanoTime() < deadline) {
                StartupConvergenceLabTest.sleep(50);
            }
            assertThat(kernel.mtu("data-br")).isEqualTo(9000);
            assertThat(kernel.canonicalDump()).isEqualTo(dump);
        } finally {
            daemon.writeRawConfig(valid);
        }
    }

    @Test
    void aDryRunReturnsAPlanAndChangesNothing() throws IOException {
        String dump = kernel.canonicalDump();
        String file = Files.readString(daemon.configFile());
        String changed = NodeConfigs.FULL.replace("mtu: 9000", "mtu: 1500")
                + "  - {name: vlan400, clusterNetwork: data, type: L2VlanNetwork, vlan: 400}\n";

        UnixHttp.Response r = daemon.post("/v1/config?dryRun=true", daemon.yaml(changed));

        assertThat(r.status()).as(r.body()).isEqualTo(200);
        JsonNode json = r.json();
        assertThat(json.path("dryRun").asBoolean()).isTrue();
        assertThat(json.path("plan").toString()).contains("data-br").contains("1500").contains("400");
        assertThat(kernel.canonicalDump()).isEqualTo(dump);
        assertThat(Files.readString(daemon.configFile())).isEqualTo(file);
    }
}
