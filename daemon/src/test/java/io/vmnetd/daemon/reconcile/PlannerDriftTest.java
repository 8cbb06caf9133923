package io.vmnetd.daemon.reconcile;

import static io.vmnetd.daemon.reconcile.DataNetwork.MTU;
import static org.assertj.core.api.Assertions.assertThat;

import io.vmnetd.daemon.model.PortVlanSpec;
import io.vmnetd.netlink.BondMode;
import io.vmnetd.netlink.BridgeVlan;
import io.vmnetd.netlink.LinkKind;
import io.vmnetd.netlink.VidRange;
import io.vmnetd.netlink.VidSet;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Starting from a managed network that is as desired, each single drift plans exactly its repair. */
class PlannerDriftTest {

    private final TestKernel kernel = DataNetwork.asDesired();

    private List<String> plan() {
        Plan plan = Planner.plan(DataNetwork.desired(), kernel.view(), VidSet.empty());
        assertThat(plan.problems()).isEmpty();
        return plan.describe();
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
                "data: create bridge data-br (vlan_filtering 1, default_pvid 1, mtu 9000)",
                "data: attach data-bo to data-br",
                "data: set VLANs of data-bo: add 100, 200-299",
                "data: attach vm1 to data-br",
                "data: set VLANs of vm1: add 100 PVID Egress Untagged; delete 1",
                "data: attach vm2 to data-br",
                "data: set VLANs of vm2: add 200-299; delete 1");
    }

    @Test
    void vidRemovedFromTheUplinkIsAddedBack() {
        kernel.vlans("data-bo", PortVlanSpec.nativeOnly().withTagged(VidSet.parse("100,200-249,251-299")));

        assertThat(plan()).containsExactly("data: set VLANs of data-bo: add 250");
    }

    @Test
    void foreignVidOnTheManagedUplinkIsDeleted() {
        kernel.vlans("data-bo", PortVlanSpec.nativeOnly().withTagged(VidSet.parse("100,200-299,300-310")));

        assertThat(plan()).containsExactly("data: set VLANs of data-bo: delete 300-310");
    }

    @Test
    void uplinkNativeVlanLostIsRestoredAsPvidUntagged() {
        kernel.vlans("data-bo", PortVlanSpec.trunk(VidSet.parse("100,200-299")));

        assertThat(plan()).containsExactly("data: set VLANs of data-bo: add 1 PVID Egress Untagged");
    }

    @Test
    void portVlanFlagsChangedAreSetAgain() {
        kernel.vlans("vm1", List.of(BridgeVlan.tagged(100), BridgeVlan.access(1)));

        assertThat(plan()).containsExactly("data: set VLANs of vm1: add 100 PVID Egress Untagged; delete 1");
    }

    @Test
    void bridgeMtuChangedIsSetBack() {
        kernel.link("data-br").mtu(1500);

        assertThat(plan()).containsExactly("data: set mtu 9000 on data-br");
    }

    @Test
    void bondMtuChangedIsSetBackOnTheBondOnly() {
        kernel.link("data-bo").mtu(1500);
        kernel.link("eth1").mtu(1500);

        assertThat(plan()).containsExactly("data: set mtu 9000 on data-bo");
    }

    @Test
    void nicMtuChangedBehindTheBondIsSetBackOnTheNic() {
        kernel.link("eth2").mtu(1500);

        assertThat(plan()).containsExactly("data: set mtu 9000 on eth2");
    }

    @Test
    void portMtuChangedIsSetBackOnBothEndsOfTheVeth() {
        kernel.link("vm2").mtu(1500);

        assertThat(plan()).containsExactly(
                "data: set mtu 9000 on vm2",
                "data: set mtu 9000 on net1 in /run/netns/pod2 (container bbbb/net1)");
    }

    @Test
    void txQueueLengthChangedIsSetBack() {
        kernel.link("data-bo").txQueueLength(500);

        assertThat(plan()).containsExactly("data: set txqueuelen 1000 on data-bo");
    }

    @Test
    void nicReleasedFromTheBondIsEnslavedAgain() {
        kernel.link("eth2").noMaster().mtu(1500);

        assertThat(plan()).containsExactly("data: enslave eth2 to data-bo");
    }

    @Test
    void nicDownIsSetUp() {
        kernel.link("eth1").down();

        assertThat(plan()).containsExactly("data: set eth1 up");
    }

    @Test
    void bondDownIsSetUp() {
        kernel.link("data-bo").down();

        assertThat(plan()).containsExactly("data: set data-bo up");
    }

    @Test
    void bridgeDownIsSetUp() {
        kernel.link("data-br").down();

        assertThat(plan()).containsExactly("data: set data-br up");
    }

    @Test
    void portDownIsSetUp() {
        kernel.link("vm1").down();

        assertThat(plan()).containsExactly("data: set vm1 up");
    }

    @Test
    void vlanFilteringOffIsTurnedOn() {
        kernel.link("data-br").kind(new LinkKind.Bridge(false, 1));

        assertThat(plan()).containsExactly("data: set vlan_filtering 1, default_pvid 1 on data-br");
    }

    @Test
    void bondModeChangedReplacesTheBondThenEnslavesAndAttachesAgain() {
        kernel.link("data-bo").kind(new LinkKind.Bond(BondMode.BALANCE_RR, 100));

        assertThat(plan()).containsExactly(
                "data: replace bond data-bo: mode balance-rr -> active-backup",
                "data: enslave eth1 to data-bo",
                "data: enslave eth2 to data-bo",
                "data: attach data-bo to data-br",
                "data: set VLANs of data-bo: add 100, 200-299");
    }

    @Test
    void bondMiimonChangedIsSetInPlace() {
        kernel.link("data-bo").kind(new LinkKind.Bond(BondMode.ACTIVE_BACKUP, 250));

        assertThat(plan()).containsExactly("data: set miimon 100 on bond data-bo");
    }

    @Test
    void nicDroppedFromTheConfigButStillEnslavedIsReleased() {
        kernel.with(TestLink.nic("eth3", DataNetwork.ETH3).mtu(MTU).master("data-bo"));

        assertThat(plan()).containsExactly("data: release eth3 from data-bo");
    }

    @Test
    void bondAttachedToAnotherBridgeIsMovedBackWithFreshVlans() {
        kernel.with(TestLink.bridge("other-br", 50));
        kernel.link("data-bo").master("other-br");

        assertThat(plan()).containsExactly(
                "data: attach data-bo to data-br",
                "data: set VLANs of data-bo: add 100, 200-299");
    }

    @Test
    void portDetachedFromTheBridgeIsAttachedAgain() {
        kernel.link("vm1").noMaster();
        kernel.vlans("vm1", List.of());

        assertThat(plan()).containsExactly(
                "data: attach vm1 to data-br",
                "data: set VLANs of vm1: add 100 PVID Egress Untagged; delete 1");
    }

    @Test
    void severalDriftsAtOnceArePlannedInDependencyOrder() {
        kernel.link("data-br").down().mtu(1500);
        kernel.link("eth2").noMaster();
        kernel.link("vm1").down();
        kernel.vlans("data-bo", List.of(BridgeVlan.access(1), BridgeVlan.tagged(VidRange.of(200, 299))));

        assertThat(plan()).containsExactly(
                "data: enslave eth2 to data-bo",
                "data: set VLANs of data-bo: add 100",
                "data: set mtu 9000 on data-br",
                "data: set data-br up",
                "data: set vm1 up");
    }
}
