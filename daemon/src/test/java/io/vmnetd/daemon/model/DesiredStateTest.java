package io.vmnetd.daemon.model;

import static org.assertj.core.api.Assertions.assertThat;

import io.vmnetd.daemon.config.Config;
import io.vmnetd.daemon.config.ConfigException;
import io.vmnetd.daemon.config.ConfigLoader;
import io.vmnetd.daemon.testing.TestPorts;
import io.vmnetd.netlink.BondMode;
import io.vmnetd.netlink.VidSet;
import java.util.List;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

/** The desired state derived from the config and the live VM ports. */
class DesiredStateTest {

    private static final String TWO_NETWORKS = """
            clusterNetworks:
              - name: data
                mtu: 9000
                uplink:
                  nics: [eth1, eth2]
                  bond: {mode: 802.3ad, miimon: 200}
                  txQueueLen: 1000
              - name: storage
                uplink: {nics: [eth3]}
            vmNetworks:
              - name: vlan100
                clusterNetwork: data
                type: L2VlanNetwork
                vlan: 100
              - name: trunk
                clusterNetwork: data
                type: L2VlanTrunkNetwork
                trunk: [{min: 200, max: 299}, {id: 42}, {id: 1}]
              - name: native
                clusterNetwork: data
                type: UntaggedNetwork
              - name: vlan1
                clusterNetwork: storage
                type: L2VlanNetwork
                vlan: 1
            """;

    private static Config config(String yaml) throws ConfigException {
        return ConfigLoader.parse(yaml, "test");
    }

    private static NetworkPort port(String clusterNetwork, String name, PortVlanSpec vlans) {
        return new NetworkPort(clusterNetwork, TestPorts.port(name, name, vlans));
    }

    @Test
    void managedNetworkTakesItsSettingsFromTheConfig() throws ConfigException {
        DesiredNetwork data = DesiredState.of(config(TWO_NETWORKS), List.of()).network("data").orElseThrow();

        assertThat(data.managed()).isTrue();
        assertThat(data.bridge()).isEqualTo("data-br");
        assertThat(data.uplink()).isEqualTo("data-bo");
        assertThat(data.nics()).containsExactly("eth1", "eth2");
        assertThat(data.mtu()).isEqualTo(OptionalInt.of(9000));
        assertThat(data.bondMode()).isEqualTo(BondMode.IEEE_802_3AD);
        assertThat(data.miimon()).isEqualTo(200);
        assertThat(data.txQueueLength()).isEqualTo(OptionalInt.of(1000));
        assertThat(data.ports()).isEmpty();
    }

    @Test
    void uplinkVidsAreTheUnionOfTheVmNetworksVidsWithoutVlan1() throws ConfigException {
        DesiredState state = DesiredState.of(config(TWO_NETWORKS), List.of());

        assertThat(state.network("data").orElseThrow().uplinkVids()).isEqualTo(VidSet.parse("42,100,200-299"));
        assertThat(state.network("storage").orElseThrow().uplinkVids()).isEqualTo(VidSet.empty());
    }

    @Test
    void livePortsAddTheirVidsToTheirOwnNetworkOnly() throws ConfigException {
        NetworkPort pod = port("storage", "vm7", PortVlanSpec.trunk(VidSet.parse("1,700-701")));
        NetworkPort other = port("data", "vm8", PortVlanSpec.access(800));

        DesiredState state = DesiredState.of(config(TWO_NETWORKS), List.of(pod, other));

        assertThat(state.network("storage").orElseThrow().uplinkVids()).isEqualTo(VidSet.parse("700-701"));
        assertThat(state.network("storage").orElseThrow().ports()).containsExactly(pod.port());
        assertThat(state.network("data").orElseThrow().uplinkVids()).isEqualTo(VidSet.parse("42,100,200-299,800"));
        assertThat(state.network("data").orElseThrow().ports()).containsExactly(other.port());
    }

    @Test
    void uplinkVlansCarryVlan1OnlyAsNativePvidUntagged() throws ConfigException {
        DesiredNetwork data = DesiredState.of(config(TWO_NETWORKS), List.of()).network("data").orElseThrow();

        PortVlanSpec uplink = data.uplinkVlans();

        assertThat(uplink.vids()).isEqualTo(VidSet.parse("1,42,100,200-299"));
        assertThat(uplink.pvid()).isEqualTo(OptionalInt.of(1));
        assertThat(uplink.untagged()).isEqualTo(VidSet.of(1));
    }

    @Test
    void mgmtIsAbsentWhenNothingUsesIt() throws ConfigException {
        DesiredState state = DesiredState.of(config(TWO_NETWORKS), List.of());

        assertThat(state.networks()).containsOnlyKeys("data", "storage");
        assertThat(state.network("mgmt")).isEmpty();
    }

    @Test
    void mgmtIsAdoptedWhenAVmNetworkUsesIt() throws ConfigException {
        Config config = config("""
                vmNetworks:
                  - {name: infra, clusterNetwork: mgmt, type: L2VlanNetwork, vlan: 30}
                  - {name: flat, clusterNetwork: mgmt, type: UntaggedNetwork}
                """);

        DesiredNetwork mgmt = DesiredState.of(config, List.of()).network("mgmt").orElseThrow();

        assertThat(mgmt.managed()).isFalse();
        assertThat(mgmt.bridge()).isEqualTo(DesiredState.MGMT_BRIDGE).isEqualTo("mgmt-br");
        assertThat(mgmt.uplink()).isEqualTo(DesiredState.MGMT_UPLINK).isEqualTo("mgmt-bo");
        assertThat(mgmt.nics()).isEmpty();
        assertThat(mgmt.mtu()).isEmpty();
        assertThat(mgmt.txQueueLength()).isEmpty();
        assertThat(mgmt.uplinkVids()).isEqualTo(VidSet.of(30));
    }

    @Test
    void mgmtIsAdoptedWhenOnlyALivePortUsesIt() throws ConfigException {
        NetworkPort leftover = port("mgmt", "vm9", PortVlanSpec.access(55));

        DesiredState state = DesiredState.of(config(TWO_NETWORKS), List.of(leftover));

        DesiredNetwork mgmt = state.network("mgmt").orElseThrow();
        assertThat(mgmt.managed()).isFalse();
        assertThat(mgmt.uplinkVids()).isEqualTo(VidSet.of(55));
        assertThat(mgmt.ports()).containsExactly(leftover.port());
    }

    @Test
    void portsOfAClusterNetworkNoLongerConfiguredBelongToNoNetwork() throws ConfigException {
        NetworkPort orphan = port("gone", "vm5", PortVlanSpec.access(5));

        DesiredState state = DesiredState.of(config(TWO_NETWORKS), List.of(orphan));

        assertThat(state.networks()).containsOnlyKeys("data", "storage");
        assertThat(state.ownerOf("vm5")).isEmpty();
    }

    @Test
    void emptyConfigWantsNothing() throws ConfigException {
        assertThat(DesiredState.of(config(""), List.of()).networks()).isEmpty();
        assertThat(DesiredState.of(Config.defaults(), List.of()).networks()).isEmpty();
    }

    @Test
    void ownerOfFindsTheNetworkOfBridgeBondNicAndPort() throws ConfigException {
        DesiredState state = DesiredState.of(config(TWO_NETWORKS),
                List.of(port("data", "vm1", PortVlanSpec.access(100)), port("mgmt", "vm2", PortVlanSpec.nativeOnly())));

        assertThat(state.ownerOf("data-br")).map(DesiredNetwork::name).hasValue("data");
        assertThat(state.ownerOf("data-bo")).map(DesiredNetwork::name).hasValue("data");
        assertThat(state.ownerOf("eth2")).map(DesiredNetwork::name).hasValue("data");
        assertThat(state.ownerOf("eth3")).map(DesiredNetwork::name).hasValue("storage");
        assertThat(state.ownerOf("vm1")).map(DesiredNetwork::name).hasValue("data");
        assertThat(state.ownerOf("mgmt-br")).map(DesiredNetwork::name).hasValue("mgmt");
        assertThat(state.ownerOf("mgmt-bo")).map(DesiredNetwork::name).hasValue("mgmt");
        assertThat(state.ownerOf("vm2")).map(DesiredNetwork::name).hasValue("mgmt");
        assertThat(state.ownerOf("eth0")).isEmpty();
        assertThat(state.ownerOf("lo")).isEmpty();
    }

    @Test
    void vmNetworkKindsMapToTheirPortVlans() throws ConfigException {
        Config config = config(TWO_NETWORKS);

        assertThat(VmNetworkVlans.portVlans(config.vmNetwork("vlan100").orElseThrow()))
                .isEqualTo(PortVlanSpec.access(100));
        assertThat(VmNetworkVlans.portVlans(config.vmNetwork("native").orElseThrow()))
                .isEqualTo(PortVlanSpec.nativeOnly());
        assertThat(VmNetworkVlans.portVlans(config.vmNetwork("trunk").orElseThrow()))
                .isEqualTo(PortVlanSpec.trunk(VidSet.parse("1,42,200-299")));
        assertThat(VmNetworkVlans.uplinkVids(config.vmNetwork("trunk").orElseThrow()))
                .isEqualTo(VidSet.parse("42,200-299"));
        assertThat(VmNetworkVlans.uplinkVids(config.vmNetwork("native").orElseThrow()).isEmpty()).isTrue();
        assertThat(VmNetworkVlans.uplinkVids(config.vmNetwork("vlan1").orElseThrow()).isEmpty()).isTrue();
    }

    @Test
    void desiredNetworkOwnsOnlyItsOwnLinks() {
        DesiredNetwork n = new DesiredNetwork("x", true, "x-br", "x-bo", List.of("eth1"), OptionalInt.of(1500),
                BondMode.ACTIVE_BACKUP, 100, OptionalInt.empty(), VidSet.of(1, 5),
                List.of(TestPorts.port("vmx", "p", PortVlanSpec.access(5))));

        assertThat(List.of("x-br", "x-bo", "eth1", "vmx")).allMatch(n::owns);
        assertThat(List.of("x", "eth2", "x-br0", "vmx1")).noneMatch(n::owns);
        assertThat(n.uplinkVlans()).isEqualTo(PortVlanSpec.nativeOnly().withTagged(VidSet.of(5)));
    }

    @Test
    void bondOptionsAndMacComeFromTheUplink() throws ConfigException {
        DesiredNetwork data = DesiredState.of(config("""
                clusterNetworks:
                  - name: data
                    uplink:
                      nics: [eth1, eth2]
                      hardwareAddr: 02:00:5e:10:00:01
                      bond: {mode: active-backup, updelay: 200, primary: eth2}
                """), List.of()).network("data").orElseThrow();

        assertThat(data.bondTuning()).isEqualTo(new BondTuning(
                io.vmnetd.netlink.BondOptions.DEFAULTS.withUpdelay(200), java.util.Optional.of("eth2"),
                java.util.Optional.of(io.vmnetd.netlink.MacAddress.parse("02:00:5e:10:00:01"))));
    }

    @Test
    void hostNetworksBecomeHostVlansOfTheirNetworkWhoseUplinkCarriesTheirVid() throws ConfigException {
        Config config = config("""
                clusterNetworks:
                  - {name: data, uplink: {nics: [eth1]}}
                hostNetworks:
                  - {name: storage, clusterNetwork: data, vlan: 100, mode: static, address: 10.0.100.5/24}
                  - {name: migration, clusterNetwork: mgmt, vlan: 200, mode: dhcp, routes: [10.9.0.0/16]}
                """);
        LeasedAddress lease = new LeasedAddress(io.vmnetd.netlink.IpPrefix.parse("10.0.200.7/24"),
                java.util.Optional.of(io.vmnetd.netlink.IpPrefix.parseAddress("10.0.200.1")));

        DesiredState seeking = DesiredState.of(config, List.of());
        DesiredState leased = DesiredState.of(config, List.of(), java.util.Map.of("migration",
                new LeaseState.Bound(lease)));
        DesiredState lost = DesiredState.of(config, List.of(), java.util.Map.of("migration", new LeaseState.Lost()));

        DesiredNetwork data = seeking.network("data").orElseThrow();
        assertThat(data.hostVlans()).containsExactly(new HostVlan("storage", "data-br.100", 100,
                java.util.Optional.of(io.vmnetd.netlink.IpPrefix.parse("10.0.100.5/24")), java.util.Optional.empty(),
                List.of(), false));
        assertThat(data.uplinkVids()).isEqualTo(VidSet.of(100));
        assertThat(data.owns("data-br.100")).isTrue();
        DesiredNetwork mgmt = seeking.network("mgmt").orElseThrow();
        assertThat(mgmt.uplinkVids()).as("a host network alone makes mgmt used").isEqualTo(VidSet.of(200));
        assertThat(mgmt.hostVlans().get(0).address()).isEmpty();
        HostVlan withLease = leased.network("mgmt").orElseThrow().hostVlans().get(0);
        assertThat(withLease.address()).contains(lease.address());
        assertThat(withLease.gateway()).isEqualTo(lease.router());
        assertThat(withLease.routes()).containsExactly(io.vmnetd.netlink.IpPrefix.parse("10.9.0.0/16"));
        assertThat(withLease.dhcp()).isTrue();
        assertThat(withLease.keepsHeldAddress()).isFalse();
        assertThat(mgmt.hostVlans().get(0).keepsHeldAddress()).as("sought: what the interface holds stays").isTrue();
        HostVlan gone = lost.network("mgmt").orElseThrow().hostVlans().get(0);
        assertThat(gone.address()).isEmpty();
        assertThat(gone.keepsHeldAddress()).as("lost: its address goes").isFalse();
    }
}
