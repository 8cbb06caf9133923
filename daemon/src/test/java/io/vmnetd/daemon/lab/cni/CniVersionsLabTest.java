package io.vmnetd.daemon.lab.cni;

import static io.vmnetd.daemon.testing.CniLab.conf;
import static io.vmnetd.daemon.testing.CniLab.staticIp;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.vmnetd.daemon.testing.CniCall;
import io.vmnetd.daemon.testing.CniLab;
import io.vmnetd.daemon.testing.KernelState;
import io.vmnetd.netlink.testing.LabTest;
import io.vmnetd.netlink.testing.TestNetns;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Results and errors come in the cniVersion the runtime asked for, for every version vmnet supports. */
@LabTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CniVersionsLabTest {
    private static final List<String> VERSIONS = List.of("0.3.0", "0.3.1", "0.4.0", "1.0.0", "1.1.0");

    @RegisterExtension
    static final CniLab lab = CniLab.of(CniLab.DATA_NETWORKS, "eth1");

    @Test
    void everyVersionGetsItsOwnResultWithAndWithoutIpam() {
        List<String> macs = new ArrayList<>();
        for (int i = 0; i < VERSIONS.size(); i++) {
            String v = VERSIONS.get(i);
            TestNetns pod = lab.pod();
            String withIpam = conf(v, "vlan100", staticIp("10.100.0." + (10 + i) + "/24"), "");
            JsonNode r = lab.add(CniCall.add(lab.socket(), "ver-" + v, pod.path().toString(), "eth0", withIpam)).orFail();
            String l2Conf = conf(v, "vlan100", "{}", "");
            JsonNode l2 = lab.add(CniCall.add(lab.socket(), "ver-" + v, pod.path().toString(), "net1", l2Conf)).orFail();

            assertThat(r.path("cniVersion").asText()).as(v + " with IPAM: " + r).isEqualTo(v);
            assertThat(r.path("interfaces")).as(v + " interfaces: " + r).hasSize(3);
            assertThat(r.path("interfaces").path(0).path("name").asText()).isEqualTo(CniLab.BRIDGE);
            assertThat(r.path("interfaces").path(2).path("name").asText()).isEqualTo("eth0");
            assertThat(r.path("interfaces").path(2).path("sandbox").asText()).isEqualTo(pod.path().toString());
            macs.add(CniLab.podMac(r));
            JsonNode ip = r.path("ips").path(0);
            assertThat(r.path("ips")).as(v + " ips: " + r).hasSize(1);
            assertThat(ip.path("address").asText()).isEqualTo("10.100.0." + (10 + i) + "/24");
            assertThat(ip.path("interface").asInt(-1)).as(v + " ips[0].interface").isEqualTo(2);
            if (v.startsWith("0.")) {
                assertThat(ip.path("version").asText()).as(v + " ips[0].version: " + r).isEqualTo("4");
            } else {
                assertThat(ip.has("version")).as(v + " has no ips[].version: " + r).isFalse();
            }

            assertThat(l2.path("cniVersion").asText()).as(v + " without IPAM: " + l2).isEqualTo(v);
            assertThat(l2.path("interfaces")).as(v + " without IPAM: " + l2).hasSize(3);
            assertThat(l2.has("ips") || l2.has("routes") || l2.has("dns")).as(v + " interfaces only: " + l2).isFalse();
            assertThat(KernelState.in(pod.name()).linkNames()).containsExactlyInAnyOrder("lo", "eth0", "net1");

            CniCall.Result error = CniCall.add(lab.socket(), "ver-bad-" + v, pod.path().toString(), "eth1",
                    conf(v, "nope", "{}", "")).run();
            assertThat(error.errorCode()).as(v + " error " + error).isEqualTo(7);
            assertThat(error.json().path("cniVersion").asText()).as(v + " error " + error).isEqualTo(v);
            assertThat(error.json().has("msg")).isTrue();
        }
        assertThat(macs).as("container MACs").doesNotHaveDuplicates();
        lab.cleanPods();
    }

    @Test
    void versionIsAnsweredWithEverySupportedVersion() {
        JsonNode r = CniCall.command("VERSION", lab.socket()).config("{\"cniVersion\":\"0.4.0\"}").run().orFail();
        assertThat(r.path("cniVersion").asText()).isEqualTo("1.1.0");
        List<String> supported = new ArrayList<>();
        r.path("supportedVersions").forEach(n -> supported.add(n.asText()));
        assertThat(supported).containsExactlyElementsOf(VERSIONS);
    }
}
