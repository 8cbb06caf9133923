package io.vmnetd.daemon.reconcile;

import static org.assertj.core.api.Assertions.assertThat;

import io.vmnetd.daemon.model.DesiredNetwork;
import io.vmnetd.daemon.model.VmPort;
import io.vmnetd.daemon.model.VlanDiff;
import io.vmnetd.daemon.testing.TestPorts;
import io.vmnetd.daemon.model.PortVlanSpec;
import io.vmnetd.netlink.BondMode;
import io.vmnetd.netlink.BridgeVlan;
import io.vmnetd.netlink.LinkKind;
import io.vmnetd.netlink.VidRange;
import io.vmnetd.netlink.VidSet;
import java.util.List;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

/**
 * The adopted mgmt network: mgmt-br and mgmt-bo belong to the installer. vmnetd adds the VIDs its VM networks
 * need, removes only VIDs it added itself, and manages only its own VM ports.
 */
class PlannerAdoptedMgmtTest {

    private static final VmPort VM3 = TestPorts.port("vm3", "pod3", PortVlanSpec.access(100));

    /** The installer's node: mgmt-bo carries the native VLAN and VID 10 (its own), eth0 in the bond. */
    private final TestKernel kernel = new TestKernel()
            .with(TestLink.nic("eth0", 2).master("mgmt-bo"))
            .with(TestLink.bond("mgmt-bo", 5, BondMode.ACTIVE_BACKUP, 100).master("mgmt-br"))
            .with(TestLink.installerBridge("mgmt-br", 6))
            .vlans("mgmt-bo", List.of(BridgeVlan.access(1), BridgeVlan.tagged(10)));

    private static DesiredNetwork mgmt(VidSet uplinkVids, List<VmPort> ports) {
        return new DesiredNetwork("mgmt", false, "mgmt-br", "mgmt-bo", List.of(), OptionalInt.empty(),
                BondMode.ACTIVE_BACKUP, 0, OptionalInt.empty(), uplinkVids, ports);
    }

    private Plan plan(VidSet uplinkVids, VidSet owned) {
        return Planner.plan(mgmt(uplinkVids, List.of()), kernel.view(), owned);
    }

    @Test
    void missingBridgeIsAProblemOnly() {
        kernel.without("mgmt-br");

        Plan plan = Planner.plan(mgmt(VidSet.of(100), List.of(VM3)), kernel.view(), VidSet.empty());

        assertThat(plan.steps()).isEmpty();
        assertThat(plan.problems()).containsExactly("mgmt-br does not exist; VM networks on mgmt wait for it");
    }

    @Test
    void bridgeNameOfAnotherKindIsTheSameProblem() {
        kernel.link("mgmt-br").kind(new LinkKind.Dummy());

        Plan plan = plan(VidSet.of(100), VidSet.empty());

        assertThat(plan.steps()).isEmpty();
        assertThat(plan.problems()).containsExactly("mgmt-br does not exist; VM networks on mgmt wait for it");
    }

    @Test
    void missingVidIsAddedTagged() {
        assertThat(plan(VidSet.parse("100,200-201"), VidSet.empty()).steps())
                .containsExactly(new Steps.SetPortVlans("mgmt-bo", new VlanDiff(List.of(BridgeVlan.tagged(100), BridgeVlan.tagged(VidRange.of(200, 201))), List.of())));
    }

    @Test
    void vidAlreadyPresentIsLeftAloneWhateverItsFlags() {
        kernel.vlans("mgmt-bo", List.of(BridgeVlan.access(1), BridgeVlan.tagged(10),
                new BridgeVlan(VidRange.of(100), false, true)));

        assertThat(plan(VidSet.of(10, 100), VidSet.empty()).steps()).isEmpty();
    }

    @Test
    void ownedVidNoLongerUsedIsRemoved() {
        kernel.vlans("mgmt-bo", List.of(BridgeVlan.access(1), BridgeVlan.tagged(10), BridgeVlan.tagged(100),
                BridgeVlan.tagged(200)));

        assertThat(plan(VidSet.of(100), VidSet.of(100, 200)).steps())
                .containsExactly(new Steps.SetPortVlans("mgmt-bo", new VlanDiff(List.of(), List.of(VidRange.of(200)))));
    }

    @Test
    void unusedVidNotAddedByVmnetdIsKept() {
        assertThat(plan(VidSet.empty(), VidSet.empty()).steps()).isEmpty();
    }

    @Test
    void ownedVidAlreadyGoneIsNotDeletedAgain() {
        assertThat(plan(VidSet.empty(), VidSet.of(300)).steps()).isEmpty();
    }

    @Test
    void addAndRemoveGoInOneStep() {
        kernel.vlans("mgmt-bo", List.of(BridgeVlan.access(1), BridgeVlan.tagged(10), BridgeVlan.tagged(200)));

        assertThat(plan(VidSet.of(100), VidSet.of(200)).steps())
                .containsExactly(new Steps.SetPortVlans("mgmt-bo", new VlanDiff(List.of(BridgeVlan.tagged(100)), List.of(VidRange.of(200)))));
    }

    @Test
    void thePvidIsNeverRemovedEvenWhenOwned() {
        kernel.vlans("mgmt-bo", List.of(BridgeVlan.access(10), BridgeVlan.tagged(20)));

        assertThat(plan(VidSet.empty(), VidSet.of(10, 20)).steps())
                .containsExactly(new Steps.SetPortVlans("mgmt-bo", new VlanDiff(List.of(), List.of(VidRange.of(20)))));
    }

    @Test
    void uplinkNotOnTheBridgeIsAProblemWhenVidsAreNeeded() {
        kernel.link("mgmt-bo").noMaster();

        Plan plan = plan(VidSet.of(100), VidSet.empty());

        assertThat(plan.steps()).isEmpty();
        assertThat(plan.problems()).containsExactly(
                "mgmt-bo is not a port of mgmt-br; VLANs 100 cannot reach the network");
    }

    @Test
    void uplinkNotOnTheBridgeIsFineWhenNoVidIsNeeded() {
        kernel.link("mgmt-bo").noMaster();

        Plan plan = plan(VidSet.empty(), VidSet.empty());

        assertThat(plan.steps()).isEmpty();
        assertThat(plan.problems()).isEmpty();
    }

    @Test
    void neverTouchesTheAdoptedBridgeBondOrNics() {
        kernel.link("mgmt-br").down().mtu(1400).kind(new LinkKind.Bridge(false, 1));
        kernel.link("mgmt-bo").down().mtu(1400).kind(new LinkKind.Bond(BondMode.BALANCE_RR, 7));
        kernel.link("eth0").down().mtu(1300);
        kernel.with(TestLink.nic("eth5", 9).master("mgmt-bo"));

        assertThat(plan(VidSet.of(10), VidSet.empty()).steps()).isEmpty();
    }

    @Test
    void vmPortIsAttachedGivenItsVlansAndTheBridgesMtuAndSetUp() {
        kernel.link("mgmt-br").mtu(1450);
        kernel.with(TestLink.veth("vm3", 30).mtu(1500).down());

        Plan plan = Planner.plan(mgmt(VidSet.of(100), List.of(VM3)), kernel.view(), VidSet.empty());

        assertThat(plan.problems()).isEmpty();
        assertThat(plan.steps()).containsExactly(
                new Steps.SetPortVlans("mgmt-bo", new VlanDiff(List.of(BridgeVlan.tagged(100)), List.of())),
                new PortSteps.JoinPort("vm3", "mgmt-br", VM3.vlans(),
                        io.vmnetd.netlink.PortVlans.joining(0, "vm3", 0, 1), false),
                new Steps.SetMtu("vm3", 1450),
                new PortSteps.SetPodMtu(VM3.pod(), 1450));
    }

    @Test
    void mgmtAsDesiredGivesAnEmptyPlan() {
        kernel.vlans("mgmt-bo", List.of(BridgeVlan.access(1), BridgeVlan.tagged(10), BridgeVlan.tagged(100)));
        kernel.with(TestLink.veth("vm3", 30).master("mgmt-br")).vlans("vm3", VM3.vlans());

        Plan plan = Planner.plan(mgmt(VidSet.of(100), List.of(VM3)), kernel.view(), VidSet.of(100));

        assertThat(plan.steps()).isEmpty();
        assertThat(plan.problems()).isEmpty();
    }
}
