package io.vmnetd.daemon.config;

import io.vmnetd.netlink.BondMode;
import io.vmnetd.netlink.VidRange;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigLoaderTest {

    static final String EXAMPLE = """
            socket: /run/vmnetd/vmnetd.sock      # default
            socketGroup: root                    # who besides root may use the API
            stateDir: /var/lib/vmnetd            # default
            logLevel: info                       # error|warn|info|debug, default info
            resyncSeconds: 60                    # periodic full resync, 5..3600, default 60
            cni:
              ipamDirs: [/opt/cni/bin, /usr/lib/cni]   # directories IPAM plugins may run from
            metrics: {listen: 127.0.0.1:9677}    # optional TCP listener host:port
            clusterNetworks:
              - name: data                       # bridge "data-br", bond "data-bo"
                mtu: 9000
                uplink:
                  nics: [eth1, eth2]
                  bond: {mode: active-backup, miimon: 100}
                  txQueueLen: 1000
            vmNetworks:
              - name: vlan100
                clusterNetwork: data
                type: L2VlanNetwork
                vlan: 100
                route: {mode: auto}
              - name: trunk
                clusterNetwork: data
                type: L2VlanTrunkNetwork
                trunk: [{min: 200, max: 299}, {id: 42}]
                route: {mode: manual, cidr: 10.0.100.0/24, gateway: 10.0.100.1}
              - name: native
                clusterNetwork: mgmt
                type: UntaggedNetwork
            """;

    @Test
    void exampleParsesToTheDocumentedRecords() throws ConfigException {
        Config config = ConfigLoader.parse(EXAMPLE, "example");

        ClusterNetwork data = new ClusterNetwork("data", 9000,
                new Uplink(List.of("eth1", "eth2"), BondMode.ACTIVE_BACKUP, 100, OptionalInt.of(1000)));
        assertThat(config).isEqualTo(new Config(
                Path.of("/run/vmnetd/vmnetd.sock"),
                "root",
                Optional.empty(),
                Path.of("/var/lib/vmnetd"),
                "info",
                60,
                new CniSettings(List.of(Path.of("/opt/cni/bin"), Path.of("/usr/lib/cni")), Duration.ofSeconds(30),
                        Duration.ofSeconds(60), List.of("/run/netns/*", "/var/run/netns/*", "/proc/*/ns/net")),
                Optional.of(new HostPort("127.0.0.1", 9677)),
                ApiSettings.defaults(),
                List.of(data),
                List.of(
                        new VmNetwork("vlan100", "data", VmNetworkType.L2VlanNetwork, OptionalInt.of(100), List.of(),
                                Optional.of(Route.auto())),
                        new VmNetwork("trunk", "data", VmNetworkType.L2VlanTrunkNetwork, OptionalInt.empty(),
                                List.of(new VidRange(200, 299), VidRange.of(42)),
                                Optional.of(Route.manual("10.0.100.0/24", "10.0.100.1"))),
                        new VmNetwork("native", "mgmt", VmNetworkType.UntaggedNetwork, OptionalInt.empty(), List.of(),
                                Optional.empty())),
                ConnectivitySettings.defaults()));
        assertThat(data.bridgeName()).isEqualTo("data-br");
        assertThat(data.bondName()).isEqualTo("data-bo");
    }

    @Test
    void helpersFindNetworksByName() throws ConfigException {
        Config config = ConfigLoader.parse(EXAMPLE, "example");

        assertThat(config.clusterNetwork("data")).map(ClusterNetwork::mtu).contains(9000);
        assertThat(config.clusterNetwork(ClusterNetwork.MGMT)).isEmpty();
        assertThat(config.vmNetwork("trunk")).map(VmNetwork::type).contains(VmNetworkType.L2VlanTrunkNetwork);
        assertThat(config.vmNetwork("nope")).isEmpty();
        assertThat(config.vmNetworksOf("data")).extracting(VmNetwork::name).containsExactly("vlan100", "trunk");
        assertThat(config.vmNetworksOf("mgmt")).extracting(VmNetwork::name).containsExactly("native");
    }

    @Test
    void emptyDocumentsMeanDefaults() throws ConfigException {
        for (String empty : List.of("", "{}", "# nothing configured yet\n", "---\n")) {
            assertThat(ConfigLoader.parse(empty, "empty")).as("%s", empty).isEqualTo(Config.defaults());
        }
    }

    @Test
    void defaultsAreTheDocumentedOnes() {
        Config defaults = Config.defaults();

        assertThat(defaults.socket()).isEqualTo(Path.of("/run/vmnetd/vmnetd.sock"));
        assertThat(defaults.socketGroup()).isEqualTo("root");
        assertThat(defaults.stateDir()).isEqualTo(Path.of("/var/lib/vmnetd"));
        assertThat(defaults.logLevel()).isEqualTo("info");
        assertThat(defaults.resyncSeconds()).isEqualTo(60);
        assertThat(defaults.ipamDirs()).containsExactly(Path.of("/opt/cni/bin"), Path.of("/usr/lib/cni"));
        assertThat(defaults.metricsListen()).isEmpty();
        assertThat(defaults.clusterNetworks()).isEmpty();
        assertThat(defaults.vmNetworks()).isEmpty();
    }

    @Test
    void omittedFieldsTakeTheirDefaults() throws ConfigException {
        Config config = ConfigLoader.parse("""
                cni:
                metrics: {}
                clusterNetworks:
                  - name: data
                    uplink: {nics: [eth1]}
                vmNetworks:
                  - {name: plain, clusterNetwork: data, type: UntaggedNetwork}
                """, "test");

        assertThat(config.ipamDirs()).isEqualTo(CniSettings.DEFAULT_IPAM_DIRS);
        assertThat(config.metricsListen()).isEmpty();
        assertThat(config.clusterNetworks()).containsExactly(new ClusterNetwork("data", 1500,
                new Uplink(List.of("eth1"), BondMode.ACTIVE_BACKUP, 100, OptionalInt.empty())));
        assertThat(config.vmNetworks().get(0).route()).isEmpty();
        assertThat(config.connectivity()).isEqualTo(ConnectivitySettings.defaults());
    }

    @Test
    void everyBondModeIsAcceptedByItsKernelName() throws ConfigException {
        for (BondMode mode : BondMode.values()) {
            Config config = ConfigLoader.parse("""
                    clusterNetworks:
                      - {name: data, uplink: {nics: [eth1], bond: {mode: %s, miimon: 0}}}
                    """.formatted(mode.kernelName()), "test");
            assertThat(config.clusterNetworks().get(0).uplink().mode()).isEqualTo(mode);
        }
        assertThat(BondMode.find("802.3ad")).contains(BondMode.IEEE_802_3AD);
        assertThat(BondMode.IEEE_802_3AD.number()).isEqualTo(4);
        assertThat(BondMode.ofNumber(6)).isEqualTo(BondMode.BALANCE_ALB);
    }

    @Test
    void severalUntaggedNetworksMayShareAClusterNetwork() throws ConfigException {
        Config config = ConfigLoader.parse("""
                vmNetworks:
                  - {name: a, clusterNetwork: mgmt, type: UntaggedNetwork}
                  - {name: b, clusterNetwork: mgmt, type: UntaggedNetwork}
                """, "test");

        assertThat(config.vmNetworksOf("mgmt")).hasSize(2);
    }

    @Test
    void theSameVidMayBeUsedOnDifferentClusterNetworksAndInsideATrunk() throws ConfigException {
        Config config = ConfigLoader.parse("""
                clusterNetworks:
                  - {name: data, uplink: {nics: [eth1]}}
                vmNetworks:
                  - {name: a, clusterNetwork: mgmt, type: L2VlanNetwork, vlan: 100}
                  - {name: b, clusterNetwork: data, type: L2VlanNetwork, vlan: 100}
                  - {name: c, clusterNetwork: data, type: L2VlanTrunkNetwork, trunk: [{min: 1, max: 4094}]}
                """, "test");

        assertThat(config.vmNetworks()).hasSize(3);
    }

    @Test
    void ipv6ManualRoutesAndListenersAreAccepted() throws ConfigException {
        Config config = ConfigLoader.parse("""
                metrics: {listen: "[::1]:9677"}
                vmNetworks:
                  - name: v6
                    clusterNetwork: mgmt
                    type: UntaggedNetwork
                    route: {mode: manual, cidr: "2001:db8:1::/64", gateway: "2001:db8:1::1"}
                """, "test");

        assertThat(config.metricsListen()).contains(new HostPort("::1", 9677));
        assertThat(config.vmNetworks().get(0).route()).contains(Route.manual("2001:db8:1::/64", "2001:db8:1::1"));
    }

    @Test
    void loadReadsAFileAndNamesItInProblems(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("vmnetd.yaml");
        Files.writeString(file, EXAMPLE);
        assertThat(ConfigLoader.load(file)).isEqualTo(ConfigLoader.parse(EXAMPLE, "example"));

        Files.writeString(file, "logLevel: loud\n");
        assertThatThrownBy(() -> ConfigLoader.load(file))
                .isInstanceOf(ConfigException.class)
                .hasMessage("1 error in " + file + "\n"
                        + file + ":1:11: logLevel: unknown value \"loud\"; allowed: error, warn, info, debug");
    }

    @Test
    void aMissingFileIsAnError(@TempDir Path dir) {
        Path file = dir.resolve("absent.yaml");

        assertThatThrownBy(() -> ConfigLoader.load(file))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining(file + ": no such file");
    }
}
