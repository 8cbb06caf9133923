package io.vmnetd.daemon.reconcile;

import static io.vmnetd.daemon.reconcile.DataNetwork.MTU;
import static org.assertj.core.api.Assertions.assertThat;

import io.vmnetd.daemon.model.PortVlanSpec;
import io.vmnetd.daemon.model.VlanDiff;
import io.vmnetd.netlink.BondMode;
import io.vmnetd.netlink.BondOption;
import io.vmnetd.netlink.BridgeVlan;
import io.vmnetd.netlink.LinkKind;
import io.vmnetd.netlink.PortVlans;
import io.vmnetd.netlink.VidRange;
import io.vmnetd.netlink.VidSet;
import java.util.List;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

/** Starting from a managed network that is as desired, each single drift plans exactly its repair. */
class PlannerDriftTest {

    private final TestKernel kernel = DataNetwork.asDesired();

    private List<Step> plan() {
        Plan plan = Planner.plan(DataNetwork.desired(), kernel.view(), VidSet.empty());
        assertThat(plan.problems()).isEmpty();
        return plan.steps();
    }

    @Test
    void bridgeDeletedIsRecreatedWithItsUplinkAndPortsAndTheirVlans() {
        // Deleting a bridge releases its ports, and their bridge VLANs go with it.
        kernel.without("data-br");
        kernel.link("data-bo").noMaster();
        kernel.link("vm1").noMaster();
        kernel.link("vm2").noMaster();
        kernel.vlans("data-bo", List.of()).vlans("vm1", List.of()).vlans("vm2", List.of());

        assertThat(plan()).containsExactly(
                new Steps.CreateBridge("data-br", MTU),
                new Steps.SetMaster("data-bo", "data-br"),
                new Steps.SetPortVlans("data-bo", new VlanDiff(List.of(BridgeVlan.access(1), BridgeVlan.tagged(100), BridgeVlan.tagged(VidRange.of(200, 299))), List.of())),
                new PortSteps.JoinPort("vm1", "data-br", DataNetwork.VM1.vlans(), PortVlans.joining(0, "vm1", 0, 0), false),
                new PortSteps.JoinPort("vm2", "data-br", DataNetwork.VM2.vlans(), PortVlans.joining(0, "vm2", 0, 0), false));
    }

    @Test
    void vidRemovedFromTheUplinkIsAddedBack() {
        kernel.vlans("data-bo", PortVlanSpec.nativeOnly().withTagged(VidSet.parse("100,200-249,251-299")));

        assertThat(plan()).containsExactly(
                new Steps.SetPortVlans("data-bo", new VlanDiff(List.of(BridgeVlan.tagged(250)), List.of())));
    }

    @Test
    void foreignVidOnTheManagedUplinkIsDeleted() {
        kernel.vlans("data-bo", PortVlanSpec.nativeOnly().withTagged(VidSet.parse("100,200-299,300-310")));

        assertThat(plan()).containsExactly(
                new Steps.SetPortVlans("data-bo", new VlanDiff(List.of(), List.of(VidRange.of(300, 310)))));
    }

    @Test
    void uplinkNativeVlanLostIsRestoredAsPvidUntagged() {
        kernel.vlans("data-bo", PortVlanSpec.trunk(VidSet.parse("100,200-299")));

        assertThat(plan()).containsExactly(
                new Steps.SetPortVlans("data-bo", new VlanDiff(List.of(BridgeVlan.access(1)), List.of())));
    }

    @Test
    void portVlanFlagsChangedAreSetAgain() {
        kernel.vlans("vm1", List.of(BridgeVlan.tagged(100), BridgeVlan.access(1)));

        assertThat(plan()).containsExactly(
                new Steps.SetPortVlans("vm1", new VlanDiff(List.of(BridgeVlan.access(100)), List.of(VidRange.of(1)))));
    }

    @Test
    void bridgeMtuChangedIsSetBack() {
        kernel.link("data-br").mtu(1500);

        assertThat(plan()).containsExactly(
                new Steps.SetMtu("data-br", 9000));
    }

    @Test
    void bondMtuChangedIsSetBackOnTheBondOnly() {
        kernel.link("data-bo").mtu(1500);
        kernel.link("eth1").mtu(1500);

        assertThat(plan()).containsExactly(
                new Steps.SetMtu("data-bo", 9000));
    }

    @Test
    void nicMtuChangedBehindTheBondIsSetBackOnTheNic() {
        kernel.link("eth2").mtu(1500);

        assertThat(plan()).containsExactly(
                new Steps.SetMtu("eth2", 9000));
    }

    @Test
    void portMtuChangedIsSetBackOnBothEndsOfTheVeth() {
        kernel.link("vm2").mtu(1500);

        assertThat(plan()).containsExactly(
                new Steps.SetMtu("vm2", 9000),
                new PortSteps.SetPodMtu(DataNetwork.VM2.pod(), 9000));
    }

    @Test
    void txQueueLengthChangedIsSetBack() {
        kernel.link("data-bo").txQueueLength(500);

        assertThat(plan()).containsExactly(
                new Steps.SetTxQueueLength("data-bo", 1000));
    }

    @Test
    void nicReleasedFromTheBondIsEnslavedAgain() {
        kernel.link("eth2").noMaster().mtu(1500);

        assertThat(plan()).containsExactly(
                new Steps.EnslaveNic("eth2", "data-bo"));
    }

    @Test
    void nicDownIsSetUp() {
        kernel.link("eth1").down();

        assertThat(plan()).containsExactly(
                new Steps.SetUp("eth1"));
    }

    @Test
    void bondDownIsSetUp() {
        kernel.link("data-bo").down();

        assertThat(plan()).containsExactly(
                new Steps.SetUp("data-bo"));
    }

    @Test
    void bridgeDownIsSetUp() {
        kernel.link("data-br").down();

        assertThat(plan()).containsExactly(
                new Steps.SetUp("data-br"));
    }

    @Test
    void portDownIsSetUp() {
        kernel.link("vm1").down();

        assertThat(plan()).containsExactly(
                new Steps.SetUp("vm1"));
    }

    @Test
    void vlanFilteringOffIsTurnedOnAndTheNativeVlanTheOldDefaultTookIsPutBack() {
        kernel.link("data-br").kind(new LinkKind.Bridge(false, 1));

        // Clearing the default PVID takes VLAN 1 from the ports that have it as untagged PVID: the uplink here.
        assertThat(plan()).containsExactly(
                new Steps.EnableVlanFiltering("data-br"),
                new Steps.SetPortVlans("data-bo", new VlanDiff(List.of(BridgeVlan.access(1)), List.of())));
    }

    @Test
    void bondModeChangedIsSetBackWithTheNicsReleasedAndEnslavedAgainKeepingBondAndBridge() {
        LinkKind.Bond rr = new LinkKind.Bond(BondMode.BALANCE_RR, 100);
        kernel.link("data-bo").kind(rr);

        assertThat(plan()).containsExactly(
                new BondSteps.ReenslaveBond("data-bo", List.of("eth1", "eth2"), BondTarget.of(DataNetwork.desired()),
                        List.of(BondOption.MODE), rr));
    }

    @Test
    void bondMiimonChangedIsSetInPlace() {
        kernel.link("data-bo").kind(new LinkKind.Bond(BondMode.ACTIVE_BACKUP, 250));

        assertThat(plan()).containsExactly(
                new BondSteps.SetOptions("data-bo", BondTarget.of(DataNetwork.desired()), List.of(BondOption.MIIMON)));
    }

    @Test
    void nicDroppedFromTheConfigButStillEnslavedIsReleased() {
        kernel.with(TestLink.nic("eth3", DataNetwork.ETH3).mtu(MTU).master("data-bo"));

        assertThat(plan()).containsExactly(
                new Steps.ReleaseNic("eth3", "data-bo"));
    }

    @Test
    void bondAttachedToAnotherBridgeIsMovedBackWithAllItsVlans() {
        kernel.with(TestLink.bridge("other-br", 50));
        kernel.link("data-bo").master("other-br");

        assertThat(plan()).containsExactly(
                new Steps.SetMaster("data-bo", "data-br"),
                new Steps.SetPortVlans("data-bo", new VlanDiff(List.of(BridgeVlan.access(1), BridgeVlan.tagged(100), BridgeVlan.tagged(VidRange.of(200, 299))), List.of())));
    }

    @Test
    void portDetachedFromTheBridgeIsAttachedAgain() {
        kernel.link("vm1").noMaster();
        kernel.vlans("vm1", List.of());

        assertThat(plan()).containsExactly(new PortSteps.JoinPort("vm1", "data-br", DataNetwork.VM1.vlans(), PortVlans.joining(0, "vm1", 0, 0), false));
    }

    @Test
    void severalDriftsAtOnceArePlannedInDependencyOrder() {
        kernel.link("data-br").down().mtu(1500);
        kernel.link("eth2").noMaster();
        kernel.link("vm1").down();
        kernel.vlans("data-bo", List.of(BridgeVlan.access(1), BridgeVlan.tagged(VidRange.of(200, 299))));

        assertThat(plan()).containsExactly(
                new Steps.EnslaveNic("eth2", "data-bo"),
                new Steps.SetPortVlans("data-bo", new VlanDiff(List.of(BridgeVlan.tagged(100)), List.of())),
                new Steps.SetMtu("data-br", 9000),
                new Steps.SetUp("data-br"),
                new Steps.SetUp("vm1"));
    }
}
