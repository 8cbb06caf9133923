package io.vmnetd.daemon.lab.cni;

import static io.vmnetd.daemon.testing.CniLab.conf;
import static io.vmnetd.daemon.testing.CniLab.ping;
import static io.vmnetd.daemon.testing.CniLab.staticIp;
import static org.assertj.core.api.Assertions.assertThat;

import io.vmnetd.daemon.testing.CniLab;
import io.vmnetd.daemon.testing.KernelState;
import io.vmnetd.daemon.testing.LabTopology;
import io.vmnetd.daemon.testing.SwitchHost;
import io.vmnetd.daemon.testing.Tcpdump;
import io.vmnetd.netlink.testing.LabTest;
import io.vmnetd.netlink.testing.TestNetns;
import io.vmnetd.netlink.testing.VlanMembership;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Traffic through pods attached by the vmnet shim: a switch namespace on the far side of uplink eth1 trunks every
 * VID (VLAN 1 native); one host sits on its native VLAN, one on VLAN 100. Checked with ping, iproute2 and
 * tcpdump, never with the daemon's own view.
 */
@LabTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CniDatapathLabTest {
    @RegisterExtension
    static final CniLab lab = CniLab.of(CniLab.DATA_NETWORKS, "eth1");

    private SwitchHost nativeHost;
    private SwitchHost host100;

    @BeforeAll
    void start() {
        SwitchHost.trunkAll(lab.topology(), "eth1");
        nativeHost = SwitchHost.attach(lab.topology(), "h-native", 1, "10.1.0.1/24");
        host100 = SwitchHost.attach(lab.topology(), "h-vlan100", 100, "10.100.0.1/24");
    }

    @AfterEach
    void cleanPods() {
        lab.cleanPods();
    }

    @AfterAll
    void stop() {
        if (nativeHost != null) {
            nativeHost.close();
        }
        if (host100 != null) {
            host100.close();
        }
    }

    @Test
    void podsOnVlan100ReachEachOtherAndTheVlan100HostButAPodOnVlan200InTheSameSubnetReachesNeither() {
        TestNetns a = lab.pod();
        TestNetns b = lab.pod();
        TestNetns c = lab.pod();
        String hostA = CniLab.hostVeth(lab.add("dp-a", a, conf("vlan100", staticIp("10.100.0.2/24"))).orFail());
        lab.add("dp-b", b, conf("vlan100", staticIp("10.100.0.3/24"))).orFail();
        String hostC = CniLab.hostVeth(lab.add("dp-c", c, conf("vlan200", staticIp("10.100.0.4/24"))).orFail());

        assertThat(ping(a, "10.100.0.3", 3)).as("pod a -> pod b on VLAN 100").isTrue();
        assertThat(ping(b, "10.100.0.2", 3)).as("pod b -> pod a on VLAN 100").isTrue();
        assertThat(ping(a, host100.address(), 3)).as("pod a -> the switch's VLAN 100 host").isTrue();
        assertThat(ping(c, "10.100.0.2", 1)).as("VLAN 200 pod -> pod a").isFalse();
        assertThat(ping(c, "10.100.0.3", 1)).as("VLAN 200 pod -> pod b").isFalse();
        assertThat(ping(c, host100.address(), 1)).as("VLAN 200 pod -> VLAN 100 host").isFalse();

        KernelState node = KernelState.host();
        assertThat(node.bridgeVlans(hostA)).isEqualTo(VlanMembership.of("100", "100", 100));
        assertThat(node.bridgeVlans(hostC)).isEqualTo(VlanMembership.of("200", "200", 200));
        assertThat(node.master(hostA)).contains(CniLab.BRIDGE);
        VlanMembership uplink = node.bridgeVlans("data-bo");
        assertThat(uplink.vids().contains(100)).as("uplink carries 100: " + uplink).isTrue();
        assertThat(uplink.vids().contains(200)).as("uplink carries 200: " + uplink).isTrue();
        assertThat(uplink.untagged().contains(100) || uplink.untagged().contains(200)).as(uplink.toString()).isFalse();
    }

    @Test
    void aPodOnTheUntaggedNetworkReachesTheHostOnTheSwitchsNativeVlan() {
        TestNetns n = lab.pod();
        TestNetns v = lab.pod();
        String hostN = CniLab.hostVeth(lab.add("dp-native", n, conf("native", staticIp("10.1.0.2/24"))).orFail());
        lab.add("dp-v100", v, conf("vlan100", staticIp("10.1.0.3/24"))).orFail();

        assertThat(ping(n, nativeHost.address(), 3)).as("untagged pod -> native-VLAN host").isTrue();
        assertThat(ping(v, nativeHost.address(), 1)).as("VLAN 100 pod -> native-VLAN host").isFalse();
        assertThat(KernelState.host().bridgeVlans(hostN)).isEqualTo(VlanMembership.of("1", "1", 1));
    }

    @Test
    void onTheSwitchPortVlan100FramesAreTaggedAndUntaggedNetworkFramesAreNot() throws Exception {
        TestNetns v = lab.pod();
        TestNetns n = lab.pod();
        String macV = CniLab.podMac(lab.add("dp-tag-v", v, conf("vlan100", staticIp("10.100.0.5/24"))).orFail()).toLowerCase(Locale.ROOT);
        String macN = CniLab.podMac(lab.add("dp-tag-n", n, conf("native", staticIp("10.1.0.5/24"))).orFail()).toLowerCase(Locale.ROOT);

        List<String> frames;
        try (Tcpdump dump = Tcpdump.start(lab.topology().switchNs().name(), LabTopology.switchPortOf("eth1"))) {
            assertThat(ping(v, host100.address(), 3)).isTrue();
            assertThat(ping(n, nativeHost.address(), 3)).isTrue();
            Thread.sleep(500); // let tcpdump print the last replies
            frames = dump.stop();
        }
        List<String> ofV = frames.stream().filter(l -> l.toLowerCase(Locale.ROOT).contains(macV)).toList();
        List<String> ofN = frames.stream().filter(l -> l.toLowerCase(Locale.ROOT).contains(macN)).toList();
        assertThat(ofV).as("frames of the VLAN 100 pod (%s) in %s", macV, frames).isNotEmpty()
                .allSatisfy(l -> assertThat(l).contains("802.1Q").contains("vlan 100,"));
        assertThat(ofV).anySatisfy(l -> assertThat(l).contains("ICMP echo request"));
        assertThat(ofN).as("frames of the untagged pod (%s) in %s", macN, frames).isNotEmpty()
                .allSatisfy(l -> assertThat(l).doesNotContain("802.1Q").doesNotContain("vlan "));
        assertThat(ofN).anySatisfy(l -> assertThat(l).contains("ICMP echo request"));
    }
}
