package io.vmnetd.daemon.reconcile;

import static io.vmnetd.daemon.reconcile.DataNetwork.MTU;
import static org.assertj.core.api.Assertions.assertThat;

import io.vmnetd.daemon.model.BondTuning;
import io.vmnetd.daemon.model.DesiredNetwork;
import io.vmnetd.daemon.model.HostVlan;
import io.vmnetd.daemon.model.PortVlanSpec;
import io.vmnetd.daemon.state.NetworkRegistry.HostInterface;
import io.vmnetd.netlink.BridgeVlan;
import io.vmnetd.netlink.IpPrefix;
import io.vmnetd.netlink.LinkKind;
import io.vmnetd.netlink.VidSet;
import io.vmnetd.netlink.nl.Rtnl;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

/**
 * Host interfaces (hostNetworks) on a cluster network's bridge: made after the bridge, each drift repaired (address,
 * interface, the bridge's own VLAN, routes), and exactly what vmnetd made taken away once the host network is gone.
 */
class PlannerHostVlanTest {
    private static final int LINK = 30;
    private static final IpPrefix ADDRESS = IpPrefix.parse("10.0.100.5/24");
    private static final IpPrefix ROUTE = IpPrefix.parse("10.20.0.0/16");
    private static final HostVlan STORAGE = new HostVlan("storage", "data-br.100", 100, Optional.of(ADDRESS),
            Optional.of(IpPrefix.parseAddress("10.0.100.1")), List.of(ROUTE), false);
    private static final HostInterface MADE = new HostInterface("storage", "data", "data-br", "data-br.100", 100, true);

    private static DesiredNetwork with(List<HostVlan> hostVlans) {
        DesiredNetwork d = DataNetwork.desired();
        return new DesiredNetwork(d.name(), true, d.bridge(), d.uplink(), d.nics(), d.mtu(), d.bondMode(), d.miimon(),
                d.txQueueLength(), d.uplinkVids(), d.ports(), BondTuning.DEFAULTS, hostVlans);
    }

    /** The data network as desired, with data-br.100 and everything of it. */
    private static TestKernel storageAsDesired() {
        return DataNetwork.asDesired()
                .with(TestLink.vlan("data-br.100", LINK, "data-br", 100).mtu(MTU))
                .vlans("data-br", PortVlanSpec.nativeOnly().withTagged(VidSet.of(100)))
                .address("data-br.100", "10.0.100.5/24")
                .route("data-br.100", "10.20.0.0/16", "10.0.100.1", Rtnl.Rta.PROT_STATIC)
                .route("data-br.100", "10.0.100.0/24", null, Rtnl.Rta.PROT_KERNEL);
    }

    private static Plan plan(DesiredNetwork want, TestKernel kernel, List<HostInterface> made) {
        return Planner.plan(want, kernel.view(), VidSet.empty(), made);
    }

    private static List<Step> steps(DesiredNetwork want, TestKernel kernel, List<HostInterface> made) {
        Plan plan = plan(want, kernel, made);
        assertThat(plan.problems()).isEmpty();
        return plan.steps();
    }

    @Test
    void aNewNetworkGetsItsHostInterfaceLastWithTheBridgesVlanAddressAndRoute() {
        List<Step> steps = steps(with(List.of(STORAGE)), DataNetwork.nicsAndPortsOnly(), List.of());

        assertThat(steps.subList(steps.size() - 4, steps.size())).containsExactly(
                new HostVlanSteps.AddBridgeVlan("data-br", 100),
                new HostVlanSteps.CreateVlanLink("data-br.100", "data-br", 100, MTU),
                new HostVlanSteps.AddAddress("data-br.100", ADDRESS),
                new HostVlanSteps.AddRoute("data-br.100", ROUTE, IpPrefix.parseAddress("10.0.100.1")));
        assertThat(steps.get(0)).isInstanceOf(Steps.CreateBond.class);
        assertThat(steps.get(steps.size() - 3).describe())
                .isEqualTo("create VLAN 100 link data-br.100 on data-br (mtu 9000)");
        assertThat(steps.get(steps.size() - 4).describe()).isEqualTo("add VLAN 100 (tagged) to bridge data-br itself");
    }

    @Test
    void aHostInterfaceAsWantedNeedsNothingAndTheKernelsOwnRouteIsLeftAlone() {
        assertThat(steps(with(List.of(STORAGE)), storageAsDesired(), List.of(MADE))).isEmpty();
    }

    @Test
    void aRemovedAddressIsAddedBackWithTheRouteTheKernelFlushedWithIt() {
        TestKernel kernel = storageAsDesired().withoutAddresses("data-br.100").withoutRoutes();

        assertThat(steps(with(List.of(STORAGE)), kernel, List.of(MADE))).containsExactly(
                new HostVlanSteps.AddAddress("data-br.100", ADDRESS),
                new HostVlanSteps.AddRoute("data-br.100", ROUTE, IpPrefix.parseAddress("10.0.100.1")));
    }

    @Test
    void aDeletedInterfaceIsMadeAgain() {
        TestKernel kernel = storageAsDesired().withoutAddresses("data-br.100").withoutRoutes().without("data-br.100");

        assertThat(steps(with(List.of(STORAGE)), kernel, List.of(MADE))).containsExactly(
                new HostVlanSteps.CreateVlanLink("data-br.100", "data-br", 100, MTU),
                new HostVlanSteps.AddAddress("data-br.100", ADDRESS),
                new HostVlanSteps.AddRoute("data-br.100", ROUTE, IpPrefix.parseAddress("10.0.100.1")));
    }

    @Test
    void theVlanRemovedFromTheBridgeItselfOrMadeUntaggedIsAddedBackTagged() {
        TestKernel kernel = storageAsDesired().vlans("data-br", PortVlanSpec.nativeOnly());
        assertThat(steps(with(List.of(STORAGE)), kernel, List.of(MADE))).containsExactly(
                new HostVlanSteps.AddBridgeVlan("data-br", 100));

        kernel.vlans("data-br", List.of(BridgeVlan.access(1), new BridgeVlan(io.vmnetd.netlink.VidRange.of(100),
                false, true)));
        assertThat(steps(with(List.of(STORAGE)), kernel, List.of(MADE))).containsExactly(
                new HostVlanSteps.AddBridgeVlan("data-br", 100));
    }

    @Test
    void theInterfaceDownOrAtAnotherMtuIsSetBack() {
        TestKernel kernel = storageAsDesired();
        kernel.link("data-br.100").mtu(1500).down();

        assertThat(steps(with(List.of(STORAGE)), kernel, List.of(MADE))).containsExactly(
                new Steps.SetMtu("data-br.100", MTU),
                new Steps.SetUp("data-br.100"));
    }

    @Test
    void anAddressOrVmnetdRouteNobodyWantsGoesAndOtherRoutesStay() {
        TestKernel kernel = storageAsDesired()
                .address("data-br.100", "10.0.100.6/24")
                .route("data-br.100", "10.30.0.0/16", "10.0.100.1", Rtnl.Rta.PROT_STATIC)
                .route("data-br.100", "10.40.0.0/16", "10.0.100.1", Rtnl.Rta.PROT_BOOT);

        assertThat(steps(with(List.of(STORAGE)), kernel, List.of(MADE))).containsExactly(
                new HostVlanSteps.DeleteAddress("data-br.100", IpPrefix.parse("10.0.100.6/24")),
                new HostVlanSteps.DeleteRoute("data-br.100", IpPrefix.parse("10.30.0.0/16"),
                        Optional.of(IpPrefix.parseAddress("10.0.100.1"))));
    }

    @Test
    void aRemovedHostNetworkTakesExactlyWhatVmnetdMade() {
        assertThat(steps(with(List.of()), storageAsDesired(), List.of(MADE))).containsExactly(
                new Steps.DeleteLink("data-br.100", "its host network was removed"),
                new HostVlanSteps.RemoveBridgeVlan("data-br", 100));

        HostInterface vidWasThere = new HostInterface("storage", "data", "data-br", "data-br.100", 100, false);
        assertThat(steps(with(List.of()), storageAsDesired(), List.of(vidWasThere))).as("a VID vmnetd did not add")
                .containsExactly(new Steps.DeleteLink("data-br.100", "its host network was removed"));
    }

    @Test
    void aHostNetworkMovedToAnotherVlanReplacesItsInterfaceAndBridgeVlan() {
        HostVlan moved = new HostVlan("storage", "data-br.200", 200, Optional.of(ADDRESS), STORAGE.gateway(),
                List.of(ROUTE), false);

        assertThat(steps(with(List.of(moved)), storageAsDesired(), List.of(MADE))).containsExactly(
                new HostVlanSteps.AddBridgeVlan("data-br", 200),
                new HostVlanSteps.CreateVlanLink("data-br.200", "data-br", 200, MTU),
                new HostVlanSteps.AddAddress("data-br.200", ADDRESS),
                new HostVlanSteps.AddRoute("data-br.200", ROUTE, IpPrefix.parseAddress("10.0.100.1")),
                new Steps.DeleteLink("data-br.100", "its host network was removed"),
                new HostVlanSteps.RemoveBridgeVlan("data-br", 100));
    }

    @Test
    void anAddressOverlappingTheManagementAddressIsNotSetAndSaysWhy() {
        TestKernel kernel = storageAsDesired()
                .with(TestLink.bridge("mgmt-br", 40))
                .address("mgmt-br", "10.0.0.10/16");

        Plan plan = plan(with(List.of(STORAGE)), kernel, List.of(MADE));

        assertThat(plan.steps()).containsExactly(
                new HostVlanSteps.DeleteAddress("data-br.100", ADDRESS),
                new HostVlanSteps.DeleteRoute("data-br.100", ROUTE, STORAGE.gateway()));
        assertThat(plan.problems()).containsExactly("host network storage: address 10.0.100.5/24 overlaps "
                + "10.0.0.10/16 of mgmt-br (the node's management address); it is not set");
    }

    @Test
    void onTheAdoptedMgmtBridgeAnInterfaceVmnetdDidNotMakeIsLeftAlone() {
        DesiredNetwork mgmt = new DesiredNetwork("mgmt", false, "mgmt-br", "mgmt-bo", List.of(), OptionalInt.empty(),
                io.vmnetd.netlink.BondMode.ACTIVE_BACKUP, 0, OptionalInt.empty(), VidSet.of(2012), List.of(),
                BondTuning.DEFAULTS, List.of(new HostVlan("mig", "mgmt-br.2012", 2012, Optional.empty(),
                        Optional.empty(), List.of(), true)));
        TestKernel kernel = new TestKernel()
                .with(TestLink.bridge("mgmt-br", 40))
                .with(TestLink.bond("mgmt-bo", 42, io.vmnetd.netlink.BondMode.ACTIVE_BACKUP, 100).master("mgmt-br"))
                .vlans("mgmt-bo", PortVlanSpec.nativeOnly().withTagged(VidSet.of(2012)))
                .with(TestLink.vlan("mgmt-br.2012", 41, "mgmt-br", 2012))
                .address("mgmt-br.2012", "192.168.1.10/24");

        Plan plan = Planner.plan(mgmt, kernel.view(), VidSet.empty(), List.of());

        assertThat(plan.steps()).isEmpty();
        assertThat(plan.problems()).containsExactly("host network mig: mgmt-br.2012 exists and is not vmnetd's; it "
                + "is left as it is");
    }

    @Test
    void aDhcpInterfaceIsMadeBeforeItsLeaseAndAddressedWithIt() {
        HostVlan seeking = new HostVlan("storage", "data-br.100", 100, Optional.empty(), Optional.empty(),
                List.of(ROUTE), true);
        TestKernel kernel = storageAsDesired().withoutAddresses("data-br.100").withoutRoutes();
        assertThat(steps(with(List.of(seeking)), kernel, List.of(MADE))).isEmpty();

        HostVlan leased = new HostVlan("storage", "data-br.100", 100, Optional.of(ADDRESS),
                Optional.of(IpPrefix.parseAddress("10.0.100.1")), List.of(ROUTE), true);
        assertThat(steps(with(List.of(leased)), kernel, List.of(MADE))).containsExactly(
                new HostVlanSteps.AddAddress("data-br.100", ADDRESS),
                new HostVlanSteps.AddRoute("data-br.100", ROUTE, IpPrefix.parseAddress("10.0.100.1")));

        HostVlan noRouter = new HostVlan("storage", "data-br.100", 100, Optional.of(ADDRESS), Optional.empty(),
                List.of(ROUTE), true);
        Plan plan = plan(with(List.of(noRouter)), kernel, List.of(MADE));
        assertThat(plan.steps()).containsExactly(new HostVlanSteps.AddAddress("data-br.100", ADDRESS));
        assertThat(plan.problems()).containsExactly("host network storage: its DHCP lease names no router; routes "
                + "[10.20.0.0/16] are not set");
    }

    @Test
    void whileALeaseIsSoughtTheAddressAndRoutesHeldFromBeforeARestartStayAndALostLeaseTakesThem() {
        HostVlan seeking = new HostVlan("storage", "data-br.100", 100, Optional.empty(), Optional.empty(),
                List.of(ROUTE), true, true);
        assertThat(steps(with(List.of(seeking)), storageAsDesired(), List.of(MADE))).isEmpty();

        HostVlan lost = new HostVlan("storage", "data-br.100", 100, Optional.empty(), Optional.empty(),
                List.of(ROUTE), true, false);
        assertThat(steps(with(List.of(lost)), storageAsDesired(), List.of(MADE))).containsExactly(
                new HostVlanSteps.DeleteAddress("data-br.100", ADDRESS),
                new HostVlanSteps.DeleteRoute("data-br.100", ROUTE, Optional.of(IpPrefix.parseAddress("10.0.100.1"))));
    }

    @Test
    void aLinkOfThatNameThatIsNotTheVlanIsReplacedOnAManagedBridge() {
        TestKernel kernel = storageAsDesired();
        kernel.link("data-br.100").kind(new LinkKind.Dummy()).parent(null);

        assertThat(steps(with(List.of(STORAGE)), kernel, List.of(MADE))).startsWith(
                new Steps.DeleteLink("data-br.100", "not VLAN 100 of data-br"),
                new HostVlanSteps.CreateVlanLink("data-br.100", "data-br", 100, MTU),
                new HostVlanSteps.AddAddress("data-br.100", ADDRESS));
    }
}
