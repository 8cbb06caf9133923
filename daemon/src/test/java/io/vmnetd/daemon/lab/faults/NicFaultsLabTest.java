package io.vmnetd.daemon.lab.faults;

import static io.vmnetd.daemon.testing.CniLab.eventually;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.vmnetd.daemon.testing.CniLab;
import io.vmnetd.daemon.testing.KernelState;
import io.vmnetd.daemon.testing.LabTopology;
import io.vmnetd.netlink.testing.LabTest;
import io.vmnetd.netlink.testing.Shell;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A configured NIC absent at start, hot-removed, renamed or added back: its network reports degraded with the
 * reason (API and metrics), the other network is untouched, and the NIC is enslaved again when it returns. The
 * tests follow one node through these events, in order.
 */
@LabTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class NicFaultsLabTest {
    private static final String NETWORKS = """
            clusterNetworks:
              - {name: data, mtu: 9000, uplink: {nics: [eth1, eth2]}}
              - {name: storage, uplink: {nics: [eth3]}}
            vmNetworks:
              - {name: vlan100, clusterNetwork: data, type: L2VlanNetwork, vlan: 100}
            """;
    private static final List<String> STORAGE = List.of("link storage-br", "link storage-bo", "link eth3",
            "vlan storage-bo", "vlan storage-br");

    @RegisterExtension
    static final CniLab lab = CniLab.of(NETWORKS, "eth1", "eth3");

    private Map<String, String> storageBefore;

    @BeforeAll
    void remember() {
        storageBefore = storage();
    }

    @Test
    @Order(1)
    void aNicAbsentAtStartDegradesOnlyItsNetwork() {
        assertThat(network("data").path("status").asText()).isEqualTo("degraded");
        assertThat(network("data").path("problems").toString()).contains("NIC eth2 does not exist");
        assertThat(network("storage").path("status").asText()).isEqualTo("ok");
        assertThat(degraded("data")).isEqualTo(1);
        assertThat(degraded("storage")).isZero();
        assertThat(KernelState.host().master("eth1")).hasValue("data-bo");
    }

    @Test
    @Order(2)
    void aNicAddedBackIsEnslavedAndTheNetworkIsOkAgain() {
        lab.topology().addNic("eth2");

        assertThat(eventually(15_000, () -> KernelState.host().master("eth2").equals(java.util.Optional.of("data-bo"))
                && network("data").path("status").asText().equals("ok"))).isTrue();
        assertThat(KernelState.host().mtu("eth2")).isEqualTo(9000);
        assertThat(degraded("data")).isZero();
        assertThat(storage()).isEqualTo(storageBefore);
    }

    @Test
    @Order(3)
    void aNicHotRemovedDegradesItsNetworkAndLeavesTheOtherAlone() {
        Shell.check("ip", "link", "del", "eth2");

        assertThat(eventually(15_000, () -> network("data").path("status").asText().equals("degraded"))).isTrue();
        assertThat(network("data").path("problems").toString()).contains("NIC eth2 does not exist");
        assertThat(degraded("data")).isEqualTo(1);
        assertThat(KernelState.host().master("eth1")).hasValue("data-bo");
        assertThat(storage()).isEqualTo(storageBefore);
    }

    @Test
    @Order(4)
    void aNicRenamedIsReleasedAndTheNetworkDegradedUntilItsNameComesBack() {
        lab.topology().addNic("eth2");
        assertThat(eventually(15_000, () -> network("data").path("status").asText().equals("ok"))).isTrue();

        // In one batch: between the two, the daemon would bring its NIC up again, and an up link cannot be renamed.
        LabTopology.ipBatch(null, List.of("link set eth1 down", "link set eth1 name ethx"), false);

        assertThat(eventually(15_000, () -> network("data").path("status").asText().equals("degraded")
                && KernelState.host().master("ethx").isEmpty())).as("degraded, and the renamed NIC released").isTrue();
        assertThat(network("data").path("problems").toString()).contains("NIC eth1 does not exist");

        LabTopology.ipBatch(null, List.of("link set ethx down", "link set ethx name eth1"), false);

        assertThat(eventually(15_000, () -> KernelState.host().master("eth1").equals(java.util.Optional.of("data-bo"))
                && KernelState.host().isUp("eth1") && network("data").path("status").asText().equals("ok"))).isTrue();
        assertThat(storage()).isEqualTo(storageBefore);
    }

    private static JsonNode network(String name) {
        for (JsonNode n : lab.daemon().get("/v1/networks").requireOk().json()) {
            if (n.path("name").asText().equals(name)) {
                return n;
            }
        }
        throw new AssertionError("no network " + name + " in /v1/networks");
    }

    private static double degraded(String network) {
        return lab.daemon().metrics().sum("vmnetd_network_degraded", "network", network);
    }

    private static Map<String, String> storage() {
        Map<String, String> lines = KernelState.host().canonicalLines();
        Map<String, String> out = new java.util.TreeMap<>();
        STORAGE.forEach(k -> out.put(k, lines.get(k)));
        return out;
    }
}
