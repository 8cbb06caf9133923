package io.vmnetd.daemon.lab.cni;

import static io.vmnetd.daemon.testing.CniLab.conf;
import static org.assertj.core.api.Assertions.assertThat;

import io.vmnetd.daemon.testing.CniCall;
import io.vmnetd.daemon.testing.CniLab;
import io.vmnetd.netlink.testing.LabTest;
import io.vmnetd.netlink.testing.TestNetns;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * STATUS (CNI 1.1.0) answers whether an ADD on a network can succeed now: success for a healthy network, error 50
 * for one whose cluster network lacks its NIC (data2, uplink eth9, which does not exist) or its bridge (a VM
 * network on the adopted mgmt network of a node without mgmt-br).
 */
@LabTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CniStatusLabTest {
    private static final String NETWORKS = CniLab.DATA_NETWORKS.replace("vmNetworks:\n", """
              - name: data2
                uplink: {nics: [eth9]}
            vmNetworks:
              - {name: on-data2, clusterNetwork: data2, type: L2VlanNetwork, vlan: 300}
              - {name: on-mgmt, clusterNetwork: mgmt, type: UntaggedNetwork}
            """);

    @RegisterExtension
    static final CniLab lab = CniLab.of(NETWORKS, "eth1");

    @Test
    void statusSucceedsForAReadyNetworkByNameOrByBridge() {
        CniCall.Result byName = status(conf("1.1.0", "vlan100", "{}", ""));
        assertThat(byName.exitCode()).as(byName.toString()).isZero();
        assertThat(byName.stdout()).isBlank();
        CniCall.Result byBridge = status("{\"cniVersion\":\"1.1.0\",\"name\":\"vlan100\",\"type\":\"vmnet\","
                + "\"bridge\":\"data-br\",\"vlan\":100,\"ipam\":{}}");
        assertThat(byBridge.exitCode()).as(byBridge.toString()).isZero();
    }

    @Test
    void statusIsError50WhenTheClusterNetworkMissesItsNic() {
        CniCall.Result r = status(conf("1.1.0", "on-data2", "{}", ""));
        assertThat(r.errorCode()).as(r.toString()).isEqualTo(50);
        assertThat(r.msg()).contains("data2").contains("eth9");
        assertThat(r.json().path("cniVersion").asText()).isEqualTo("1.1.0");
    }

    @Test
    void statusIsError50WhenTheClusterNetworkMissesItsBridgeAndAnAddThereIsToldToTryAgainLater() {
        CniCall.Result r = status(conf("1.1.0", "on-mgmt", "{}", ""));
        assertThat(r.errorCode()).as(r.toString()).isEqualTo(50);
        assertThat(r.msg()).contains("mgmt-br");

        TestNetns pod = lab.pod();
        CniCall.Result add = lab.add("status-1", pod, conf("1.1.0", "on-mgmt", "{}", ""));
        assertThat(add.errorCode()).as(add.toString()).isEqualTo(11);
        assertThat(CniLab.hostVeths()).isEmpty();
        lab.cleanPods();
    }

    private CniCall.Result status(String conf) {
        return CniCall.command("STATUS", lab.socket()).path(CniCall.CNI_PATH).config(conf).run();
    }
}
