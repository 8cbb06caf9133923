package io.vmnetd.daemon.lab.cni;

import static io.vmnetd.daemon.testing.CniLab.conf;
import static io.vmnetd.daemon.testing.CniLab.eventually;
import static org.assertj.core.api.Assertions.assertThat;

import io.vmnetd.daemon.testing.CniLab;
import io.vmnetd.daemon.testing.KernelState;
import io.vmnetd.daemon.testing.UnixHttp;
import io.vmnetd.netlink.testing.LabTest;
import io.vmnetd.netlink.testing.TestNetns;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.RegisterExtension;

/** A pod's interface has its cluster network's MTU, and keeps having it when the config changes that MTU. */
@LabTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CniMtuLabTest {
    @RegisterExtension
    static final CniLab lab = CniLab.of(CniLab.DATA_NETWORKS, "eth1");

    @Test
    void thePodInterfaceHasTheClusterNetworksMtuAndFollowsAnMtuChangePostedToTheConfig() {
        TestNetns a = lab.pod();
        TestNetns b = lab.pod();
        String hostA = CniLab.hostVeth(lab.add("mtu-a", a, conf("vlan100", "{}")).orFail());
        // A netconf may state the MTU, as Harvester's do, when it is the cluster network's.
        String hostB = CniLab.hostVeth(lab.add("mtu-b", b, conf("1.0.0", "native", "{}", "\"mtu\": 9000")).orFail());

        assertThat(KernelState.in(a.name()).mtu("eth0")).isEqualTo(9000);
        assertThat(KernelState.in(b.name()).mtu("eth0")).isEqualTo(9000);
        assertThat(KernelState.host().mtu(hostA)).isEqualTo(9000);
        assertThat(KernelState.host().mtu(hostB)).isEqualTo(9000);

        UnixHttp.Response r = lab.daemon().postConfig(CniLab.DATA_NETWORKS.replace("mtu: 9000", "mtu: 4000"));
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        assertThat(r.json().path("result").asText()).as(r.body()).isEqualTo("ok");

        assertThat(eventually(20_000, () -> KernelState.in(a.name()).mtu("eth0") == 4000
                && KernelState.in(b.name()).mtu("eth0") == 4000))
                .as("pod MTUs after the change: %s, %s", KernelState.in(a.name()).mtu("eth0"),
                        KernelState.in(b.name()).mtu("eth0")).isTrue();
        KernelState node = KernelState.host();
        assertThat(node.mtu(hostA)).isEqualTo(4000);
        assertThat(node.mtu(hostB)).isEqualTo(4000);
        assertThat(node.mtu(CniLab.BRIDGE)).isEqualTo(4000);

        // A pod attached after the change gets the new MTU; the old one is now refused.
        TestNetns c = lab.pod();
        lab.add("mtu-c", c, conf("vlan100", "{}")).orFail();
        assertThat(KernelState.in(c.name()).mtu("eth0")).isEqualTo(4000);
        TestNetns d = lab.pod();
        int code = lab.add("mtu-d", d, conf("1.0.0", "vlan100", "{}", "\"mtu\": 9000")).errorCode();
        assertThat(code).isEqualTo(7);
        lab.cleanPods();
    }
}
