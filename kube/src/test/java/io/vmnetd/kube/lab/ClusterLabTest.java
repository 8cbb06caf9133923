package io.vmnetd.kube.lab;

import static io.vmnetd.kube.testing.ClusterObjects.clusterNetwork;
import static io.vmnetd.kube.testing.ClusterObjects.vlanConfig;
import static io.vmnetd.kube.testing.ClusterObjects.vlanNad;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.vmnetd.daemon.testing.CniCall;
import io.vmnetd.daemon.testing.CniLab;
import io.vmnetd.daemon.testing.KernelState;
import io.vmnetd.kube.crd.ClusterNetwork;
import io.vmnetd.kube.crd.Condition;
import io.vmnetd.kube.crd.NetworkAttachmentDefinition;
import io.vmnetd.kube.crd.VlanConfig;
import io.vmnetd.kube.crd.VlanStatus;
import io.vmnetd.kube.lab.ClusterLab.Node;
import io.vmnetd.kube.testing.Await;
import io.vmnetd.netlink.testing.LabTest;
import io.vmnetd.netlink.testing.TestNetns;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Three nodes of one cluster, each a network namespace with its own NICs and its own vmnetd process in Kubernetes mode,
 * and one mock API server: what the cluster declares is built on exactly the nodes it selects, read back with
 * iproute2 in each node's namespace, and reported through the API. The steps build on each other and share one setup
 * (three daemon JVMs are the expensive part under TCG).
 */
@LabTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ClusterLabTest {
    /** A bound for failures only: steps take seconds when the lab has its CPUs to itself, minutes when it shares them. */
    static final Duration WAIT = Duration.ofSeconds(400);
    static final String RACK = "topology.example/rack";

    ClusterLab lab;
    KubernetesClient kube;

    @BeforeAll
    void cluster() throws Exception {
        Path kubeJar = Path.of(System.getProperty("vmnetd.kube.jar", "kube/target/vmnetd-kube.jar"));
        lab = ClusterLab.create(kubeJar, "n1", "n2", "n3");
        kube = lab.api().client();
        kube.nodes().resource(node("n1", "a")).create();
        kube.nodes().resource(node("n2", "a")).create();
        kube.nodes().resource(node("n3", "b")).create();
        kube.resources(ClusterNetwork.class).resource(clusterNetwork("mgmt")).create();
        kube.resources(ClusterNetwork.class).resource(clusterNetwork("data")).create();
        lab.startDaemons();
    }

    @AfterAll
    void close() {
        if (kube != null) {
            kube.close();
        }
        if (lab != null) {
            lab.close();
        }
    }

    static io.fabric8.kubernetes.api.model.Node node(String name, String rack) {
        return new NodeBuilder().withNewMetadata().withName(name).addToLabels(RACK, rack).endMetadata().build();
    }

    @Test
    @Order(1)
    void aVlanConfigBuildsTheBridgeOnExactlyTheNodesItSelects() {
        kube.resources(VlanConfig.class).resource(vlanConfig("data-rack-a", "data", Map.of(RACK, "a"), "eth1", "eth2"))
                .create();

        awaitBuilt("n1", "n2");
        assertNotBuilt("n3");
        for (String n : List.of("n1", "n2")) {
            KernelState k = lab.node(n).kernel();
            assertThat(k.kind("data-bo")).contains("bond");
            assertThat(k.master("data-bo")).contains("data-br");
            assertThat(k.master("eth1")).contains("data-bo");
            assertThat(k.master("eth2")).contains("data-bo");
            assertThat(k.vlanFiltering("data-br")).isEqualTo(1);
            awaitStatus(n, "ready", "True");
            awaitNodeLabel(n, true);
        }
        assertThat(status("n3")).isEmpty();
        assertThat(nodeLabels("n3")).doesNotContainKey("network.harvesterhci.io/data");
        VlanStatus.Status s = status("n1").orElseThrow().getStatus();
        assertThat(s.vlanConfig()).isEqualTo("data-rack-a");
        assertThat(s.linkStatus()).extracting(VlanStatus.LinkStatus::name)
                .containsExactly("data-br", "data-bo", "eth1", "eth2");
    }

    @Test
    @Order(2)
    void aNadAddsItsVidOnEverySelectedUplinkAndDeletingItRemovesIt() {
        kube.resources(NetworkAttachmentDefinition.class).resource(vlanNad("default", "vlan100", "data", 100)).create();
        for (String n : List.of("n1", "n2")) {
            awaitVid(n, 100, true);
        }
        assertNotBuilt("n3");
        Await.until("VlanStatus of n1 lists VID 100 from the kernel", WAIT, () -> status("n1")
                .map(s -> "1,100".equals(s.getStatus().vids())).orElse(false), () -> String.valueOf(status("n1")));

        kube.resources(NetworkAttachmentDefinition.class).inNamespace("default").withName("vlan100").delete();
        for (String n : List.of("n1", "n2")) {
            awaitVid(n, 100, false);
        }
    }

    @Test
    @Order(3)
    void relabellingANodeMovesIt() {
        relabel("n2", "b");
        relabel("n3", "a");

        awaitBuilt("n1", "n3");
        Await.until("n2 leaves the network", WAIT, () -> !lab.node("n2").kernel().exists("data-br"));
        KernelState n2 = lab.node("n2").kernel();
        assertThat(n2.master("eth1")).as("eth1 released").isEmpty();
        assertThat(n2.exists("data-bo")).isFalse();
        awaitNodeLabel("n2", false);
        awaitNodeLabel("n3", true);
        Await.until("n2's VlanStatus deleted", WAIT, () -> status("n2").isEmpty());
        awaitStatus("n3", "ready", "True");
    }

    @Test
    @Order(4)
    void aConflictingVlanConfigIsReportedAndChangesNothing() {
        Map<String, String> before = dumps();
        kube.resources(VlanConfig.class).resource(vlanConfig("data-eth2-only", "data", Map.of(RACK, "a"), "eth2"))
                .create();

        for (String n : List.of("n1", "n3")) {
            Await.until(n + " reports the conflict", WAIT, () -> condition(n, "configured")
                    .map(c -> "VlanConfigConflict".equals(c.reason())).orElse(false), () -> String.valueOf(status(n)));
            assertThat(condition(n, "configured").orElseThrow().message())
                    .contains("data-eth2-only and data-rack-a both select this node");
        }
        assertThat(dumps()).as("nothing changed in any node").isEqualTo(before);
        assertThat(condition("n1", "ready").orElseThrow().status()).isEqualTo("True");

        kube.resources(VlanConfig.class).withName("data-eth2-only").delete();
        Await.until("the conflict cleared", WAIT, () -> condition("n1", "configured")
                .map(c -> "Applied".equals(c.reason())).orElse(false));
        assertThat(dumps()).isEqualTo(before);
    }

    @Test
    @Order(5)
    void withoutTheApiServerEveryNetworkStaysAndCniAddWorks() throws Exception {
        kube.resources(NetworkAttachmentDefinition.class).resource(vlanNad("default", "vlan100", "data", 100)).create();
        awaitVid("n1", 100, true);
        awaitVid("n3", 100, true);
        Map<String, String> before = dumps();

        lab.api().stop();
        Thread.sleep(5000);
        assertThat(dumps()).as("no API server changes nothing").isEqualTo(before);

        Node n1 = lab.node("n1");
        n1.daemon().kill9();
        n1.daemon().startProcess();
        assertThat(n1.daemon().log()).contains("starts with the cluster's last networks");
        assertThat(dumps()).as("a daemon restarted without its API server keeps its networks").isEqualTo(before);

        try (TestNetns pod = TestNetns.create()) {
            String conf = "{\"cniVersion\":\"1.0.0\",\"name\":\"vlan100\",\"type\":\"vmnet\",\"bridge\":\"data-br\","
                    + "\"vlan\":100}";
            CniCall.Result add = CniCall.add(n1.daemon().socket(), "pod-1", pod.path().toString(), "eth0", conf).run();
            assertThat(add.exitCode()).as("CNI ADD: %s", add).isZero();
            String hostVeth = CniLab.hostVeth(add.json());
            KernelState k = n1.kernel();
            assertThat(k.master(hostVeth)).contains("data-br");
            assertThat(k.pvid(hostVeth)).hasValue(100);
            CniCall.Result del = CniCall.del(n1.daemon().socket(), "pod-1", pod.path().toString(), "eth0", conf).run();
            assertThat(del.exitCode()).as("CNI DEL: %s", del).isZero();
        }

        lab.api().start();
        kube.resources(NetworkAttachmentDefinition.class).resource(vlanNad("default", "vlan300", "data", 300)).create();
        awaitVid("n1", 300, true);
        awaitVid("n3", 300, true);
    }

    @Test
    @Order(6)
    void bondOptionsAndTheMacOfAVlanConfigReachTheBondAndABadOneChangesNothing() {
        // As Harvester writes them: the MAC as Go's base64 of its bytes, arp* at their CRD defaults.
        setUplink(new VlanConfig.LinkAttributes(null, null, "AgBeEAAB"),
                new VlanConfig.BondOptions("802.3ad", -1, "layer3+4", "fast", "bandwidth", -1, null, "none", "any"));
        for (String n : List.of("n1", "n3")) {
            Await.until(n + "'s data-bo in 802.3ad with the VlanConfig's options and MAC", WAIT, () -> {
                KernelState k = lab.node(n).kernel().snapshot();
                JsonNode bond = k.infoData("data-bo");
                return bond.path("mode").asText().equals("802.3ad")
                        && bond.path("xmit_hash_policy").asText().equals("layer3+4")
                        && bond.path("ad_lacp_rate").asText().equals("fast")
                        && bond.path("ad_select").asText().equals("bandwidth")
                        && k.mac("data-bo").equals("02:00:5e:10:00:01");
            }, () -> lab.node(n).kernel().link("data-bo").map(JsonNode::toString).orElse("no data-bo"));
            KernelState k = lab.node(n).kernel().snapshot();
            assertThat(k.master("eth1")).contains("data-bo");
            assertThat(k.master("eth2")).contains("data-bo");
            assertThat(k.master("data-bo")).contains("data-br");
            Await.until(n + " reports the VlanConfig applied", WAIT, () -> condition(n, "configured")
                    .map(c -> "Applied".equals(c.reason())).orElse(false), () -> String.valueOf(status(n)));
        }
        assertNotBuilt("n2");

        Map<String, String> before = settledDumps();
        setUplink(new VlanConfig.LinkAttributes(null, null, "AgBeEAAB"),
                new VlanConfig.BondOptions("balance-xor", -1, "layer3+4", "fast", null, -1, null, "none", "any"));
        for (String n : List.of("n1", "n3")) {
            Await.until(n + " reports the refused lacpRate", WAIT, () -> condition(n, "configured")
                    .map(c -> "InvalidVlanConfig".equals(c.reason())).orElse(false), () -> String.valueOf(status(n)));
            assertThat(condition(n, "configured").orElseThrow().message()).startsWith("VlanConfig data-rack-a: "
                    + "spec.uplink.bondOptions.lacpRate: the bonding driver uses lacp_rate only in mode 802.3ad");
        }
        assertThat(dumps()).as("nothing changed in any node").isEqualTo(before);
    }

    // --- helpers

    void setUplink(VlanConfig.LinkAttributes attributes, VlanConfig.BondOptions bond) {
        kube.resources(VlanConfig.class).withName("data-rack-a").edit(vc -> {
            vc.setSpec(new VlanConfig.Spec(null, "data", Map.of(RACK, "a"), new VlanConfig.Uplink(
                    List.of("eth1", "eth2"), attributes, bond)));
            return vc;
        });
    }

    void awaitBuilt(String... nodes) {
        for (String n : nodes) {
            Await.until(n + " has data-br with bond data-bo", WAIT, () -> {
                KernelState k = lab.node(n).kernel();
                return k.exists("data-br") && k.master("data-bo").equals(Optional.of("data-br"));
            }, () -> lab.node(n).daemon().log());
        }
    }

    void assertNotBuilt(String node) {
        KernelState k = lab.node(node).kernel();
        assertThat(k.exists("data-br")).as("%s has no data-br", node).isFalse();
        assertThat(k.master("eth1")).isEmpty();
    }

    void awaitVid(String node, int vid, boolean present) {
        Await.until(node + (present ? " carries" : " no longer carries") + " VID " + vid + " on data-bo", WAIT,
                () -> lab.node(node).kernel().bridgeVlans("data-bo").vids().contains(vid) == present,
                () -> lab.node(node).kernel().allBridgeVlans().toString());
    }

    void relabel(String node, String rack) {
        kube.nodes().withName(node).edit(n -> new NodeBuilder(n).editMetadata().addToLabels(RACK, rack).endMetadata()
                .build());
    }

    Optional<VlanStatus> status(String node) {
        return Optional.ofNullable(kube.resources(VlanStatus.class).withName("data-" + node).get());
    }

    Optional<Condition> condition(String node, String type) {
        return status(node).flatMap(s -> s.getStatus().conditions().stream().filter(c -> c.type().equals(type))
                .findFirst());
    }

    void awaitStatus(String node, String type, String value) {
        Await.until("VlanStatus data-" + node + " " + type + "=" + value, WAIT, () -> condition(node, type)
                .map(c -> c.status().equals(value)).orElse(false), () -> String.valueOf(status(node)));
    }

    Map<String, String> nodeLabels(String node) {
        return kube.nodes().withName(node).get().getMetadata().getLabels();
    }

    void awaitNodeLabel(String node, boolean present) {
        Await.until("node " + node + (present ? " labelled" : " not labelled") + " network.harvesterhci.io/data=true",
                WAIT, () -> "true".equals(nodeLabels(node).get("network.harvesterhci.io/data")) == present);
    }

    /** {@link #dumps()} once two taken seconds apart agree (an 802.3ad bond picks its aggregator after a while). */
    Map<String, String> settledDumps() {
        AtomicReference<Map<String, String>> last = new AtomicReference<>(dumps());
        Await.until("the nodes' links settle", WAIT, () -> {
            sleep(3000);
            Map<String, String> now = dumps();
            return now.equals(last.getAndSet(now));
        });
        return last.get();
    }

    static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Every node's links and VLANs as iproute2 prints them (timers and counters aside). */
    Map<String, String> dumps() {
        Map<String, String> out = new LinkedHashMap<>();
        for (Node n : lab.nodes()) {
            out.put(n.name(), n.kernel().canonicalDump());
        }
        return out;
    }
}
