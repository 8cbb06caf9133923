package io.vmnetd.daemon.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vmnetd.daemon.cluster.ComposedConfig.Composition;
import io.vmnetd.daemon.cluster.SourcedNetworks.Sourced;
import io.vmnetd.daemon.config.BondSettings;
import io.vmnetd.daemon.config.ClusterNetwork;
import io.vmnetd.daemon.config.Config;
import io.vmnetd.daemon.config.ConfigException;
import io.vmnetd.daemon.config.Route;
import io.vmnetd.daemon.config.Uplink;
import io.vmnetd.daemon.config.VmNetwork;
import io.vmnetd.daemon.config.VmNetworkType;
import io.vmnetd.daemon.reconcile.ReconcileObserver;
import io.vmnetd.daemon.reconcile.Reconciler;
import io.vmnetd.netlink.BondMode;
import io.vmnetd.netlink.MacAddress;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

class ComposedConfigTest {
    static final ClusterNetwork DATA = cn("data", 9000, "eth1", "eth2");
    static final VmNetwork VLAN100 = vm("vlan100", "data", 100);

    static ClusterNetwork cn(String name, int mtu, String... nics) {
        return new ClusterNetwork(name, mtu, new Uplink(List.of(nics), BondMode.ACTIVE_BACKUP, 100, OptionalInt.empty()));
    }

    static VmNetwork vm(String name, String cn, int vlan) {
        return new VmNetwork(name, cn, VmNetworkType.L2VlanNetwork, OptionalInt.of(vlan), List.of(), Optional.of(Route.auto()));
    }

    static Config file(List<ClusterNetwork> cns, List<VmNetwork> vms) {
        return Config.defaults().withNetworks(cns, vms);
    }

    static SourcedNetworks cluster(List<ClusterNetwork> cns, List<VmNetwork> vms) {
        return new SourcedNetworks(cns.stream().map(c -> new Sourced<>(c, "VlanConfig " + c.name() + "-vc")).toList(),
                vms.stream().map(v -> new Sourced<>(v, "NetworkAttachmentDefinition default/" + v.name())).toList());
    }

    @Test
    void fileSettingsAndBothSourcesNetworks() {
        ClusterNetwork storage = cn("storage", 1500, "eth3");
        Composition c = ComposedConfig.compose(file(List.of(DATA), List.of()),
                cluster(List.of(storage), List.of(VLAN100, vm("vlan200", "storage", 200))));

        assertThat(c.refusals()).isEmpty();
        assertThat(c.config().clusterNetworks()).containsExactly(DATA, storage);
        assertThat(c.config().vmNetworks()).extracting(VmNetwork::name).containsExactly("vlan100", "vlan200");
        assertThat(c.config().socket()).isEqualTo(Config.DEFAULT_SOCKET);
    }

    @Test
    void theSameNetworkDeclaredIdenticallyIsOneNetwork() {
        Composition c = ComposedConfig.compose(file(List.of(DATA), List.of(VLAN100)),
                cluster(List.of(DATA), List.of(VLAN100)));
        assertThat(c.refusals()).isEmpty();
        assertThat(c.config().clusterNetworks()).containsExactly(DATA);
        assertThat(c.config().vmNetworks()).containsExactly(VLAN100);
    }

    @Test
    void aClusterNetworkDeclaredDifferentlyIsRefusedNamingTheFields() {
        Composition c = ComposedConfig.compose(file(List.of(DATA), List.of()),
                cluster(List.of(cn("data", 1500, "eth1")), List.of(VLAN100)));

        assertThat(c.config().clusterNetworks()).containsExactly(DATA);
        assertThat(c.config().vmNetworks()).as("a VM network on the file's data is fine").containsExactly(VLAN100);
        assertThat(c.refusals()).singleElement().satisfies(r -> {
            assertThat(r.network()).isEqualTo("data");
            assertThat(r.origin()).isEqualTo("VlanConfig data-vc");
            assertThat(r.clashesWithFile()).isTrue();
            assertThat(r.reason()).isEqualTo("cluster network data is declared by the config file and by VlanConfig "
                    + "data-vc differently: mtu is 9000 in the file, 1500 in the cluster; uplink.nics is [eth1, eth2] "
                    + "in the file, [eth1] in the cluster");
        });
    }

    @Test
    void aClusterNetworkWhoseBondOptionsOrMacDifferIsRefusedNamingThem() {
        Uplink tuned = new Uplink(List.of("eth1", "eth2"), BondMode.ACTIVE_BACKUP, 100, OptionalInt.empty(),
                new BondSettings(Optional.empty(), Optional.empty(), Optional.empty(), OptionalInt.of(200),
                        OptionalInt.empty(), Optional.of("eth2"), OptionalInt.empty()),
                Optional.of(MacAddress.parse("02:00:5e:10:00:01")));
        Composition c = ComposedConfig.compose(file(List.of(DATA), List.of()),
                cluster(List.of(new ClusterNetwork("data", 9000, tuned)), List.of()));

        assertThat(c.refusals()).singleElement().extracting(Refusal::reason).isEqualTo("cluster network data is "
                + "declared by the config file and by VlanConfig data-vc differently: uplink.bond.updelay is unset in "
                + "the file, 200 in the cluster; uplink.bond.primary is unset in the file, eth2 in the cluster; "
                + "uplink.hardwareAddr is unset in the file, 02:00:5e:10:00:01 in the cluster");
    }

    @Test
    void aVmNetworkDeclaredDifferentlyIsRefused() {
        Composition c = ComposedConfig.compose(file(List.of(DATA), List.of(VLAN100)),
                cluster(List.of(), List.of(vm("vlan100", "data", 101))));
        assertThat(c.config().vmNetworks()).containsExactly(VLAN100);
        assertThat(c.refusals()).singleElement().extracting(Refusal::reason).asString()
                .contains("VM network vlan100", "vlan is OptionalInt[100] in the file, OptionalInt[101] in the cluster");
    }

    @Test
    void aNicOfAFileNetworkCannotServeAClusterNetwork() {
        Composition c = ComposedConfig.compose(file(List.of(DATA), List.of()),
                cluster(List.of(cn("storage", 1500, "eth2")), List.of(vm("vlan200", "storage", 200))));
        assertThat(c.config().clusterNetworks()).containsExactly(DATA);
        assertThat(c.config().vmNetworks()).isEmpty();
        assertThat(c.refusals()).extracting(Refusal::network).containsExactly("storage", "vlan200");
        assertThat(c.refusals().get(0).reason()).contains("uplink.nics: NIC eth2", "cluster network data in the config file");
        assertThat(c.refusals().get(1).reason()).contains("clusterNetwork: storage does not run on this node");
    }

    @Test
    void aFileThatWouldClashWithTheClusterIsRefusedAndTheRunningConfigStays() {
        Reconciler reconciler = new Reconciler(null, null, null, Config.defaults(), List::of, ReconcileObserver.NONE);
        ComposedConfig composed = new ComposedConfig(reconciler, file(List.of(), List.of()));
        composed.applySourced(cluster(List.of(DATA), List.of(VLAN100)));
        Config running = reconciler.config();
        assertThat(running.clusterNetworks()).containsExactly(DATA);

        Config clashing = file(List.of(cn("data", 1500, "eth9")), List.of());
        assertThatThrownBy(() -> composed.check(clashing))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("clusterNetworks[0]: cluster network data is declared by the config file and "
                        + "by VlanConfig data-vc differently: mtu is 1500 in the file, 9000 in the cluster");
        assertThat(reconciler.config()).isSameAs(running);
    }

    @Test
    void theClusterDroppingANetworkRemovesItButNotTheFiles() throws ConfigException {
        Reconciler reconciler = new Reconciler(null, null, null, Config.defaults(), List::of, ReconcileObserver.NONE);
        ClusterNetwork storage = cn("storage", 1500, "eth3");
        ComposedConfig composed = new ComposedConfig(reconciler, file(List.of(DATA), List.of()));
        composed.applySourced(cluster(List.of(storage), List.of()));
        assertThat(reconciler.config().clusterNetworks()).containsExactly(DATA, storage);

        composed.applySourced(SourcedNetworks.empty());
        assertThat(reconciler.config().clusterNetworks()).containsExactly(DATA);

        Config newFile = file(List.of(), List.of());
        assertThat(composed.check(newFile).clusterNetworks()).isEmpty();
        composed.apply(newFile);
        assertThat(reconciler.config().clusterNetworks()).isEmpty();
    }
}
