package io.vmnetd.daemon.lab;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import io.vmnetd.daemon.testing.CniCall;
import io.vmnetd.daemon.testing.DaemonUnderTest;
import io.vmnetd.daemon.testing.KernelState;
import io.vmnetd.daemon.testing.LabTopology;
import io.vmnetd.daemon.testing.UnixHttp;
import io.vmnetd.netlink.testing.LabTest;
import io.vmnetd.netlink.testing.TestNetns;
import io.vmnetd.netlink.testing.VlanMembership;
import java.nio.file.Files;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Config changes reach the kernel: a cluster network dropped from the config is taken down (bridge and bond gone,
 * NICs free and up) while mgmt is never deleted, only given back the VIDs vmnetd added; an MTU change reaches the
 * NICs, the bond, the bridge and the VM ports on it.
 */
@LabTest
class ConfigChangeLabTest {
    private final KernelState kernel = KernelState.host();
    private LabTopology lab;
    private DaemonUnderTest daemon;
    private TestNetns pod;

    @BeforeEach
    void wire() {
        lab = LabTopology.withNics(NodeConfigs.NICS);
        lab.createMgmt("eth5");
    }

    @AfterEach
    void unwire() {
        lab.closeAfter(daemon, pod);
    }

    @Test
    void aRemovedClusterNetworkIsTakenDownAndMgmtIsNeverDeleted() throws Exception {
        daemon = DaemonUnderTest.create(NodeConfigs.FULL).startInProcess();
        assertThat(kernel.bridgeVlans("mgmt-bo")).isEqualTo(VlanMembership.of("1,50", "1", 1));
        Map<String, String> dataBefore = lines(kernel.canonicalLines(), "data-br", "data-bo", "eth1", "eth2");

        // storage and every VM network on storage and mgmt go.
        UnixHttp.Response r = daemon.postConfig(NodeConfigs.DATA_ONLY);
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        assertThat(r.json().path("result").asText()).as(r.body()).isEqualTo("ok");

        KernelState after = kernel.snapshot();
        assertThat(after.exists("storage-br")).as("storage-br").isFalse();
        assertThat(after.exists("storage-bo")).as("storage-bo").isFalse();
        for (String nic : new String[] {"eth3", "eth4"}) {
            assertThat(after.master(nic)).as("master of %s", nic).isEmpty();
            assertThat(after.isUp(nic)).as("%s up", nic).isTrue();
        }
        // mgmt stays, bond and NIC included; only the VID vmnetd had added is gone again.
        assertThat(after.kind("mgmt-br")).contains("bridge");
        assertThat(after.master("mgmt-bo")).contains("mgmt-br");
        assertThat(after.master("eth5")).contains("mgmt-bo");
        assertThat(after.isUp("mgmt-br")).isTrue();
        assertThat(after.bridgeVlans("mgmt-bo")).isEqualTo(VlanMembership.of("1", "1", 1));
        // data is untouched.
        assertThat(lines(after.canonicalLines(), "data-br", "data-bo", "eth1", "eth2")).isEqualTo(dataBefore);
        assertThat(after.linksOfKind("bridge")).containsExactlyInAnyOrder("mgmt-br", "data-br");
        assertThat(after.linksOfKind("bond")).containsExactlyInAnyOrder("mgmt-bo", "data-bo");

        String registry = Files.readString(daemon.stateDir().resolve("networks.json"));
        assertThat(registry).contains("data-br").doesNotContain("storage");

        // Not even a config without any network deletes mgmt; data goes.
        r = daemon.postConfig("clusterNetworks: []\nvmNetworks: []\n");
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        after = kernel.snapshot();
        assertThat(after.linksOfKind("bridge")).containsExactly("mgmt-br");
        assertThat(after.linksOfKind("bond")).containsExactly("mgmt-bo");
        assertThat(after.master("eth5")).contains("mgmt-bo");
        for (String nic : new String[] {"eth1", "eth2", "eth3", "eth4"}) {
            assertThat(after.master(nic)).as("master of %s", nic).isEmpty();
            assertThat(after.isUp(nic)).as("%s up", nic).isTrue();
        }
    }

    @Test
    void anMtuChangeReachesNicsBondBridgeAndVmPorts() {
        daemon = DaemonUnderTest.create(NodeConfigs.FULL).startInProcess();
        String port = attachPort();

        UnixHttp.Response r = daemon.postConfig(NodeConfigs.FULL.replace("mtu: 9000", "mtu: 4000"));
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        assertThat(r.json().path("result").asText()).as(r.body()).isEqualTo("ok");

        KernelState after = kernel.snapshot();
        for (String dev : new String[] {"eth1", "eth2", "data-bo", "data-br"}) {
            assertThat(after.mtu(dev)).as("mtu of %s", dev).isEqualTo(4000);
        }
        for (String dev : new String[] {"eth3", "eth4", "storage-bo", "storage-br"}) {
            assertThat(after.mtu(dev)).as("mtu of %s", dev).isEqualTo(1500);
        }
        if (port != null) {
            assertThat(after.mtu(port)).as("mtu of VM port %s", port).isEqualTo(4000);
            assertThat(KernelState.in(pod.name()).mtu("eth0")).as("mtu of the pod's eth0").isEqualTo(4000);
        }
        assumeThat(port).as("the vmnet CNI shim (cni-shim/target/vmnet) to attach a VM port").isNotNull();
    }

    /** ADD of a pod to vlan100 through the vmnet shim; the host veth's name, or null without a usable shim. */
    private String attachPort() {
        try {
            CniCall.shim();
        } catch (IllegalStateException e) {
            return null;
        }
        pod = TestNetns.create();
        String conf = "{\"cniVersion\":\"1.0.0\",\"name\":\"vlan100\",\"type\":\"vmnet\",\"network\":\"vlan100\","
                + "\"ipam\":{}}";
        CniCall.Result add = CniCall.add(daemon.socket(), "mtu-test-1", pod.path().toString(), "eth0", conf).run();
        String hostVeth = add.orFail().path("interfaces").path(1).path("name").asText();
        assertThat(kernel.master(hostVeth)).contains("data-br");
        assertThat(kernel.mtu(hostVeth)).isEqualTo(9000);
        assertThat(KernelState.in(pod.name()).mtu("eth0")).isEqualTo(9000);
        return hostVeth;
    }

    private static Map<String, String> lines(Map<String, String> all, String... devs) {
        Map<String, String> out = new TreeMap<>();
        for (String dev : devs) {
            out.put("link " + dev, all.get("link " + dev));
            out.put("vlan " + dev, all.get("vlan " + dev));
        }
        return out;
    }
}
