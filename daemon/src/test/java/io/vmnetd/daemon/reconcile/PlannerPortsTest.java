package io.vmnetd.daemon.reconcile;

import static org.assertj.core.api.Assertions.assertThat;

import io.vmnetd.daemon.model.DesiredNetwork;
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
        assertThat(plan("vm1", "vm2").describe()).isEmpty();
    }

    @Test
    void onlyTheNamedPortIsRepaired() {
        kernel.vlans("vm1", List.of(BridgeVlan.access(1)));
        kernel.link("vm2").down();

        assertThat(plan("vm1").describe()).containsExactly(
                "data: set VLANs of vm1: add 100 PVID Egress Untagged; delete 1");
        assertThat(plan("vm2").describe()).containsExactly("data: set vm2 up");
    }

    @Test
    void aPortThatLeftTheBridgeRejoinsWithItsVlansAndMtu() {
        kernel.link("vm2").noMaster().mtu(1500);
        kernel.vlans("vm2", List.of());

        assertThat(plan("vm2").describe()).containsExactly(
                "data: attach vm2 to data-br",
                "data: set VLANs of vm2: add 200-299; delete 1",
                "data: set mtu 9000 on vm2",
                "data: set mtu 9000 on net1 in /run/netns/pod2 (container bbbb/net1)");
    }

    @Test
    void theUplinkAndBridgeAreNotPlannedEvenWhenTheyDrifted() {
        kernel.link("data-bo").down();
        kernel.vlans("data-bo", List.of(BridgeVlan.access(1)));

        assertThat(plan("vm1", "vm2").describe()).isEmpty();
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
    }

    private boolean linkAsPlanned() {
        KernelView view = kernel.view();
        return Planner.portLinkAsPlanned(DataNetwork.desired(), view.link("data-br").orElseThrow(),
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
    void aMissingPortOrBridgeIsAProblemNotAStep() {
        kernel.without("vm1");
        assertThat(plan("vm1").describe()).containsExactly("data: cannot: VM port vm1 of container aaaa/net1 does not exist");

        kernel.without("data-br");
        assertThat(plan("vm2").describe()).containsExactly("data: cannot: data-br does not exist");
    }
}
