package io.vmnetd.daemon.lab.faults;

import static io.vmnetd.daemon.testing.CniLab.conf;
import static io.vmnetd.daemon.testing.CniLab.eventually;
import static io.vmnetd.daemon.testing.CniLab.hostLocal;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.vmnetd.daemon.testing.CniCall;
import io.vmnetd.daemon.testing.CniLab;
import io.vmnetd.daemon.testing.DaemonUnderTest;
import io.vmnetd.daemon.testing.Invariants;
import io.vmnetd.netlink.testing.LabTest;
import io.vmnetd.netlink.testing.TestNetns;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * kill -9 at a random moment during a burst of parallel ADDs and DELs, twenty times. After every restart the
 * kernel, the journal and the IPAM store agree: no host veth without an attachment, no attachment without its
 * links, no lease without an attachment. The runtime's side is then played out (its DELs repeated) and everything
 * is gone.
 */
@LabTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class KillNineLabTest {
    private static final int ROUNDS = 20;
    private static final int PODS = 6;

    @RegisterExtension
    static final CniLab lab = CniLab.of(CniLab.DATA_NETWORKS, true, "eth1");

    @Test
    void twentyKillsDuringParallelAddsAndDelsLeaveKernelJournalAndLeasesConsistent() throws Exception {
        Path dataDir = lab.daemon().dir().resolve("ipam");
        Path leases = dataDir.resolve("vlan100");
        String conf = conf("vlan100", hostLocal("10.100.0.0/24", dataDir));
        Random random = new Random(20261207);
        ExecutorService workers = Executors.newFixedThreadPool(PODS);
        try {
            for (int round = 1; round <= ROUNDS; round++) {
                List<TestNetns> pods = new ArrayList<>();
                List<Future<?>> calls = new ArrayList<>();
                for (int i = 0; i < PODS; i++) {
                    TestNetns pod = lab.pod();
                    pods.add(pod);
                    String id = "k" + round + "-" + i;
                    boolean alsoDel = i % 2 == 0;
                    calls.add(workers.submit(() -> {
                        lab.add(quick(CniCall.add(lab.socket(), id, pod.path().toString(), "eth0", conf)));
                        if (alsoDel) {
                            quick(CniCall.del(lab.socket(), id, pod.path().toString(), "eth0", conf)).run();
                        }
                    }));
                }
                DaemonUnderTest.sleep(random.nextInt(1500));
                lab.daemon().kill9();
                for (Future<?> f : calls) {
                    f.get(120, TimeUnit.SECONDS);
                }

                lab.daemon().startProcess();
                assertThat(eventually(60_000, KillNineLabTest::settled)).as("round " + round + ": sweep done").isTrue();
                Invariants.consistent(lab, leases, "round " + round);
                lab.cleanPods();
                Invariants.consistent(lab, leases, "round " + round + " after the runtime's DELs");
                assertThat(lab.ports()).isEmpty();
            }
        } finally {
            workers.shutdownNow();
        }
    }

    @Test
    void aRestartWhilePodsRunChangesNothingTheKernelReports() throws Exception {
        Path dataDir = lab.daemon().dir().resolve("ipam");
        List<TestNetns> pods = new ArrayList<>();
        String[] confs = {
            conf("1.0.0", "vlan100", hostLocal("10.100.0.0/24", dataDir), "\"portIsolation\": true"),
            conf("vlan200", "{}"),
            conf("1.0.0", "native", "{}", "\"promiscMode\": true")};
        for (int i = 0; i < confs.length; i++) {
            TestNetns pod = lab.pod();
            pods.add(pod);
            lab.add("restart-" + i, pod, confs[i]).orFail();
        }
        String before = everything(pods);

        lab.daemon().stop();
        lab.daemon().startProcess();
        DaemonUnderTest.sleep(3000); // room for whatever a reconcile after the start would do
        assertThat(everything(pods)).as("after a clean restart").isEqualTo(before);

        lab.daemon().kill9();
        lab.daemon().startProcess();
        DaemonUnderTest.sleep(3000);
        assertThat(everything(pods)).as("after kill -9 and a start").isEqualTo(before);
        lab.cleanPods();
    }

    /** ip -d -j link show and bridge -j vlan show of the node and of each pod, timers and counters aside. */
    private static String everything(List<TestNetns> pods) {
        StringBuilder all = new StringBuilder(io.vmnetd.daemon.testing.KernelState.host().canonicalDump());
        for (TestNetns pod : pods) {
            all.append(io.vmnetd.daemon.testing.KernelState.in(pod.name()).canonicalDump());
        }
        return all.toString();
    }

    /** A call that gives up at once when the daemon is gone, as a runtime's retry would come later. */
    private static CniCall quick(CniCall call) {
        return call.env("VMNETD_WAIT_SECONDS", "0");
    }

    /** No attachment half-added or half-deleted: the start's sweep has finished what the kill interrupted. */
    private static boolean settled() {
        for (JsonNode p : lab.ports()) {
            if (!p.path("state").asText().equals("READY")) {
                return false;
            }
        }
        return true;
    }
}
