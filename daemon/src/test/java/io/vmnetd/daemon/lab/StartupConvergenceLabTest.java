package io.vmnetd.daemon.lab;

import static org.assertj.core.api.Assertions.assertThat;

import io.vmnetd.daemon.testing.DaemonUnderTest;
import io.vmnetd.daemon.testing.KernelState;
import io.vmnetd.daemon.testing.LabTopology;
import io.vmnetd.netlink.testing.LabTest;
import io.vmnetd.netlink.testing.VlanMembership;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A node with a hand-made mgmt network and two declared cluster networks: after one start the kernel, as iproute2
 * reads it, shows exactly what the config declares, and mgmt is touched only by the VID its VM network needs.
 */
@LabTest
class StartupConvergenceLabTest {
    private final KernelState kernel = KernelState.host();
    private LabTopology lab;
    private DaemonUnderTest daemon;

    @BeforeEach
    void wire() {
        lab = LabTopology.withNics(NodeConfigs.NICS);
        lab.createMgmt("eth5");
        awaitOperUp("mgmt-br");
    }

    @AfterEach
    void unwire() {
        lab.closeAfter(daemon);
    }

    @Test
    void theKernelShowsExactlyTheDeclaredNetworksAndMgmtOnlyGainsItsVid() {
        Map<String, String> mgmtBefore = mgmtLines(kernel.canonicalLines());
        VlanMembership mgmtBoBefore = kernel.bridgeVlans("mgmt-bo");

        daemon = DaemonUnderTest.create(NodeConfigs.FULL).startInProcess();
        KernelState after = kernel.snapshot();

        assertThat(after.linksOfKind("bridge")).containsExactlyInAnyOrder("mgmt-br", "data-br", "storage-br");
        assertThat(after.linksOfKind("bond")).containsExactlyInAnyOrder("mgmt-bo", "data-bo", "storage-bo");
        for (String bridge : new String[] {"mgmt-br", "data-br", "storage-br"}) {
            assertThat(after.vlanFiltering(bridge)).as("vlan_filtering of %s", bridge).isEqualTo(1);
            assertThat(after.isUp(bridge)).as("%s up", bridge).isTrue();
        }

        assertNetwork(after, "data", 9000, "active-backup", 100, NodeConfigs.DATA_UPLINK_VIDS, "eth1", "eth2");
        assertNetwork(after, "storage", 1500, "balance-rr", 50, NodeConfigs.STORAGE_UPLINK_VIDS, "eth3", "eth4");

        // The VM networks' VIDs are on the uplinks only: no VM port exists yet, and vmnetd's bridges give joining
        // ports no VLAN (default PVID 0) and carry none themselves.
        for (String bridge : new String[] {"data-br", "storage-br"}) {
            assertThat(after.infoData(bridge).path("vlan_default_pvid").asInt(-1)).as("%s default PVID", bridge)
                    .isZero();
        }
        assertThat(after.allBridgeVlans().keySet())
                .containsExactlyInAnyOrder("mgmt-br", "mgmt-bo", "data-bo", "storage-bo");

        // mgmt: the bridge, its bond and the bond's NIC are exactly as the installer left them, but for VID 50.
        assertThat(mgmtLines(after.canonicalLines())).isEqualTo(mgmtBefore);
        assertThat(mgmtBoBefore).isEqualTo(VlanMembership.of("1", "1", 1));
        assertThat(after.bridgeVlans("mgmt-bo")).isEqualTo(VlanMembership.of("1,50", "1", 1));
        assertThat(after.portsOf("mgmt-bo")).containsExactly("eth5");
        assertThat(after.bondMode("mgmt-bo")).isEqualTo("active-backup");

        assertThat(daemon.status().path("lastReconcile").path("result").asText()).isEqualTo("ok");
    }

    @Test
    void a802dot3adBondIsMadeWithItsModeAndMiimon() {
        daemon = DaemonUnderTest.create("""
                clusterNetworks:
                  - name: lacp
                    mtu: 4000
                    uplink:
                      nics: [eth3, eth4]
                      bond: {mode: 802.3ad, miimon: 200}
                      txQueueLen: 500
                vmNetworks:
                  - {name: t, clusterNetwork: lacp, type: L2VlanTrunkNetwork, trunk: [{min: 10, max: 12}, {id: 4094}]}
                """).startInProcess();
        KernelState after = kernel.snapshot();

        assertNetwork(after, "lacp", 4000, "802.3ad", 200, "1,10-12,4094", "eth3", "eth4");
        assertThat(after.txQueueLen("lacp-bo")).isEqualTo(500);
        // Only the bridge mgmt-br of the installer: no VM network uses mgmt, so its bond keeps VLAN 1 alone.
        assertThat(after.bridgeVlans("mgmt-bo")).isEqualTo(VlanMembership.of("1", "1", 1));
    }

    /** Bridge NAME-br with vlan_filtering, bond NAME-bo with mode and miimon, the NICs, MTUs and uplink VIDs. */
    private static void assertNetwork(KernelState k, String name, int mtu, String mode, int miimon, String vids,
                                      String... nics) {
        String bridge = name + "-br";
        String bond = name + "-bo";
        assertThat(k.kind(bridge)).as("%s kind", bridge).contains("bridge");
        assertThat(k.vlanFiltering(bridge)).as("%s vlan_filtering", bridge).isEqualTo(1);
        assertThat(k.kind(bond)).as("%s kind", bond).contains("bond");
        assertThat(k.bondMode(bond)).as("%s mode", bond).isEqualTo(mode);
        assertThat(k.miimon(bond)).as("%s miimon", bond).isEqualTo(miimon);
        assertThat(k.master(bond)).as("%s master", bond).contains(bridge);
        assertThat(k.portsOf(bridge)).as("ports of %s", bridge).containsExactly(bond);
        assertThat(k.portsOf(bond)).as("slaves of %s", bond).containsExactlyInAnyOrder(nics);
        for (String dev : concat(bridge, bond, nics)) {
            assertThat(k.mtu(dev)).as("mtu of %s", dev).isEqualTo(mtu);
            assertThat(k.isUp(dev)).as("%s up", dev).isTrue();
        }
        // The native VLAN 1 as PVID, untagged, and exactly the VM networks' VIDs tagged: never 2-4094.
        assertThat(k.bridgeVlans(bond)).as("VLANs of %s", bond).isEqualTo(VlanMembership.of(vids, "1", 1));
    }

    private static String[] concat(String a, String b, String... rest) {
        String[] all = new String[rest.length + 2];
        all[0] = a;
        all[1] = b;
        System.arraycopy(rest, 0, all, 2, rest.length);
        return all;
    }

    private static Map<String, String> mgmtLines(Map<String, String> all) {
        Map<String, String> out = new java.util.TreeMap<>();
        for (String key : new String[] {"link mgmt-br", "link mgmt-bo", "link eth5", "vlan mgmt-br"}) {
            out.put(key, all.get(key));
        }
        return out;
    }

    private void awaitOperUp(String dev) {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (!kernel.operstate(dev).equals("UP")) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError(dev + " is " + kernel.operstate(dev));
            }
            sleep(100);
        }
    }

    static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
