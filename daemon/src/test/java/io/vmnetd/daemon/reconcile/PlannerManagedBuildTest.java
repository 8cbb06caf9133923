package io.vmnetd.daemon.reconcile;

import static io.vmnetd.daemon.reconcile.DataNetwork.MTU;
import static org.assertj.core.api.Assertions.assertThat;

import io.vmnetd.daemon.model.DesiredNetwork;
import io.vmnetd.daemon.model.PodRoute;
import io.vmnetd.daemon.model.VlanDiff;
import io.vmnetd.daemon.model.VmPort;
import io.vmnetd.daemon.testing.TestPorts;
import io.vmnetd.netlink.BondMode;
import io.vmnetd.netlink.BridgeVlan;
import io.vmnetd.netlink.IpPrefix;
import io.vmnetd.netlink.LinkKind;
import io.vmnetd.netlink.PortVlans;
import io.vmnetd.netlink.VidRange;
import io.vmnetd.netlink.VidSet;
import io.vmnetd.netlink.VlanProtocol;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Planning a managed cluster network from scratch, and recognising one that is already as desired. */
class PlannerManagedBuildTest {

    private static Plan plan(TestKernel kernel) {
        return Planner.plan(DataNetwork.desired(), kernel.view(), VidSet.empty());
    }

    @Test
    void fromNothingPlansEveryStepInDependencyOrderWithTheExactSettings() {
        Plan plan = plan(DataNetwork.nicsAndPortsOnly());

        assertThat(plan.network()).isEqualTo("data");
        assertThat(plan.steps()).containsExactly(
                new Steps.CreateBond("data-bo", BondMode.ACTIVE_BACKUP, 100, MTU, OptionalInt.of(1000)),
                new Steps.EnslaveNic("eth1", "data-bo"),
                new Steps.EnslaveNic("eth2", "data-bo"),
                new Steps.CreateBridge("data-br", MTU),
                new Steps.SetMaster("data-bo", "data-br"),
                new Steps.SetPortVlans("data-bo", new VlanDiff(List.of(BridgeVlan.access(1), BridgeVlan.tagged(100),
                        BridgeVlan.tagged(VidRange.of(200, 299))), List.of())),
                new PortSteps.JoinPort("vm1", "data-br", DataNetwork.VM1.vlans(), PortVlans.joining(0, "vm1", 0, 0), false),
                new PortSteps.JoinPort("vm2", "data-br", DataNetwork.VM2.vlans(), PortVlans.joining(0, "vm2", 0, 0), false),
                new Steps.SetMtu("vm1", MTU),
                new PortSteps.SetPodMtu(DataNetwork.VM1.pod(), MTU),
                new Steps.SetMtu("vm2", MTU),
                new PortSteps.SetPodMtu(DataNetwork.VM2.pod(), MTU));
    }

    @Test
    void stepKindsAreTheMetricLabelsOfWhatTheyBuild() {
        Plan plan = plan(DataNetwork.nicsAndPortsOnly());

        assertThat(plan.steps()).extracting(Step::kind).containsExactly(
                "bond_missing", "nic_released", "nic_released", "bridge_missing", "master", "vlans",
                "master", "master", "mtu", "mtu", "mtu", "mtu");
    }

    @Test
    void aKernelAlreadyAsDesiredGivesAnEmptyPlan() {
        Plan plan = plan(DataNetwork.asDesired());

        assertThat(plan.steps()).isEmpty();
        assertThat(plan.problems()).isEmpty();
        assertThat(plan.isEmpty()).isTrue();
        assertThat(plan.describe()).isEmpty();
    }

    @Test
    void planningTwiceAgainstTheSameKernelGivesTheSamePlan() {
        KernelView view = DataNetwork.nicsAndPortsOnly().view();

        Plan first = Planner.plan(DataNetwork.desired(), view, VidSet.empty());
        Plan second = Planner.plan(DataNetwork.desired(), view, VidSet.empty());

        assertThat(second).isEqualTo(first);
    }

    @Test
    void withoutPortsOrTxQueueLengthTheFreshNetworkIsBondNicsBridgeAndUplinkVlans() {
        DesiredNetwork want = new DesiredNetwork("data", true, "data-br", "data-bo", List.of("eth1"),
                OptionalInt.of(1500), BondMode.IEEE_802_3AD, 0, OptionalInt.empty(), VidSet.empty(), List.of());
        TestKernel kernel = new TestKernel().with(TestLink.nic("eth1", 2));

        Plan plan = Planner.plan(want, kernel.view(), VidSet.empty());

        assertThat(plan.steps()).containsExactly(
                new Steps.CreateBond("data-bo", BondMode.IEEE_802_3AD, 0, 1500, OptionalInt.empty()),
                new Steps.EnslaveNic("eth1", "data-bo"),
                new Steps.CreateBridge("data-br", 1500),
                new Steps.SetMaster("data-bo", "data-br"),
                new Steps.SetPortVlans("data-bo", new VlanDiff(List.of(BridgeVlan.access(1)), List.of())));
    }

    @Test
    void aMissingNicIsAProblemAndNoStep() {
        TestKernel kernel = DataNetwork.asDesired().without("eth2");

        Plan plan = plan(kernel);

        assertThat(plan.steps()).isEmpty();
        assertThat(plan.problems()).containsExactly("NIC eth2 does not exist");
        assertThat(plan.describe()).as("the readable form, problems prefixed")
                .containsExactly("data: cannot: NIC eth2 does not exist");
    }

    @Test
    void aMissingNicDoesNotHoldBackTheRestOfTheBuild() {
        TestKernel kernel = DataNetwork.nicsAndPortsOnly().without("eth1");

        Plan plan = plan(kernel);

        assertThat(plan.problems()).containsExactly("NIC eth1 does not exist");
        assertThat(plan.steps()).contains(new Steps.EnslaveNic("eth2", "data-bo"), new Steps.CreateBridge("data-br", MTU))
                .doesNotContain(new Steps.EnslaveNic("eth1", "data-bo"));
    }

    @Test
    void aMissingVmPortWhosePodIsThereIsMadeAgainWholeAndComesUpLast() {
        TestKernel kernel = DataNetwork.asDesired().without("vm1");

        Plan plan = plan(kernel);

        assertThat(plan.problems()).isEmpty();
        assertThat(plan.portProblems()).isEmpty();
        assertThat(plan.steps()).containsExactly(
                new PortSteps.CreatePort("vm1", DataNetwork.VM1.hostMac(), DataNetwork.VM1.pod(), MTU),
                new PortSteps.JoinPort("vm1", "data-br", DataNetwork.VM1.vlans(), PortVlans.joining(0, "vm1", 0, 0),
                        false));
    }

    @Test
    void aMissingVmPortIsMadeWithItsAddressesAndFlags() {
        VmPort vm1 = TestPorts.isolated(DataNetwork.VM1.withPod(DataNetwork.VM1.pod().withAddressing(
                List.of(IpPrefix.parse("10.0.0.5/24")),
                List.of(new PodRoute(IpPrefix.parse("0.0.0.0/0"), Optional.of(IpPrefix.parseAddress("10.0.0.1")))))),
                true);
        TestKernel kernel = DataNetwork.asDesired().without("vm1");

        Plan plan = Planner.plan(DataNetwork.desired(List.of("eth1", "eth2"), List.of(vm1, DataNetwork.VM2)),
                kernel.view(), VidSet.empty());

        assertThat(plan.steps()).containsExactly(
                new PortSteps.CreatePort("vm1", vm1.hostMac(), vm1.pod(), MTU),
                new PortSteps.AddPodAddressing(vm1.pod()),
                new PortSteps.JoinPort("vm1", "data-br", vm1.vlans(), PortVlans.joining(0, "vm1", 0, 0), true));
    }

    @Test
    void aMissingVmPortWhosePodIsGoneIsAPortProblemAndTheOtherPortIsStillPlanned() {
        TestKernel kernel = DataNetwork.asDesired().without("vm1");
        kernel.link("vm2").noMaster();

        Plan plan = Planner.plan(DataNetwork.desired(), kernel.view().withGoneNamespaces(
                Set.of(DataNetwork.VM1.pod().netns())), VidSet.empty());

        assertThat(plan.problems()).as("a missing port does not degrade the network").isEmpty();
        assertThat(plan.portProblems()).containsExactly(
                "VM port vm1 of container pod1/net1 is gone with its pod's namespace /run/netns/pod1");
        assertThat(plan.steps()).containsExactly(
                new PortSteps.JoinPort("vm2", "data-br", DataNetwork.VM2.vlans(), PortVlans.joining(0, "vm2", 0, 0),
                        false));
    }

    @Test
    void theBondNameTakenByAnotherKindIsAProblemAndNothingIsPlanned() {
        TestKernel kernel = DataNetwork.asDesired();
        kernel.link("data-bo").kind(new LinkKind.Dummy());

        Plan plan = plan(kernel);

        assertThat(plan.steps()).isEmpty();
        assertThat(plan.problems()).containsExactly("data-bo exists but is a dummy, not a bond");
    }

    @Test
    void theBridgeNameTakenByAnotherKindIsAProblemAndNothingAfterTheUplinkIsPlanned() {
        TestKernel kernel = DataNetwork.nicsAndPortsOnly().with(TestLink.nic("data-br", 30));

        Plan plan = plan(kernel);

        assertThat(plan.problems()).containsExactly("data-br exists but is a device, not a bridge");
        assertThat(plan.steps()).containsExactly(
                new Steps.CreateBond("data-bo", BondMode.ACTIVE_BACKUP, 100, MTU, OptionalInt.of(1000)),
                new Steps.EnslaveNic("eth1", "data-bo"),
                new Steps.EnslaveNic("eth2", "data-bo"));
    }

    @Test
    void aBridgeNameTakenOnAnOtherwiseRightNodeGivesOnlyTheProblem() {
        TestKernel kernel = DataNetwork.asDesired();
        kernel.link("data-br").kind(new LinkKind.Vlan(5, VlanProtocol.IEEE_802_1Q));

        Plan plan = plan(kernel);

        assertThat(plan.steps()).isEmpty();
        assertThat(plan.problems()).containsExactly("data-br exists but is a vlan, not a bridge");
    }

    @Test
    void planningReadsOnlyTheNetworksOwnLinks() {
        TestKernel kernel = DataNetwork.asDesired()
                .with(TestLink.nic("eth9", 40).down().mtu(1400))
                .with(TestLink.bridge("other-br", 41).down())
                .with(TestLink.veth("stray", 42).master("other-br").mtu(1280));

        assertThat(plan(kernel).steps()).isEmpty();
    }
}
