package io.vmnetd.kube;

import static io.vmnetd.kube.testing.ClusterObjects.clusterNetwork;
import static io.vmnetd.kube.testing.ClusterObjects.vlanConfig;
import static io.vmnetd.kube.testing.ClusterObjects.vlanNad;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.vmnetd.daemon.cluster.ConnectivityResult;
import io.vmnetd.daemon.cluster.Refusal;
import io.vmnetd.daemon.cluster.SourcedNetworks;
import io.vmnetd.daemon.config.BondSettings;
import io.vmnetd.daemon.config.Uplink;
import io.vmnetd.kube.crd.Condition;
import io.vmnetd.kube.crd.Harvester;
import io.vmnetd.kube.crd.NetworkAttachmentDefinition;
import io.vmnetd.kube.crd.VlanConfig;
import io.vmnetd.kube.crd.VlanStatus;
import io.vmnetd.kube.testing.Await;
import io.vmnetd.kube.testing.FakeHost;
import io.vmnetd.kube.testing.MockApiServer;
import io.vmnetd.netlink.BondMode;
import io.vmnetd.netlink.BondOptions.AdSelect;
import io.vmnetd.netlink.BondOptions.LacpRate;
import io.vmnetd.netlink.BondOptions.XmitHashPolicy;
import io.vmnetd.netlink.MacAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The Kubernetes source against fabric8's mock API server in CRUD mode, with a daemon that has no kernel. */
class KubeNetworkSourceTest {
    static final Duration WAIT = Duration.ofSeconds(60);

    @TempDir
    Path stateDir;
    MockApiServer api;
    KubernetesClient kube;
    FakeHost host = new FakeHost();
    KubeNetworkSource source;

    @BeforeEach
    void cluster() {
        api = MockApiServer.local();
        kube = api.client();
        kube.nodes().resource(node("n1", Map.of("rack", "a"))).create();
        kube.nodes().resource(node("n2", Map.of("rack", "b"))).create();
        kube.resources(io.vmnetd.kube.crd.ClusterNetwork.class).resource(clusterNetwork("mgmt")).create();
        kube.resources(io.vmnetd.kube.crd.ClusterNetwork.class).resource(clusterNetwork("data")).create();
        kube.resources(VlanConfig.class).resource(vlanConfig("data-a", "data", Map.of("rack", "a"), "eth1", "eth2"))
                .create();
        kube.resources(NetworkAttachmentDefinition.class).resource(vlanNad("default", "vlan100", "data", 100)).create();
    }

    @AfterEach
    void close() {
        if (source != null) {
            source.close();
        }
        kube.close();
        api.close();
    }

    static Node node(String name, Map<String, String> labels) {
        return new NodeBuilder().withNewMetadata().withName(name).withLabels(labels).endMetadata().build();
    }

    KubeNetworkSource start(String node) {
        source = new KubeNetworkSource(node, stateDir, 30, () -> Clients.create(api.config()));
        source.start(host);
        return source;
    }

    Optional<VlanStatus> status(String name) {
        return Optional.ofNullable(kube.resources(VlanStatus.class).withName(name).get());
    }

    Optional<Condition> condition(String status, String type) {
        return status(status).flatMap(s -> s.getStatus().conditions().stream().filter(c -> c.type().equals(type))
                .findFirst());
    }

    Map<String, String> nodeLabels(String node) {
        return kube.nodes().withName(node).get().getMetadata().getLabels();
    }

    @Test
    void networksStatusesAndTheNodeLabelFollowTheCluster() {
        start("n1");
        Await.until("data and its VM network handed to the daemon", WAIT,
                () -> host.clusterNetworkNames().equals(List.of("data")) && host.vmNetworkNames().size() == 1,
                () -> host.received().toString());
        assertThat(host.last().clusterNetworks().get(0).origin()).isEqualTo("VlanConfig data-a");
        assertThat(host.last().vmNetworks().get(0).network().name()).isEqualTo("default-vlan100");

        Await.until("VlanStatus data-n1 ready", WAIT, () -> condition("data-n1", "ready")
                .map(c -> c.status().equals("True")).orElse(false), () -> String.valueOf(status("data-n1")));
        VlanStatus.Status s = status("data-n1").orElseThrow().getStatus();
        assertThat(s.clusterNetwork()).isEqualTo("data");
        assertThat(s.vlanConfig()).isEqualTo("data-a");
        assertThat(s.node()).isEqualTo("n1");
        assertThat(s.bridge()).isEqualTo("data-br");
        assertThat(s.bond()).isEqualTo("data-bo");
        assertThat(s.vids()).isEqualTo("1,100");
        assertThat(s.localAreas()).containsExactly(new VlanStatus.LocalArea(100, null));
        assertThat(s.linkStatus()).extracting(VlanStatus.LinkStatus::name, VlanStatus.LinkStatus::state)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("data-br", "UP"),
                        org.assertj.core.groups.Tuple.tuple("data-bo", "UP"),
                        org.assertj.core.groups.Tuple.tuple("eth1", "UP"),
                        org.assertj.core.groups.Tuple.tuple("eth2", "UP"));
        assertThat(s.vmNetworks()).singleElement().satisfies(v -> {
            assertThat(v.name()).isEqualTo("default/vlan100");
            assertThat(v.state()).isEqualTo("Ready");
            assertThat(v.vlans()).isEqualTo("100");
        });
        assertThat(condition("data-n1", "configured").orElseThrow().reason()).isEqualTo("Applied");
        assertThat(status("data-n1").orElseThrow().getMetadata().getLabels()).containsEntry(Harvester.NODE_LABEL, "n1")
                .containsEntry(Harvester.CLUSTER_NETWORK_LABEL, "data")
                .containsEntry(Harvester.VLAN_CONFIG_LABEL, "data-a");
        Await.until("node label network.harvesterhci.io/data=true", WAIT,
                () -> "true".equals(nodeLabels("n1").get("network.harvesterhci.io/data")));

        // A NAD added: its VID is handed over; one removed: gone again.
        kube.resources(NetworkAttachmentDefinition.class).resource(vlanNad("team", "vlan200", "data", 200)).create();
        Await.until("vlan200 handed over", WAIT, () -> host.vmNetworkNames().contains("team-vlan200"));
        kube.resources(NetworkAttachmentDefinition.class).inNamespace("team").withName("vlan200").delete();
        Await.until("vlan200 gone", WAIT, () -> !host.vmNetworkNames().contains("team-vlan200"));

        // The node relabelled out of the VlanConfig: the network, its status and its label go.
        kube.nodes().withName("n1").edit(n -> new NodeBuilder(n).editMetadata().addToLabels("rack", "b").endMetadata()
                .build());
        Await.until("data taken away", WAIT, () -> host.clusterNetworkNames().isEmpty());
        Await.until("VlanStatus deleted", WAIT, () -> status("data-n1").isEmpty());
        Await.until("node label removed", WAIT, () -> !nodeLabels("n1").containsKey("network.harvesterhci.io/data"));
        assertThat(nodeLabels("n1")).containsEntry("rack", "b");
    }

    @Test
    void aConflictingVlanConfigIsReportedAndChangesNothing() {
        start("n1");
        Await.until("VlanStatus data-n1 ready", WAIT, () -> condition("data-n1", "ready")
                .map(c -> c.status().equals("True")).orElse(false));
        int handedOver = host.received().size();

        kube.resources(VlanConfig.class).resource(vlanConfig("data-all", "data", Map.of(), "eth3")).create();

        Await.until("conflict reported", WAIT, () -> condition("data-n1", "configured")
                .map(c -> c.reason().equals("VlanConfigConflict")).orElse(false));
        Condition c = condition("data-n1", "configured").orElseThrow();
        assertThat(c.status()).isEqualTo("False");
        assertThat(c.message()).isEqualTo("VlanConfigs data-a and data-all both select this node for cluster network "
                + "data; remove this node from all but one (their nodeSelectors); the uplink from VlanConfig data-a "
                + "stays as it was");
        assertThat(condition("data-n1", "ready").orElseThrow().status()).as("what runs still works").isEqualTo("True");
        assertThat(host.received()).as("nothing new handed over").hasSize(handedOver);
        assertThat(host.last().clusterNetworks().get(0).network().uplink().nics()).containsExactly("eth1", "eth2");
        assertThat(status("data-n1").orElseThrow().getStatus().vlanConfig()).isEqualTo("data-a,data-all");
    }

    static void setUplink(KubernetesClient kube, VlanConfig.Uplink uplink) {
        kube.resources(VlanConfig.class).withName("data-a").edit(vc -> {
            vc.setSpec(new VlanConfig.Spec(null, "data", Map.of("rack", "a"), uplink));
            return vc;
        });
    }

    static Uplink uplink(SourcedNetworks networks) {
        return networks.clusterNetworks().get(0).network().uplink();
    }

    @Test
    void bondOptionsAndTheMacAreAppliedKeptAcrossARestartAndABadOneChangesNothing() {
        start("n1");
        Await.until("data handed over", WAIT, () -> host.clusterNetworkNames().equals(List.of("data")));

        // As Harvester writes it: the MAC as Go's base64, arp* at their CRD defaults.
        setUplink(kube, new VlanConfig.Uplink(List.of("eth1", "eth2"), new VlanConfig.LinkAttributes(null, null,
                "AgBeEAAB"), new VlanConfig.BondOptions("802.3ad", -1, "layer3+4", "fast", "bandwidth", -1, null,
                "none", "any")));
        BondSettings tuned = new BondSettings(Optional.of(XmitHashPolicy.LAYER3_4), Optional.of(LacpRate.FAST),
                Optional.of(AdSelect.BANDWIDTH), OptionalInt.empty(), OptionalInt.empty(), Optional.empty(),
                OptionalInt.empty());
        Await.until("the options handed to the daemon", WAIT, () -> uplink(host.last()).bond().equals(tuned),
                () -> host.last().toString());
        Uplink applied = uplink(host.last());
        assertThat(applied.mode()).isEqualTo(BondMode.IEEE_802_3AD);
        assertThat(applied.hardwareAddr()).contains(MacAddress.parse("02:00:5e:10:00:01"));
        Await.until("reported applied", WAIT, () -> condition("data-n1", "configured")
                .map(c -> c.reason().equals("Applied")).orElse(false));
        assertThat(condition("data-n1", "unsupported")).as("nothing left unapplied").isEmpty();

        // lacpRate kept, the mode changed to one that has no LACP: refused by field, nothing changed.
        int handedOver = host.received().size();
        setUplink(kube, new VlanConfig.Uplink(List.of("eth1", "eth2"), new VlanConfig.LinkAttributes(null, null,
                "AgBeEAAB"), new VlanConfig.BondOptions("balance-xor", -1, "layer3+4", "fast", null, -1, null,
                "none", "any")));
        Await.until("refusal reported", WAIT, () -> condition("data-n1", "configured")
                .map(c -> c.reason().equals("InvalidVlanConfig")).orElse(false));
        assertThat(condition("data-n1", "configured").orElseThrow().message()).isEqualTo("VlanConfig data-a: "
                + "spec.uplink.bondOptions.lacpRate: the bonding driver uses lacp_rate only in mode 802.3ad; this "
                + "bond's mode is balance-xor: remove lacpRate or change spec.uplink.bondOptions.mode; the uplink "
                + "from VlanConfig data-a stays as it was");
        assertThat(host.received()).as("nothing new handed over").hasSize(handedOver);
        assertThat(uplink(host.last())).isEqualTo(applied);

        // Without the API server, the restarted node builds the last good uplink, options and MAC included.
        api.stop();
        source.close();
        source = null;
        FakeHost restarted = new FakeHost();
        KubeNetworkSource again = new KubeNetworkSource("n1", stateDir, 30, () -> Clients.create(api.config()));
        try {
            again.start(restarted);
            assertThat(restarted.received()).hasSize(1);
            assertThat(uplink(restarted.last())).isEqualTo(applied);
        } finally {
            again.close();
        }
    }

    @Test
    void aRefusalAndAnUnhealthyNetworkAreReportedAndTheLabelFollowsReadiness() {
        start("n1");
        Await.until("labelled", WAIT, () -> "true".equals(nodeLabels("n1").get("network.harvesterhci.io/data")));

        host.refuse(List.of(new Refusal("data", "VlanConfig data-a", true, "cluster network data is declared by the "
                + "config file and by VlanConfig data-a differently: mtu is 9000 in the file, 1500 in the cluster")));
        host.breakNetwork("data");
        source.nodeChanged();

        Await.until("refusal reported", WAIT, () -> condition("data-n1", "configured")
                .map(c -> c.reason().equals("ClashesWithConfigFile")).orElse(false));
        assertThat(condition("data-n1", "configured").orElseThrow().message()).contains("mtu is 9000 in the file");
        Await.until("not ready", WAIT, () -> condition("data-n1", "ready").map(c -> c.status().equals("False"))
                .orElse(false));
        assertThat(condition("data-n1", "ready").orElseThrow().message()).isEqualTo("data-br is down");
        Await.until("label removed while not ready", WAIT,
                () -> !nodeLabels("n1").containsKey("network.harvesterhci.io/data"));
    }

    @Test
    void connectivityResultsAreWrittenOnlyWhenTheyChange() {
        start("n1");
        Await.until("status ready", WAIT, () -> condition("data-n1", "ready").map(c -> c.status().equals("True"))
                .orElse(false));
        api.takeRequests();

        Instant first = Instant.parse("2026-01-01T10:00:00Z");
        source.connectivity(new ConnectivityResult("default-vlan100", ConnectivityResult.Outcome.PING_FAILED,
                "gateway 10.0.100.1 did not answer", first));
        Await.until("connectivity written", WAIT, () -> status("data-n1").map(s -> "ping failed".equals(
                s.getStatus().vmNetworks().get(0).connectivity())).orElse(false));
        VlanStatus.VmNetworkStatus v = status("data-n1").orElseThrow().getStatus().vmNetworks().get(0);
        assertThat(v.connectivityMessage()).isEqualTo("gateway 10.0.100.1 did not answer");
        assertThat(v.connectivityChanged()).isEqualTo("2026-01-01T10:00:00Z");
        api.takeRequests();

        for (int i = 1; i <= 5; i++) {
            source.connectivity(new ConnectivityResult("default-vlan100", ConnectivityResult.Outcome.PING_FAILED,
                    "gateway 10.0.100.1 did not answer", first.plusSeconds(60 * i)));
            source.nodeChanged();
        }
        sleep(1500);
        assertThat(api.takeRequests()).as("the same result again writes nothing")
                .noneMatch(r -> r.method().equals("PATCH") || r.method().equals("POST") || r.method().equals("PUT"));
    }

    @Test
    void theLastGoodNetworksOutliveTheApiServer() throws Exception {
        start("n1");
        Await.until("data handed over", WAIT, () -> host.clusterNetworkNames().equals(List.of("data")));
        Path saved = stateDir.resolve(LastGoodState.FILE);
        Await.until("saved", WAIT, () -> Files.exists(saved));
        assertThat(Files.readString(saved)).contains("\"vlanConfig\" : \"data-a\"", "\"nad\" : \"default/vlan100\"");

        api.stop();
        sleep(2000);
        assertThat(host.clusterNetworkNames()).as("an API server gone takes nothing away").containsExactly("data");
        source.close();
        source = null;

        FakeHost restarted = new FakeHost();
        KubeNetworkSource again = new KubeNetworkSource("n1", stateDir, 30, () -> Clients.create(api.config()));
        try {
            again.start(restarted);
            assertThat(restarted.received()).as("handed over before start() returns, without the API server")
                    .hasSize(1);
            assertThat(restarted.clusterNetworkNames()).containsExactly("data");
            assertThat(restarted.vmNetworkNames()).containsExactly("default-vlan100");

            api.start();
            kube.resources(NetworkAttachmentDefinition.class).resource(vlanNad("team", "vlan300", "data", 300))
                    .create();
            Await.until("back in step once the API server returns", WAIT,
                    () -> restarted.vmNetworkNames().contains("team-vlan300"), () -> restarted.received().toString());
        } finally {
            again.close();
        }
    }

    @Test
    void aCorruptStateFileIsMovedAsideAndTheNodeStartsWithoutIt() throws Exception {
        Files.writeString(stateDir.resolve(LastGoodState.FILE), "{\"node\": \"n1\", \"clusterNetworks\": [");
        api.stop();
        start("n1");
        assertThat(host.received()).isEmpty();
        try (var files = Files.list(stateDir)) {
            assertThat(files.map(p -> p.getFileName().toString()))
                    .anySatisfy(n -> assertThat(n).startsWith("kubernetes.json.corrupt-"));
        }
    }

    @Test
    void aNodeOnlyListsAndWatchesWhatItNeeds() {
        start("n1");
        Await.until("status written", WAIT, () -> status("data-n1").isPresent());
        List<MockApiServer.Request> requests = api.takeRequests();
        assertThat(requests).filteredOn(r -> r.resource().equals("nodes") && (r.isList() || r.isWatch()))
                .allSatisfy(r -> assertThat(r.path()).contains("fieldSelector=metadata.name%3Dn1"));
        assertThat(requests).filteredOn(r -> r.resource().equals("network-attachment-definitions")
                        && (r.isList() || r.isWatch()))
                .allSatisfy(r -> assertThat(r.path()).contains("labelSelector=network.harvesterhci.io%2Fclusternetwork"));
        assertThat(requests).filteredOn(r -> r.resource().equals("vlanstatuses") && (r.isList() || r.isWatch()))
                .allSatisfy(r -> assertThat(r.path()).contains("labelSelector=network.harvesterhci.io%2Fnode%3Dn1"));
        assertThat(requests).noneMatch(r -> r.path().contains("/pods"));
    }

    static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
