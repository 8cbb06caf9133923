package io.vmnetd.daemon.lab.cni;

import static io.vmnetd.daemon.testing.CniLab.conf;
import static io.vmnetd.daemon.testing.CniLab.eventually;
import static io.vmnetd.daemon.testing.FakeIpam.ipam;
import static org.assertj.core.api.Assertions.assertThat;

import io.vmnetd.daemon.testing.CniCall;
import io.vmnetd.daemon.testing.CniLab;
import io.vmnetd.daemon.testing.FakeIpam;
import io.vmnetd.netlink.testing.LabTest;
import io.vmnetd.netlink.testing.Shell;
import io.vmnetd.netlink.testing.TestNetns;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * IPAM plugins run with real limits: one that hangs (and leaves a child holding its stdout) is killed with its whole
 * process group after {@code cni.ipamTimeoutSeconds}; one that floods stderr, fails or prints garbage gives a clear
 * error; a lease taken before ADD failed is given back; nothing is left on the node and the next ADD is served.
 */
@LabTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class IpamLimitsLabTest {
    private static final int TIMEOUT_SECONDS = 8;
    private static final FakeIpam PLUGINS = FakeIpam.in(Path.of("/run/vmnetd-lab-ipam"))
            .good("good", "10.100.0.9/24")
            .plugin("hang", "if [ \"$CNI_COMMAND\" = ADD ]; then (exec sleep 1001) & exec sleep 1001; fi")
            .plugin("escape", """
                    if [ "$CNI_COMMAND" = ADD ]; then
                      setsid sleep 1002 &
                      echo '{"cniVersion":"1.0.0","ips":[{"address":"10.100.0.10/24"}]}'
                    fi""")
            .plugin("flood", "if [ \"$CNI_COMMAND\" = ADD ]; then head -c 5000000 /dev/zero | tr '\\0' x >&2; fi; "
                    + "echo '{\"cniVersion\":\"1.0.0\"}'")
            .plugin("fail", """
                    if [ "$CNI_COMMAND" = ADD ]; then
                      echo '{"cniVersion":"1.0.0","code":11,"msg":"no addresses left in range"}'; exit 1
                    fi""")
            .plugin("garbage", "if [ \"$CNI_COMMAND\" = ADD ]; then echo 'this is not json'; fi")
            .plugin("badaddress", """
                    if [ "$CNI_COMMAND" = ADD ]; then
                      echo '{"cniVersion":"1.0.0","ips":[{"address":"10.100.0.300/24"}]}'
                    fi""")
            .plugin("hangdel", "if [ \"$CNI_COMMAND\" = DEL ]; then exec sleep 1003; fi; "
                    + "echo '{\"cniVersion\":\"1.0.0\",\"ips\":[{\"address\":\"10.100.0.11/24\"}]}'");

    @RegisterExtension
    static final CniLab lab = CniLab.of(CniLab.DATA_NETWORKS + "cni: {ipamDirs: [" + PLUGINS.dir()
            + "], ipamTimeoutSeconds: " + TIMEOUT_SECONDS + ", reclaimSeconds: 5}\n", true, "eth1");

    @AfterEach
    void cleanPods() {
        Shell.run("pkill", "-9", "-f", "sleep 100[0-9]");
        lab.cleanPods();
    }

    @Test
    void aPluginThatHangsWithAChildHoldingItsStdoutIsKilledWithItsGroupAtTheTimeout() {
        TestNetns pod = lab.pod();
        long start = System.nanoTime();
        CniCall.Result add = lab.add("hang-1", pod, conf("vlan100", ipam("hang")));
        long seconds = (System.nanoTime() - start) / 1_000_000_000L;

        assertThat(add.errorCode()).as(add.toString()).isEqualTo(5);
        assertThat(add.msg()).contains("hang").contains("timed out after " + TIMEOUT_SECONDS + " s");
        assertThat(seconds).as("ADD ends at the timeout, not when the plugin does").isLessThan(TIMEOUT_SECONDS + 20);
        assertThat(Shell.run("pgrep", "-f", "sleep 1001").stdout()).as("the plugin's process group is gone").isBlank();
        assertNothingLeft();
        assertAGoodAddIsServed(pod);
    }

    @Test
    void aPluginThatExitsButLeavesAnEscapedChildHoldingStdoutDoesNotKeepTheAdd() {
        TestNetns pod = lab.pod();
        long start = System.nanoTime();
        CniCall.Result add = lab.add("escape-1", pod, conf("vlan100", ipam("escape")));

        assertThat(add.exitCode()).as(add.toString()).isZero();
        assertThat((System.nanoTime() - start) / 1_000_000_000L).isLessThan(TIMEOUT_SECONDS);
        assertThat(add.json().path("ips").path(0).path("address").asText()).isEqualTo("10.100.0.10/24");
    }

    @Test
    void aPluginThatFloodsStderrGetsAClearErrorNotADeadlock() {
        TestNetns pod = lab.pod();
        CniCall.Result add = lab.add("flood-1", pod, conf("vlan100", ipam("flood")));

        assertThat(add.errorCode()).as(add.toString()).isEqualTo(5);
        assertThat(add.msg()).contains("flood").contains("stderr");
        assertNothingLeft();
        assertAGoodAddIsServed(pod);
    }

    @Test
    void aPluginErrorIsPassedOnWithItsCode() {
        TestNetns pod = lab.pod();
        CniCall.Result add = lab.add("fail-1", pod, conf("vlan100", ipam("fail")));

        assertThat(add.errorCode()).as(add.toString()).isEqualTo(11);
        assertThat(add.msg()).contains("no addresses left in range");
        assertNothingLeft();
        assertAGoodAddIsServed(pod);
    }

    @Test
    void aPluginPrintingSomethingThatIsNotJsonIsADecodingFailureAndItsLeaseIsReleased() {
        TestNetns pod = lab.pod();
        CniCall.Result add = lab.add("garbage-1", pod, conf("vlan100", ipam("garbage")));

        assertThat(add.errorCode()).as(add.toString()).isEqualTo(6);
        assertThat(add.msg()).contains("garbage").contains("not JSON");
        assertThat(PLUGINS.callLog()).contains("ADD garbage-1", "DEL garbage-1");
        assertNothingLeft();
    }

    @Test
    void aLeaseTakenBeforeAddFailedIsReleasedWithTheSameNetconf() {
        TestNetns pod = lab.pod();
        CniCall.Result add = lab.add("badaddr-1", pod, conf("vlan100", ipam("badaddress")));

        assertThat(add.errorCode()).as(add.toString()).isEqualTo(6);
        assertThat(PLUGINS.callLog()).containsSubsequence("ADD badaddr-1", "DEL badaddr-1");
        assertNothingLeft();
        assertAGoodAddIsServed(pod);
    }

    @Test
    void aPluginHangingOnDelWhileRecoveringAtStartDoesNotKeepTheDaemonFromBeingReady() {
        TestNetns pod = lab.pod();
        lab.add("hangdel-1", pod, conf("vlan100", ipam("hangdel"))).orFail();
        lab.daemon().kill9();
        Shell.check("ip", "netns", "del", pod.name());

        lab.daemon().startProcess();

        // Ready, and serving, while the sweep that reclaims the gone pod is still stuck in the plugin's DEL.
        assertThat(eventually(20_000, () -> !Shell.run("pgrep", "-f", "sleep 1003").stdout().isBlank()))
                .as("the reclaiming DEL runs").isTrue();
        TestNetns other = lab.pod();
        assertThat(lab.add("after-1", other, conf("vlan100", ipam("good"))).exitCode()).isZero();
        // Once DEL works again, the next sweep finishes the teardown.
        PLUGINS.good("hangdel", "10.100.0.11/24");
        assertThat(eventually(60_000, () -> lab.ports().size() == 1)).as("the gone pod's entry reclaimed").isTrue();
    }

    private static void assertNothingLeft() {
        assertThat(CniLab.hostVeths()).as("host veths").isEmpty();
        assertThat(lab.ports()).as("attachments").isEmpty();
    }

    private static void assertAGoodAddIsServed(TestNetns pod) {
        CniCall.Result next = lab.add("next-" + pod.name(), pod, conf("vlan100", ipam("good")));
        assertThat(next.exitCode()).as("the next ADD: " + next).isZero();
    }
}
