package io.vmnetd.daemon.lab.cni;

import static io.vmnetd.daemon.testing.CniLab.conf;
import static io.vmnetd.daemon.testing.CniLab.eventually;
import static io.vmnetd.daemon.testing.CniLab.hostLocal;
import static org.assertj.core.api.Assertions.assertThat;

import io.vmnetd.daemon.testing.CniLab;
import io.vmnetd.daemon.testing.DaemonUnderTest;
import io.vmnetd.daemon.testing.KernelState;
import io.vmnetd.netlink.testing.LabTest;
import io.vmnetd.netlink.testing.Shell;
import io.vmnetd.netlink.testing.TestNetns;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Nobody sends vmnet a GC (Multus sends it only to a pod's default network), so an attachment whose DEL never
 * arrived is vmnetd's to clean up: torn down as DEL would (lease, links, entry) once its pod's namespace is gone, at
 * start and every {@code cni.reclaimSeconds}; one whose namespace lives is never taken.
 */
@LabTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ReclaimLabTest {
    @RegisterExtension
    static final CniLab lab = CniLab.of(CniLab.DATA_NETWORKS + "cni: {reclaimSeconds: 5}\n", true, "eth1");

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
    }

    @Test
    void anAttachmentWhosePodNamespaceVanishedIsTornDownWithItsLease() {
        TestNetns pod = lab.pod();
        String hostVeth = CniLab.hostVeth(lab.add("gone-1", pod, conf).orFail());
        assertThat(leaseFiles()).isEqualTo(1);
        double before = reclaimed("netns_gone");

        // The runtime removes the sandbox, and its DEL never reaches vmnetd.
        Shell.check("ip", "netns", "del", pod.name());

        assertThat(eventually(30_000, () -> lab.ports().isEmpty())).as("entry reclaimed").isTrue();
        assertThat(leaseFiles()).as("lease released").isZero();
        assertThat(KernelState.host().exists(hostVeth)).isFalse();
        assertThat(reclaimed("netns_gone")).isEqualTo(before + 1);
        assertThat(lab.daemon().log()).contains("reclaiming gone-1/eth0").contains("network namespace is gone");
    }

    @Test
    void anAttachmentWhosePodLivesIsNeverReclaimedEvenWithoutItsVeth() {
        TestNetns pod = lab.pod();
        String hostVeth = CniLab.hostVeth(lab.add("alive-1", pod, conf).orFail());

        Shell.check("ip", "link", "del", hostVeth);
        DaemonUnderTest.sleep(12_000); // two sweeps

        assertThat(lab.ports()).hasSize(1);
        assertThat(leaseFiles()).isEqualTo(1);
        assertThat(KernelState.host().exists(hostVeth)).as("drift repaired: the veth is back").isTrue();
        assertThat(KernelState.in(pod.name()).exists("eth0")).isTrue();
    }

    @Test
    void aVmnetLinkNoAttachmentDescribesIsRemoved() {
        double before = reclaimed("orphan_link");
        Shell.check("ip", "link", "add", "vmn00000000beef", "type", "veth", "peer", "name", "vmtestpeer0");

        assertThat(eventually(30_000, () -> !KernelState.host().exists("vmn00000000beef"))).isTrue();
        assertThat(KernelState.host().exists("vmtestpeer0")).as("its peer goes with it").isFalse();
        assertThat(reclaimed("orphan_link")).isEqualTo(before + 1);
    }

    @Test
    void podsThatWentWhileTheDaemonWasDownAreReclaimedAtStart() {
        TestNetns pod = lab.pod();
        String hostVeth = CniLab.hostVeth(lab.add("down-1", pod, conf).orFail());
        lab.daemon().kill9();
        Shell.check("ip", "netns", "del", pod.name());

        lab.daemon().startProcess();

        assertThat(eventually(30_000, () -> lab.ports().isEmpty())).as("entry reclaimed after the start").isTrue();
        assertThat(leaseFiles()).isZero();
        assertThat(KernelState.host().exists(hostVeth)).isFalse();
        assertThat(reclaimed("netns_gone")).isEqualTo(1);
    }

    private double reclaimed(String reason) {
        return lab.daemon().metrics().sum("vmnetd_attachments_reclaimed_total", "reason", reason);
    }

    private long leaseFiles() {
        Path dir = leases.resolve("vlan100");
        if (!Files.isDirectory(dir)) {
            return 0;
        }
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(f -> f.getFileName().toString().matches("\\d+\\.\\d+\\.\\d+\\.\\d+")).count();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
