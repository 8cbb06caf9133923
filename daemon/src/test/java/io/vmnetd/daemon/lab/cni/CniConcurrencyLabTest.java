package io.vmnetd.daemon.lab.cni;

import static io.vmnetd.daemon.testing.CniLab.conf;
import static io.vmnetd.daemon.testing.CniLab.hostLocal;
import static org.assertj.core.api.Assertions.assertThat;

import io.vmnetd.daemon.testing.CniCall;
import io.vmnetd.daemon.testing.CniLab;
import io.vmnetd.daemon.testing.KernelState;
import io.vmnetd.netlink.testing.LabTest;
import io.vmnetd.netlink.testing.TestNetns;
import io.vmnetd.netlink.testing.VlanMembership;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Many shims at once, as a node starting or draining many pods makes them. */
@LabTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CniConcurrencyLabTest {
    private static final int PODS = 50;

    @RegisterExtension
    static final CniLab lab = CniLab.of(CniLab.DATA_NETWORKS, "eth1");

    private ExecutorService pool;

    @BeforeAll
    void start() {
        pool = Executors.newFixedThreadPool(PODS);
    }

    @AfterEach
    void cleanPods() {
        lab.cleanPods();
        assertThat(lab.ports()).isEmpty();
    }

    @AfterAll
    void stop() {
        if (pool != null) {
            pool.shutdownNow();
        }
    }

    @Test
    void fiftyParallelAddsOnOneNetworkAllSucceedThenFiftyParallelDelsRemoveEverything() throws Exception {
        List<TestNetns> pods = all(IntStream.range(0, PODS).mapToObj(i -> (Callable<TestNetns>) lab::pod).toList());
        String conf = conf("vlan100", "{}");
        List<CniCall.Result> adds = all(IntStream.range(0, PODS).mapToObj(i -> (Callable<CniCall.Result>)
                () -> lab.add("par-" + i, pods.get(i), conf)).toList());

        Set<String> hostVeths = new HashSet<>();
        Set<String> macs = new HashSet<>();
        for (CniCall.Result r : adds) {
            hostVeths.add(CniLab.hostVeth(r.orFail()));
            macs.add(CniLab.podMac(r.json()));
        }
        assertThat(hostVeths).hasSize(PODS);
        assertThat(macs).hasSize(PODS);
        assertThat(CniLab.hostVeths()).containsExactlyInAnyOrderElementsOf(hostVeths);
        KernelState node = KernelState.host();
        var vlans = node.allBridgeVlans();
        for (String veth : hostVeths) {
            assertThat(vlans.get(veth)).as(veth).isEqualTo(VlanMembership.of("100", "100", 100));
        }
        assertThat(node.portsOf(CniLab.BRIDGE)).containsAll(hostVeths);
        assertThat(lab.ports()).hasSize(PODS);

        List<CniCall.Result> dels = all(IntStream.range(0, PODS).mapToObj(i -> (Callable<CniCall.Result>)
                () -> lab.del("par-" + i, pods.get(i), conf)).toList());
        assertThat(dels).allSatisfy(r -> assertThat(r.exitCode()).as(r.toString()).isZero());
        assertThat(CniLab.hostVeths()).isEmpty();
        assertThat(lab.ports()).isEmpty();
        for (TestNetns pod : pods.subList(0, 5)) {
            assertThat(KernelState.in(pod.name()).linkNames()).containsExactly("lo");
        }
    }

    /**
     * ADD and DEL of one container started at the same instant: whichever the daemon runs first, the other sees
     * its complete result, so both succeed and the container ends up either fully attached (journal, host veth on
     * the bridge with its VLAN, eth0 with its lease in the pod) or fully gone; never half of it.
     */
    @Test
    void addAndDelOfOneContainerNeverInterleave() throws Exception {
        int n = 10;
        String conf = conf("vlan100", hostLocal("10.100.0.0/24", lab.daemon().dir().resolve("ipam")));
        List<TestNetns> pods = all(IntStream.range(0, n).mapToObj(i -> (Callable<TestNetns>) lab::pod).toList());
        CountDownLatch go = new CountDownLatch(1);
        List<Callable<CniCall.Result>> calls = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            int k = i;
            calls.add(() -> {
                go.await();
                return lab.add("race-" + k, pods.get(k), conf);
            });
            calls.add(() -> {
                go.await();
                return lab.del("race-" + k, pods.get(k), conf);
            });
        }
        List<Future<CniCall.Result>> futures = new ArrayList<>();
        calls.forEach(c -> futures.add(pool.submit(c)));
        go.countDown();
        List<String> attached = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            CniCall.Result add = futures.get(2 * i).get();
            CniCall.Result del = futures.get(2 * i + 1).get();
            assertThat(add.exitCode()).as("ADD race-" + i + ": " + add).isZero();
            assertThat(del.exitCode()).as("DEL race-" + i + ": " + del).isZero();
            String veth = CniLab.hostVeth(add.json());
            boolean inPod = KernelState.in(pods.get(i).name()).exists("eth0");
            boolean onNode = KernelState.host().exists(veth);
            assertThat(onNode).as("race-%d: host veth present iff eth0 present in the pod", i).isEqualTo(inPod);
            if (inPod) {
                attached.add("race-" + i);
                assertThat(KernelState.host().master(veth)).contains(CniLab.BRIDGE);
                assertThat(KernelState.host().bridgeVlans(veth)).isEqualTo(VlanMembership.of("100", "100", 100));
                assertThat(KernelState.in(pods.get(i).name()).linkNames()).containsExactlyInAnyOrder("lo", "eth0");
            }
        }
        List<String> journaled = new ArrayList<>();
        lab.ports().forEach(p -> journaled.add(p.path("containerId").asText()));
        assertThat(journaled).as("journal = attached containers").containsExactlyInAnyOrderElementsOf(attached);
        try (var leases = java.nio.file.Files.list(lab.daemon().dir().resolve("ipam/vlan100"))) {
            assertThat(leases.filter(f -> f.getFileName().toString().startsWith("10.")).count())
                    .as("host-local leases = attached containers").isEqualTo(attached.size());
        }
    }

    private <T> List<T> all(List<Callable<T>> tasks) throws Exception {
        List<T> out = new ArrayList<>();
        for (Future<T> f : pool.invokeAll(tasks)) {
            out.add(f.get());
        }
        return out;
    }
}
