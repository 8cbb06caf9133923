package io.vmnetd.daemon.reconcile;

import static org.assertj.core.api.Assertions.assertThat;

import io.vmnetd.daemon.model.DesiredNetwork;
import io.vmnetd.daemon.model.VlanDiff;
import io.vmnetd.daemon.model.VmPort;
import io.vmnetd.daemon.testing.TestPorts;
import io.vmnetd.netlink.IpPrefix;
import io.vmnetd.netlink.Link;
import io.vmnetd.netlink.LinkKind;
import io.vmnetd.netlink.MacAddress;
import io.vmnetd.netlink.OperState;
import io.vmnetd.netlink.VidRange;
import io.vmnetd.netlink.nl.Rtnl;
import java.util.Optional;
import io.vmnetd.netlink.BridgeVlan;
import io.vmnetd.netlink.PortVlans;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Planning single VM ports, as a link event on a port asks for: only the named ports are looked at, and the view
 * needs nothing but the bridge and them.
 */
class PlannerPortsTest {
    private final TestKernel kernel = DataNetwork.asDesired();

    private Plan plan(String... ports) {
        DesiredNetwork want = DataNetwork.desired().withPortsNamed(Set.of(ports));
        return Planner.planPorts(want, kernel.view());
    }

    @Test
    void aPortAsDesiredPlansNothing() {
        assertThat(plan("vm1", "vm2").steps()).isEmpty();
        assertThat(plan("vm1", "vm2").problems()).isEmpty();
    }

    @Test
    void isolationLostOrGainedIsSetBack() {
        kernel.link("vm1").isolated(true);
        assertThat(plan("vm1").steps()).containsExactly(new PortSteps.SetIsolated("vm1", false));

        DesiredNetwork isolated = DataNetwork.desired(List.of("eth1", "eth2"),
                List.of(TestPorts.isolated(DataNetwork.VM1, true)));
        assertThat(Planner.planPorts(isolated, kernel.view()).steps()).isEmpty();
        kernel.link("vm1").isolated(false);
        assertThat(Planner.planPorts(isolated, kernel.view()).steps())
                .containsExactly(new PortSteps.SetIsolated("vm1", true));
    }

    @Test
    void aPortAskingForAPromiscuousBridgeGetsOne() {
        VmPort promisc = new VmPort("vm1", DataNetwork.VM1.pod(), DataNetwork.VM1.vlans(), false, true, "c");
        DesiredNetwork want = DataNetwork.desired(List.of("eth1", "eth2"), List.of(promisc));

        assertThat(Planner.planPorts(want, kernel.view()).steps())
                .containsExactly(new PortSteps.SetPromiscuous("data-br"));
        kernel.link("data-br").promiscuous(true);
        assertThat(Planner.planPorts(want, kernel.view()).steps()).isEmpty();
    }

    @Test
    void checkingThePodEndPlansWhatDiffersThere() {
        VmPort vm1 = DataNetwork.VM1.withPod(DataNetwork.VM1.pod().withAddressing(
                List.of(IpPrefix.parse("10.0.0.5/24")), List.of()));
        DesiredNetwork want = DataNetwork.desired(List.of("eth1", "eth2"), List.of(vm1));
        Link asMade = new Link(7, "net1", new LinkKind.Veth(), Rtnl.IFF_UP, DataNetwork.MTU, 68, 65535, 1000,
                Optional.of(vm1.pod().mac()), OperState.UP, 0, 0, Optional.empty(), Optional.empty(),
                Optional.empty(), 0);

        assertThat(Planner.planPort(want, kernel.view(), new PodView(Optional.of(asMade),
                List.of(IpPrefix.parse("10.0.0.5/24")))).steps()).isEmpty();
        Link changed = new Link(7, "net1", new LinkKind.Veth(), Rtnl.IFF_UP, 1500, 68, 65535, 1000,
                Optional.of(MacAddress.parse("02:99:00:00:00:01")), OperState.UP, 0, 0, Optional.empty(),
                Optional.empty(), Optional.empty(), 0);
        assertThat(Planner.planPort(want, kernel.view(), new PodView(Optional.of(changed), List.of())).steps())
                .containsExactly(new PortSteps.SetPodMac(vm1.pod(), "02:99:00:00:00:01"),
                        new PortSteps.SetPodMtu(vm1.pod(), DataNetwork.MTU),
                        new PortSteps.AddPodAddressing(vm1.pod()));
        assertThat(Planner.planPort(want, kernel.view(), new PodView(Optional.empty(), List.of())).portProblems())
                .containsExactly("net1 is missing from /run/netns/pod1");
    }

    @Test
    void onlyTheNamedPortIsRepaired() {
        kernel.vlans("vm1", List.of(BridgeVlan.access(1)));
        kernel.link("vm2").down();

        assertThat(plan("vm1").steps()).containsExactly(
                new Steps.SetPortVlans("vm1", new VlanDiff(List.of(BridgeVlan.access(100)), List.of(VidRange.of(1)))));
        assertThat(plan("vm2").steps()).containsExactly(
                new Steps.SetUp("vm2"));
    }

    @Test
    void aPortThatLeftTheBridgeRejoinsWithItsVlansAndMtu() {
        kernel.link("vm2").noMaster().mtu(1500);
        kernel.vlans("vm2", List.of());

        assertThat(plan("vm2").steps()).containsExactly(
                new PortSteps.JoinPort("vm2", "data-br", DataNetwork.VM2.vlans(), PortVlans.joining(0, "vm2", 0, 0), false),
                new Steps.SetMtu("vm2", 9000),
                new PortSteps.SetPodMtu(DataNetwork.VM2.pod(), 9000));
    }

    @Test
    void theUplinkAndBridgeAreNotPlannedEvenWhenTheyDrifted() {
        kernel.link("data-bo").down();
        kernel.vlans("data-bo", List.of(BridgeVlan.access(1)));

        assertThat(plan("vm1", "vm2").steps()).isEmpty();
    }

    @Test
    void aPortLinkIsAsPlannedOnlyOnTheBridgeAtItsMtuAndUp() {
        assertThat(linkAsPlanned()).isTrue();
        kernel.link("vm1").down();
        assertThat(linkAsPlanned()).as("down").isFalse();
        kernel.link("vm1").up().mtu(1500);
        assertThat(linkAsPlanned()).as("MTU 1500").isFalse();
        kernel.link("vm1").mtu(DataNetwork.MTU).noMaster();
        assertThat(linkAsPlanned()).as("off the bridge").isFalse();
        kernel.link("vm1").master("data-br");
        kernel.vlans("vm1", List.of());
        assertThat(linkAsPlanned()).as("VLANs are not the link's business").isTrue();
        kernel.link("vm1").isolated(true);
        assertThat(linkAsPlanned()).as("isolated, but not described so").isFalse();
    }

    private boolean linkAsPlanned() {
        KernelView view = kernel.view();
        return Planner.portLinkAsPlanned(DataNetwork.desired(), DataNetwork.VM1, view.link("data-br").orElseThrow(),
                view.link("vm1").orElseThrow());
    }

    @Test
    void portVlansAreAsPlannedOnlyWhenExactlyTheDesiredOnes() {
        PortVlans exact = kernel.view().vlans(kernel.view().link("vm1").orElseThrow());
        assertThat(Planner.portVlansAsPlanned(DataNetwork.VM1, exact)).isTrue();
        kernel.vlans("vm1", List.of(BridgeVlan.access(100), BridgeVlan.tagged(5)));
        assertThat(Planner.portVlansAsPlanned(DataNetwork.VM1, kernel.view().vlans(kernel.view().link("vm1")
                .orElseThrow()))).as("one VID too many").isFalse();
        kernel.vlans("vm1", List.of(BridgeVlan.tagged(100)));
        assertThat(Planner.portVlansAsPlanned(DataNetwork.VM1, kernel.view().vlans(kernel.view().link("vm1")
                .orElseThrow()))).as("100 no longer PVID and untagged").isFalse();
    }

    @Test
    void aMissingBridgeIsAProblemNotAStep() {
        kernel.without("data-br");
        Plan plan = plan("vm2");

        assertThat(plan.steps()).isEmpty();
        assertThat(plan.problems()).containsExactly("data-br does not exist");
    }
}
