package io.vmnetd.daemon.lab;

import static org.assertj.core.api.Assertions.assertThat;

import io.vmnetd.daemon.config.Config;
import io.vmnetd.daemon.config.ConfigLoader;
import io.vmnetd.daemon.reconcile.Reason;
import io.vmnetd.daemon.reconcile.ReconcileObserver;
import io.vmnetd.daemon.reconcile.Reconciler;
import io.vmnetd.daemon.service.NetworkCheck;
import io.vmnetd.daemon.state.NetworkRegistry;
import io.vmnetd.daemon.testing.HostStepContext;
import io.vmnetd.daemon.testing.KernelState;
import io.vmnetd.daemon.testing.LabTopology;
import io.vmnetd.netlink.RtNetlink;
import io.vmnetd.netlink.VidSet;
import io.vmnetd.netlink.testing.LabTest;
import io.vmnetd.netlink.testing.Shell;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * POST /v1/networks/{name}/check's logic against the kernel, with no reconcile loop running: whatever the check
 * reports as repaired, it repaired itself. Results read back with iproute2.
 */
@LabTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class NetworkCheckLabTest {
    private final KernelState kernel = KernelState.host();
    private LabTopology lab;
    private RtNetlink host;
    private NetworkCheck check;

    @BeforeAll
    void build() throws Exception {
        lab = LabTopology.withNics("eth1", "eth2");
        Path state = Files.createTempDirectory(Path.of("/tmp"), "vmnetd-check-");
        Config config = ConfigLoader.parse("stateDir: " + state + "\n" + NodeConfigs.DATA_ONLY, "test");
        host = RtNetlink.open();
        Reconciler reconciler = new Reconciler(host, new HostStepContext(host), NetworkRegistry.open(state), config, List::of,
                ReconcileObserver.NONE);
        assertThat(reconciler.reconcileAll(Reason.STARTUP).errors()).isEmpty();
        check = new NetworkCheck(reconciler);
    }

    @AfterAll
    void tearDown() {
        lab.closeAfter(host);
    }

    @Test
    void aNetworkAsDeclaredNeedsNothing() {
        NetworkCheck.Result r = check.run("data").orElseThrow();
        assertThat(r).isEqualTo(new NetworkCheck.Result("data", "data", List.of(), List.of(), List.of(), "ok"));
    }

    @Test
    void aVidRemovedByHandIsRepairedThroughTheVmNetworksClusterNetwork() {
        Shell.check("bridge", "vlan", "del", "dev", "data-bo", "vid", "100");
        assertThat(kernel.bridgeVlans("data-bo").vids().contains(100)).isFalse();

        NetworkCheck.Result r = check.run("vlan100").orElseThrow();

        assertThat(r.network()).isEqualTo("vlan100");
        assertThat(r.clusterNetwork()).isEqualTo("data");
        assertThat(r.applied()).singleElement().asString().startsWith("data: set VLANs of data-bo: add 100");
        assertThat(r.result()).isEqualTo("ok");
        assertThat(kernel.bridgeVlans("data-bo").vids()).isEqualTo(VidSet.parse(NodeConfigs.DATA_UPLINK_VIDS));
    }

    @Test
    void aMissingNicIsAProblemUntilItIsBack() {
        Shell.check("ip", "link", "del", "eth2");
        NetworkCheck.Result missing = check.run("trunk").orElseThrow();
        assertThat(missing.problems()).anySatisfy(p -> assertThat(p).contains("NIC eth2 does not exist"));
        assertThat(missing.result()).isEqualTo("error");

        lab.addNic("eth2");
        NetworkCheck.Result back = check.run("data").orElseThrow();
        assertThat(back.applied()).anySatisfy(a -> assertThat(a).contains("enslave eth2 to data-bo"));
        assertThat(back.problems()).isEmpty();
        assertThat(back.result()).isEqualTo("ok");
        assertThat(kernel.master("eth2")).contains("data-bo");
    }

    @Test
    void mgmtIsAlwaysANetworkAndUnknownNamesAreNot() {
        assertThat(check.run("mgmt")).hasValueSatisfying(r -> assertThat(r.clusterNetwork()).isEqualTo("mgmt"));
        assertThat(check.run("nope")).isEmpty();
        assertThat(check.run("data-br")).isEmpty();
    }
}
