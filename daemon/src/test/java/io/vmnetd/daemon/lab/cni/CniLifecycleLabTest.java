package io.vmnetd.daemon.lab.cni;

import static io.vmnetd.daemon.testing.CniLab.conf;
import static io.vmnetd.daemon.testing.CniLab.eventually;
import static io.vmnetd.daemon.testing.CniLab.hostLocal;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.vmnetd.daemon.testing.CniCall;
import io.vmnetd.daemon.testing.CniLab;
import io.vmnetd.daemon.testing.KernelState;
import io.vmnetd.netlink.testing.LabTest;
import io.vmnetd.netlink.testing.Shell;
import io.vmnetd.netlink.testing.TestNetns;
import io.vmnetd.netlink.testing.VlanMembership;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * ADD, DEL and CHECK repeated, out of order or after the pod changed behind the plugin's back, as runtimes do
 * them: host-local IPAM, so that a leaked or double-freed lease shows as a file in its data directory.
 */
@LabTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CniLifecycleLabTest {
    @RegisterExtension
    static final CniLab lab = CniLab.of(CniLab.DATA_NETWORKS, "eth1");

    private Path leases;
    private String conf;

    @BeforeAll
    void start() {
        leases = lab.daemon().dir().resolve("ipam");
        conf = conf("vlan100", hostLocal("10.100.0.0/24", leases));
    }

    @AfterEach
    void cleanPods() {
        lab.cleanPods();
        assertThat(lab.ports()).as("journal after each test").isEmpty();
        assertThat(leaseFiles()).as("host-local leases after each test").isZero();
    }

    @Test
    void addTwiceAnswersTheSameResultAndMakesOneVeth() {
        TestNetns pod = lab.pod();
        JsonNode first = lab.add("life-twice", pod, conf).orFail();
        JsonNode second = lab.add("life-twice", pod, conf).orFail();

        assertThat(second).isEqualTo(first);
        // The result's MACs are the kernel's as they are now (the bridge's may change when a port joins).
        String hostVeth = CniLab.hostVeth(first);
        assertThat(first.path("interfaces").path(0).path("mac").asText())
                .isEqualTo(KernelState.host().link(CniLab.BRIDGE).orElseThrow().path("address").asText());
        assertThat(first.path("interfaces").path(1).path("mac").asText())
                .isEqualTo(KernelState.host().link(hostVeth).orElseThrow().path("address").asText());
        assertThat(CniLab.podMac(first))
                .isEqualTo(KernelState.in(pod.name()).link("eth0").orElseThrow().path("address").asText());
        assertThat(CniLab.hostVeths()).containsExactly(hostVeth);
        assertThat(KernelState.in(pod.name()).linkNames()).containsExactlyInAnyOrder("lo", "eth0");
        assertThat(leaseFiles()).isEqualTo(1);
        assertThat(lab.ports()).hasSize(1);
    }

    /**
     * The host end is a bridge port and gets no IPv6 address; the pods' ends (IPv6 on in their namespaces) get their
     * link-local addresses as usual, which shows the reader sees addresses when there are some. Eight ADDs at once:
     * with the link events of the others, the kernel's link watch gets to a new host end late, as on a busy node.
     */
    @Test
    void theHostEndsOfParallelAddsHaveNoIpv6AddressThePodsEndsHaveTheirOwn() throws Exception {
        List<TestNetns> pods = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            pods.add(lab.pod());
        }
        ExecutorService callers = Executors.newFixedThreadPool(pods.size());
        List<Future<JsonNode>> adds = new ArrayList<>();
        try {
            for (int i = 0; i < pods.size(); i++) {
                TestNetns pod = pods.get(i);
                String id = "life-ipv6-" + i;
                adds.add(callers.submit(() -> lab.add(id, pod, conf).orFail()));
            }
            List<String> hostVeths = new ArrayList<>();
            for (Future<JsonNode> add : adds) {
                hostVeths.add(CniLab.hostVeth(add.get(120, TimeUnit.SECONDS)));
            }
            for (TestNetns pod : pods) {
                assertThat(eventually(10_000, () -> KernelState.in(pod.name()).ipv6Addresses("eth0").stream()
                        .anyMatch(a -> a.startsWith("fe80:")))).as("%s's eth0 has its link-local address: %s",
                        pod.name(), KernelState.in(pod.name()).ipv6Addresses("eth0")).isTrue();
            }
            Thread.sleep(2_000);    // the link watch has long marked the ports up: IPv6 would have made addresses
            KernelState host = KernelState.host().snapshot();
            for (String hostVeth : hostVeths) {
                assertThat(KernelState.host().ipv6Addresses(hostVeth)).as("IPv6 addresses of the host end " + hostVeth)
                        .isEmpty();
                assertThat(host.link(hostVeth).orElseThrow().path("inet6_addr_gen_mode").asText()).isEqualTo("none");
                assertThat(host.operstate(hostVeth)).isEqualTo("UP");
                assertThat(host.master(hostVeth)).contains(CniLab.BRIDGE);
            }
        } finally {
            callers.shutdownNow();
        }
    }

    @Test
    void delTwiceSucceedsBothTimesAndTheFirstRemovesEverything() {
        TestNetns pod = lab.pod();
        String hostVeth = CniLab.hostVeth(lab.add("life-del2", pod, conf).orFail());
        assertThat(leaseFiles()).isEqualTo(1);

        CniCall.Result first = lab.del("life-del2", pod, conf);
        assertThat(first.exitCode()).as(first.toString()).isZero();
        assertThat(first.stdout()).isBlank();
        assertThat(KernelState.host().exists(hostVeth)).isFalse();
        assertThat(KernelState.in(pod.name()).exists("eth0")).isFalse();
        assertThat(leaseFiles()).isZero();
        assertThat(lab.ports()).isEmpty();

        CniCall.Result second = lab.del("life-del2", pod, conf);
        assertThat(second.exitCode()).as(second.toString()).isZero();
        assertThat(second.stdout()).isBlank();
    }

    @Test
    void delAfterThePodsNetnsIsGoneSucceedsAndReleasesTheLease() {
        TestNetns pod = lab.pod();
        String hostVeth = CniLab.hostVeth(lab.add("life-gone", pod, conf).orFail());
        Shell.check("ip", "netns", "del", pod.name());
        assertThat(eventually(5_000, () -> !KernelState.host().exists(hostVeth))).as("veth gone with the netns").isTrue();

        CniCall.Result del = lab.del("life-gone", pod, conf);
        assertThat(del.exitCode()).as(del.toString()).isZero();
        assertThat(lab.ports()).isEmpty();
        assertThat(leaseFiles()).isZero();
    }

    @Test
    void checkPassesOnAFreshAttachmentAndReportsAWrongMacAndAMissingAddressMadeByHand() {
        TestNetns pod = lab.pod();
        JsonNode added = lab.add("life-check", pod, conf).orFail();
        String mac = CniLab.podMac(added);
        String address = added.path("ips").path(0).path("address").asText();
        CniCall check = CniCall.check(lab.socket(), "life-check", pod.path().toString(), "eth0", withPrev(conf, added));

        CniCall.Result fresh = check.run();
        assertThat(fresh.exitCode()).as(fresh.toString()).isZero();

        pod.ip("link", "set", "eth0", "address", "02:00:00:00:0c:01");
        CniCall.Result wrongMac = check.run();
        assertThat(wrongMac.errorCode()).as(wrongMac.toString()).isEqualTo(100);
        assertThat(wrongMac.msg()).contains("02:00:00:00:0c:01").containsIgnoringCase(mac);

        pod.ip("link", "set", "eth0", "address", mac);
        pod.ip("addr", "del", address, "dev", "eth0");
        CniCall.Result noAddress = check.run();
        assertThat(noAddress.errorCode()).as(noAddress.toString()).isEqualTo(100);
        assertThat(noAddress.msg()).contains("add address " + address).doesNotContain("set mac");
    }

    @Test
    void checkAfterAVidWasRemovedByHandNamesTheVidUnlessTheDaemonPutItBackFirst() {
        TestNetns pod = lab.pod();
        JsonNode added = lab.add("life-vid", pod, conf).orFail();
        String hostVeth = CniLab.hostVeth(added);
        Shell.check("bridge", "vlan", "del", "dev", hostVeth, "vid", "100");

        CniCall.Result check = CniCall.check(lab.socket(), "life-vid", pod.path().toString(), "eth0",
                withPrev(conf, added)).run();
        VlanMembership now = KernelState.host().bridgeVlans(hostVeth);
        if (check.exitCode() == 0) {
            assertThat(now).as("CHECK passed, so the daemon must have healed the port").isEqualTo(VlanMembership.of("100", "100", 100));
        } else {
            assertThat(check.errorCode()).as(check.toString()).isEqualTo(100);
            assertThat(check.msg()).contains(hostVeth).contains("100");
        }
        assertThat(eventually(10_000, () -> KernelState.host().bridgeVlans(hostVeth)
                .equals(VlanMembership.of("100", "100", 100)))).as("the daemon heals the VID").isTrue();
        assertThat(CniCall.check(lab.socket(), "life-vid", pod.path().toString(), "eth0", withPrev(conf, added))
                .run().exitCode()).isZero();
    }

    @Test
    void gcRemovesEveryAttachmentOfTheNetworkMissingFromValidAttachments() {
        TestNetns keep = lab.pod();
        TestNetns drop1 = lab.pod();
        TestNetns drop2 = lab.pod();
        String kept = CniLab.hostVeth(lab.add("gc-keep", keep, conf).orFail());
        lab.add("gc-drop1", drop1, conf).orFail();
        lab.add("gc-drop2", drop2, conf).orFail();
        assertThat(CniLab.hostVeths()).hasSize(3);
        assertThat(leaseFiles()).isEqualTo(3);

        String gcConf = conf.substring(0, conf.length() - 1)
                + ",\"cni.dev/valid-attachments\":[{\"containerID\":\"gc-keep\",\"ifname\":\"eth0\"}]}";
        CniCall.Result gc = CniCall.command("GC", lab.socket()).path(CniCall.CNI_PATH).config(
                gcConf.replace("\"cniVersion\":\"1.0.0\"", "\"cniVersion\":\"1.1.0\"")).run();
        assertThat(gc.exitCode()).as(gc.toString()).isZero();

        assertThat(CniLab.hostVeths()).containsExactly(kept);
        assertThat(KernelState.in(keep.name()).exists("eth0")).isTrue();
        assertThat(KernelState.in(drop1.name()).exists("eth0")).isFalse();
        assertThat(KernelState.in(drop2.name()).exists("eth0")).isFalse();
        assertThat(lab.ports()).hasSize(1);
        assertThat(lab.ports().get(0).path("containerId").asText()).isEqualTo("gc-keep");
        assertThat(leaseFiles()).isEqualTo(1);
    }

    /** The netconf as a runtime sends it to CHECK: with the ADD result as prevResult. */
    private static String withPrev(String conf, JsonNode result) {
        return conf.substring(0, conf.length() - 1) + ",\"prevResult\":" + result + "}";
    }

    /** host-local's lease files (one per allocated IP, named after it) for network vlan100. */
    private long leaseFiles() {
        Path dir = leases.resolve("vlan100");
        if (!Files.isDirectory(dir)) {
            return 0;
        }
        try (var files = Files.list(dir)) {
            return files.filter(f -> f.getFileName().toString().matches("\\d+\\.\\d+\\.\\d+\\.\\d+")).count();
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
