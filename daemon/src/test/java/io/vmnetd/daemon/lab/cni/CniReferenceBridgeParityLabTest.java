package io.vmnetd.daemon.lab.cni;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.vmnetd.daemon.testing.CniCall;
import io.vmnetd.daemon.testing.CniLab;
import io.vmnetd.daemon.testing.KernelState;
import io.vmnetd.netlink.testing.LabTest;
import io.vmnetd.netlink.testing.TestNetns;
import io.vmnetd.netlink.testing.VlanMembership;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The CNI reference bridge plugin (Debian's containernetworking-plugins, /usr/lib/cni/bridge) and vmnet given
 * the same Harvester-style netconf on the same bridge: the ports they make carry the same VLANs, so a node can
 * move from one to the other.
 */
@LabTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CniReferenceBridgeParityLabTest {
    private static final Path REFERENCE_BRIDGE = Path.of(CniCall.CNI_PATH, "bridge");
    private static final String HARVESTER = "{\"cniVersion\":\"0.3.1\",\"name\":\"vlan100\",\"type\":\"bridge\","
            + "\"bridge\":\"data-br\",\"vlan\":100,\"promiscMode\":true,\"ipam\":{}}";

    @RegisterExtension
    static final CniLab lab = CniLab.of(CniLab.DATA_NETWORKS, "eth1");

    @AfterEach
    void cleanPods() {
        lab.cleanPods();
    }

    @Test
    void vmnetWithPreserveDefaultVlanMakesTheSamePortVlansAsTheReferenceBridgePlugin() {
        TestNetns refPod = lab.pod();
        TestNetns vmnetPod = lab.pod();
        String vmnetConf = HARVESTER.replace("\"type\":\"bridge\"", "\"type\":\"vmnet\"")
                .replace("\"ipam\":{}", "\"preserveDefaultVlan\":true,\"ipam\":{}");

        JsonNode vmnet = lab.add("parity-vmnet", vmnetPod, vmnetConf).orFail();
        String vmnetVeth = CniLab.hostVeth(vmnet);
        assertThat(KernelState.host().flags(CniLab.BRIDGE)).as("promiscMode").contains("PROMISC");

        CniCall refAdd = CniCall.add(lab.socket(), "parity-ref", refPod.path().toString(), "eth0", HARVESTER)
                .plugin(REFERENCE_BRIDGE);
        JsonNode ref = refAdd.run().orFail();
        String refVeth = CniLab.hostVeth(ref);
        try {
            VlanMembership refVlans = KernelState.host().bridgeVlans(refVeth);
            VlanMembership vmnetVlans = KernelState.host().bridgeVlans(vmnetVeth);
            assertThat(refVlans).as("reference bridge plugin's port %s", refVeth)
                    .isEqualTo(VlanMembership.of("100", "100", 100)); // data-br gives joining ports no VLAN
            assertThat(vmnetVlans).as("vmnet's port %s", vmnetVeth).isEqualTo(refVlans);
            assertThat(KernelState.host().master(refVeth)).contains(CniLab.BRIDGE);
            assertThat(KernelState.host().master(vmnetVeth)).contains(CniLab.BRIDGE);
            assertThat(ref.path("cniVersion").asText()).isEqualTo(vmnet.path("cniVersion").asText());
            assertThat(ref.path("interfaces").path(0).path("name").asText())
                    .isEqualTo(vmnet.path("interfaces").path(0).path("name").asText());
            assertThat(ref.has("ips")).isEqualTo(vmnet.has("ips"));
        } finally {
            CniCall.del(lab.socket(), "parity-ref", refPod.path().toString(), "eth0", HARVESTER)
                    .plugin(REFERENCE_BRIDGE).run().orFail();
        }
        assertThat(KernelState.host().exists(refVeth)).isFalse();
    }

    @Test
    void withoutPreserveDefaultVlanVmnetMakesAPureAccessPort() {
        TestNetns pod = lab.pod();
        String conf = HARVESTER.replace("\"type\":\"bridge\"", "\"type\":\"vmnet\"");
        String veth = CniLab.hostVeth(lab.add("parity-access", pod, conf).orFail());
        assertThat(KernelState.host().bridgeVlans(veth)).isEqualTo(VlanMembership.of("100", "100", 100));
    }
}
