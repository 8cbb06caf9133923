package io.vmnetd.daemon.lab.cni;

import static io.vmnetd.daemon.testing.CniLab.conf;
import static io.vmnetd.daemon.testing.CniLab.hostLocal;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.vmnetd.daemon.testing.CniCall;
import io.vmnetd.daemon.testing.CniLab;
import io.vmnetd.daemon.testing.KernelState;
import io.vmnetd.netlink.testing.LabTest;
import io.vmnetd.netlink.testing.TestNetns;
import io.vmnetd.netlink.testing.VlanMembership;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The daemon, as a process, is killed with SIGKILL between a pod's ADD and its DEL, then started again. */
@LabTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CniCrashRecoveryLabTest {
    @RegisterExtension
    static final CniLab lab = CniLab.of(CniLab.DATA_NETWORKS, true, "eth1");

    @Test
    void afterKill9AndARestartTheAttachmentIsStillThereAndItsDelRemovesEverything() throws Exception {
        Path leases = lab.daemon().dir().resolve("ipam");
        String conf = conf("vlan100", hostLocal("10.100.0.0/24", leases));
        TestNetns pod = lab.pod();
        JsonNode added = lab.add("crash-1", pod, conf).orFail();
        String hostVeth = CniLab.hostVeth(added);
        String address = added.path("ips").path(0).path("address").asText();
        Path lease = leases.resolve("vlan100").resolve(address.substring(0, address.indexOf('/')));
        assertThat(lease).exists();

        lab.daemon().kill9();
        // While the daemon is down, a DEL still lets the runtime tear the pod down (exit 0, warning on stderr);
        // it is the next one, after the restart, that must find and remove everything.
        CniCall.Result delWhileDown = CniCall.del(lab.socket(), "crash-1", pod.path().toString(), "eth0", conf)
                .env("VMNETD_WAIT_SECONDS", "0").run();
        assertThat(delWhileDown.exitCode()).as(delWhileDown.toString()).isZero();
        assertThat(delWhileDown.stderr()).isNotBlank();
        assertThat(KernelState.host().exists(hostVeth)).as("nothing removed while the daemon is down").isTrue();

        lab.daemon().startProcess();
        assertThat(lab.ports()).hasSize(1);
        assertThat(lab.ports().get(0).path("state").asText()).isEqualTo("READY");
        assertThat(KernelState.host().bridgeVlans(hostVeth)).isEqualTo(VlanMembership.of("100", "100", 100));
        assertThat(KernelState.in(pod.name()).exists("eth0")).isTrue();

        CniCall.Result del = lab.del("crash-1", pod, conf);
        assertThat(del.exitCode()).as(del.toString()).isZero();
        assertThat(KernelState.host().exists(hostVeth)).isFalse();
        assertThat(KernelState.in(pod.name()).linkNames()).containsExactly("lo");
        assertThat(lab.ports()).isEmpty();
        assertThat(lease).doesNotExist();
        try (var files = Files.list(lab.daemon().stateDir().resolve("attachments"))) {
            assertThat(files.map(p -> p.getFileName().toString()).toList()).as("journal files after the DEL").isEmpty();
        }
        lab.cleanPods();
    }
}
