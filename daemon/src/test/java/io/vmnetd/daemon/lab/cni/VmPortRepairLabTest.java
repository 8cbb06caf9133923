package io.vmnetd.daemon.lab.cni;

import static io.vmnetd.daemon.testing.CniLab.conf;
import static io.vmnetd.daemon.testing.CniLab.eventually;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.vmnetd.daemon.testing.CniCall;
import io.vmnetd.daemon.testing.CniLab;
import io.vmnetd.daemon.testing.KernelState;
import io.vmnetd.netlink.testing.LabTest;
import io.vmnetd.netlink.testing.Shell;
import io.vmnetd.netlink.testing.TestNetns;
import io.vmnetd.netlink.testing.VlanMembership;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A VM port is described once and that description is made by ADD, kept by the reconciler and compared by CHECK:
 * every attribute ADD sets comes back after someone changes it by hand, the veth itself included.
 */
@LabTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class VmPortRepairLabTest {
    @RegisterExtension
    static final CniLab lab = CniLab.of(CniLab.DATA_NETWORKS, "eth1");

    private static final String STATIC_WITH_ROUTE = "{\"type\":\"static\",\"addresses\":[{\"address\":\"10.100.0.7/24\","
            + "\"gateway\":\"10.100.0.1\"}],\"routes\":[{\"dst\":\"0.0.0.0/0\"}]}";

    @AfterEach
    void cleanPods() {
        lab.cleanPods();
    }

    @Test
    void portIsolationIsSetByAddRepairedAfterDriftAndCheckedByCheck() {
        TestNetns pod = lab.pod();
        String conf = conf("1.0.0", "vlan100", "{}", "\"portIsolation\": true");
        JsonNode added = lab.add("iso-1", pod, conf).orFail();
        String hostVeth = CniLab.hostVeth(added);
        assertThat(KernelState.host().isolated(hostVeth)).as("isolated after ADD").isTrue();

        Shell.check("bridge", "link", "set", "dev", hostVeth, "isolated", "off");

        assertThat(eventually(10_000, () -> KernelState.host().isolated(hostVeth))).as("isolation repaired").isTrue();
        CniCall.Result check = CniCall.check(lab.socket(), "iso-1", pod.path().toString(), "eth0", conf).run();
        assertThat(check.exitCode()).as(check.toString()).isZero();
    }

    @Test
    void aPortWithoutIsolationThatIsIsolatedByHandIsSetBack() {
        TestNetns pod = lab.pod();
        String hostVeth = CniLab.hostVeth(lab.add("iso-2", pod, conf("vlan100", "{}")).orFail());
        assertThat(KernelState.host().isolated(hostVeth)).isFalse();

        Shell.check("bridge", "link", "set", "dev", hostVeth, "isolated", "on");

        assertThat(eventually(10_000, () -> !KernelState.host().isolated(hostVeth))).as("isolation removed").isTrue();
    }

    @Test
    void aVethDeletedByHandWhileThePodLivesIsMadeAgainWithItsMacAddressRouteAndVlans() {
        TestNetns pod = lab.pod();
        String conf = conf("vlan100", STATIC_WITH_ROUTE);
        JsonNode added = lab.add("veth-gone", pod, conf).orFail();
        String hostVeth = CniLab.hostVeth(added);
        String mac = CniLab.podMac(added);

        Shell.check("ip", "link", "del", hostVeth);

        assertThat(eventually(15_000, () -> KernelState.host().exists(hostVeth)
                && KernelState.host().isUp(hostVeth)
                && KernelState.host().bridgeVlans(hostVeth).equals(VlanMembership.of("100", "100", 100))))
                .as("host end made again, on its VLAN and up").isTrue();
        KernelState inPod = KernelState.in(pod.name());
        assertThat(KernelState.host().master(hostVeth)).hasValue(CniLab.BRIDGE);
        assertThat(KernelState.host().mtu(hostVeth)).isEqualTo(9000);
        assertThat(inPod.mac("eth0")).isEqualToIgnoringCase(mac);
        assertThat(inPod.mtu("eth0")).isEqualTo(9000);
        assertThat(pod.ip("-4", "-o", "addr", "show", "dev", "eth0")).contains("10.100.0.7/24");
        assertThat(pod.ip("route", "show", "default")).contains("via 10.100.0.1 dev eth0");
        assertThat(lab.ports()).hasSize(1);
        assertThat(lab.ports().get(0).path("state").asText()).isEqualTo("READY");
        CniCall.Result check = CniCall.check(lab.socket(), "veth-gone", pod.path().toString(), "eth0", conf).run();
        assertThat(check.exitCode()).as(check.toString()).isZero();
    }

    @Test
    void promiscModeKeepsTheBridgePromiscuousWhileThePortLives() {
        TestNetns pod = lab.pod();
        lab.add("promisc-1", pod, conf("1.0.0", "vlan100", "{}", "\"promiscMode\": true")).orFail();
        assertThat(KernelState.host().flags(CniLab.BRIDGE)).contains("PROMISC");

        Shell.check("ip", "link", "set", CniLab.BRIDGE, "promisc", "off");

        assertThat(eventually(10_000, () -> KernelState.host().flags(CniLab.BRIDGE).contains("PROMISC")))
                .as("promiscuity repaired").isTrue();
    }
}
