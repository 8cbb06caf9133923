package io.vmnetd.daemon.lab.cni;

import static io.vmnetd.daemon.testing.CniLab.conf;
import static org.assertj.core.api.Assertions.assertThat;

import io.vmnetd.daemon.testing.CniLab;
import io.vmnetd.daemon.testing.DaemonUnderTest;
import io.vmnetd.daemon.testing.KernelState;
import io.vmnetd.daemon.testing.NetlinkCapture;
import io.vmnetd.daemon.testing.PromText;
import io.vmnetd.netlink.testing.LabTest;
import io.vmnetd.netlink.testing.TestNetns;
import io.vmnetd.netlink.testing.VlanMembership;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * How many netlink requests a CNI ADD and a DEL cost, counted by the kernel (an nlmon device captured by tcpdump)
 * and by the daemon ({@code vmnetd_netlink_requests_total}): at most 4 per ADD and 2 per DEL, and both counts the
 * same. The port is then checked as every other test checks one, so a cheaper ADD that forgot a VLAN fails here.
 */
@LabTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class NetlinkRequestCountLabTest {
    private static final int ADD_TARGET = 4;
    private static final int DEL_TARGET = 2;
    private static final int CALLS = 5;
    private static final String REQUESTS = "vmnetd_netlink_requests_total";

    // No resync and no reclaim sweep during a capture: they would add their dumps to whichever calls run then.
    @RegisterExtension
    static final CniLab lab = CniLab.of(CniLab.DATA_NETWORKS + "cni: {reclaimSeconds: 86400}\n", "eth1")
            .beforeStart(d -> d.resyncSeconds(3600));

    @AfterEach
    void cleanPods() {
        lab.cleanPods();
    }

    @Test
    void anAddAndADelCostFewRequestsCountedAlikeByTheKernelAndTheDaemon() {
        String conf = conf("1.0.0", "vlan100", "{}", "");
        // The first ADD on a bridge reads the bridge once (its MAC is then cached): not what every ADD costs.
        TestNetns warm = lab.pod();
        lab.add("count-warm", warm, conf).orFail();
        lab.del("count-warm", warm, conf).orFail();
        List<TestNetns> pods = new ArrayList<>();
        for (int i = 0; i < CALLS; i++) {
            pods.add(lab.pod()); // ip netns add before the capture: the namespaces are not what is counted
        }

        Counted adds = counted(() -> {
            for (int i = 0; i < CALLS; i++) {
                lab.add("count-" + i, pods.get(i), conf).orFail();
            }
        });
        assertThat(CniLab.hostVeths()).as("one host end per ADD").hasSize(CALLS);
        for (String hostVeth : CniLab.hostVeths()) {
            assertThat(KernelState.host().master(hostVeth)).hasValue(CniLab.BRIDGE);
            assertThat(KernelState.host().isUp(hostVeth)).as(hostVeth + " up").isTrue();
            assertThat(KernelState.host().bridgeVlans(hostVeth)).isEqualTo(VlanMembership.of("100", "100", 100));
        }
        Counted dels = counted(() -> {
            for (int i = 0; i < CALLS; i++) {
                lab.del("count-" + i, pods.get(i), conf).orFail();
            }
        });
        assertThat(CniLab.hostVeths()).as("every port gone after DEL").isEmpty();

        System.out.printf("netlink requests per ADD: kernel %.1f, daemon %.1f (kernel: %s; daemon: %s)%n",
                adds.perCall(CALLS), adds.daemon / CALLS, adds.types(), adds.daemonByType);
        System.out.printf("netlink requests per DEL: kernel %.1f, daemon %.1f (kernel: %s; daemon: %s)%n",
                dels.perCall(CALLS), dels.daemon / CALLS, dels.types(), dels.daemonByType);
        assertThat(adds.kernel.size()).as("requests of %d ADDs seen by the kernel: %s", CALLS, adds.types())
                .isLessThanOrEqualTo(ADD_TARGET * CALLS);
        assertThat(dels.kernel.size()).as("requests of %d DELs seen by the kernel: %s", CALLS, dels.types())
                .isLessThanOrEqualTo(DEL_TARGET * CALLS);
        assertThat(adds.daemon).as("the daemon's count of the ADDs' requests").isEqualTo(adds.kernel.size());
        assertThat(dels.daemon).as("the daemon's count of the DELs' requests").isEqualTo(dels.kernel.size());
    }

    private record Counted(List<NetlinkCapture.Request> kernel, double daemon, Map<String, Double> daemonByType) {
        double perCall(int calls) {
            return (double) kernel.size() / calls;
        }

        String types() {
            // type/flags in the order they came: a dump (flags 0x301) tells itself from a get (0x1) or a change
            return kernel.stream().map(r -> r.type() + "/0x" + Integer.toHexString(r.flags()))
                    .collect(Collectors.joining(" "));
        }
    }

    /**
     * Runs {@code calls} under the capture. The daemon's counter is read before and after, outside the capture, and
     * the capture ends only once the daemon has sent nothing for a while (what the calls' link events make it do
     * afterwards is part of their cost).
     */
    private Counted counted(Runnable calls) {
        DaemonUnderTest daemon = lab.daemon();
        PromText before = daemon.metrics();
        List<NetlinkCapture.Request> seen;
        try (NetlinkCapture capture = NetlinkCapture.start("nlmon-count", daemon.dir())) {
            calls.run();
            DaemonUnderTest.sleep(3_000); // the events' reconciles, if any, at lab speed
            seen = capture.stop();
        }
        PromText after = daemon.metrics();
        Map<String, Double> byType = new TreeMap<>(after.byLabel(REQUESTS, "type"));
        before.byLabel(REQUESTS, "type").forEach((type, n) -> byType.merge(type, -n, Double::sum));
        byType.values().removeIf(n -> n == 0);
        return new Counted(seen, after.sum(REQUESTS) - before.sum(REQUESTS), byType);
    }
}
