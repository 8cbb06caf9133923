package io.vmnetd.netlink.lab;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.vmnetd.netlink.BridgeVlan;
import io.vmnetd.netlink.BridgeVlans;
import io.vmnetd.netlink.LinkKind;
import io.vmnetd.netlink.LinkSpec;
import io.vmnetd.netlink.Links;
import io.vmnetd.netlink.RtNetlink;
import io.vmnetd.netlink.VidRange;
import io.vmnetd.netlink.testing.LabTest;
import io.vmnetd.netlink.testing.TestNetns;
import io.vmnetd.netlink.testing.VlanMembership;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Bridges created with VLAN filtering and a default PVID, and VLANs on the bridge device itself ("self"), checked
 * against {@code ip -j -d link show} and {@code bridge -j vlan show}.
 */
@LabTest
class VlanFilteringBridgeLabTest {

    @Test
    void bridgeWithVlanFilteringAndDefaultPvid10GivesNewPortsPvid10() {
        try (TestNetns ns = TestNetns.create()) {
            Links links = ns.rtnl().links();
            links.create(LinkSpec.bridge("br0", true, 10).up());
            links.create(LinkSpec.dummy("d0").master(links.get("br0").index()));

            JsonNode data = ns.link("br0").at("/linkinfo/info_data");
            assertThat(data.get("vlan_filtering").asInt()).isEqualTo(1);
            assertThat(data.get("vlan_default_pvid").asInt()).isEqualTo(10);
            assertThat(links.get("br0").kind()).isEqualTo(new LinkKind.Bridge(true, 10));

            VlanMembership access10 = VlanMembership.of("10", "10", 10);
            assertThat(ns.vlanMembership("d0")).isEqualTo(access10);
            assertThat(ns.vlanMembership("br0")).isEqualTo(access10);
        }
    }

    @Test
    void bridgeWithDefaultPvid0HasNoDefaultVlan() {
        try (TestNetns ns = TestNetns.create()) {
            RtNetlink rtnl = ns.rtnl();
            Links links = rtnl.links();
            links.create(LinkSpec.bridge("br0", true, 0));
            links.create(LinkSpec.dummy("d0").master(links.get("br0").index()));

            JsonNode data = ns.link("br0").at("/linkinfo/info_data");
            assertThat(data.get("vlan_filtering").asInt()).isEqualTo(1);
            assertThat(data.get("vlan_default_pvid").asInt()).isZero();
            assertThat(links.get("br0").kind()).isEqualTo(new LinkKind.Bridge(true, 0));

            assertThat(ns.vlanMembership("d0")).isEqualTo(VlanMembership.NONE);
            assertThat(rtnl.bridgeVlans().list("d0").vlans()).isEmpty();
        }
    }

    @Test
    void bridgeMadeByIpWithDefaultPvid0DecodesAsBridgeWithoutDefaultPvid() {
        try (TestNetns ns = TestNetns.create()) {
            ns.ip("link", "add", "br0", "type", "bridge", "vlan_filtering", "1", "vlan_default_pvid", "0");
            ns.ip("link", "add", "br1", "type", "bridge", "vlan_filtering", "0");
            Links links = ns.rtnl().links();

            assertThat(ns.link("br0").at("/linkinfo/info_data/vlan_default_pvid").asInt()).isZero();
            assertThat(links.get("br0").kind()).isEqualTo(new LinkKind.Bridge(true, 0));
            JsonNode br1 = ns.link("br1").at("/linkinfo/info_data");
            assertThat(links.get("br1").kind()).isEqualTo(
                    new LinkKind.Bridge(br1.get("vlan_filtering").asInt() != 0, br1.get("vlan_default_pvid").asInt()));
            assertThat(links.get("br1").kind()).isEqualTo(new LinkKind.Bridge(false, 1));
        }
    }

    @Test
    void bridgeWithoutVlanFilteringIsCreatedWithTheKernelsDefaults() {
        try (TestNetns ns = TestNetns.create()) {
            Links links = ns.rtnl().links();
            links.create(LinkSpec.bridge("br0", false, 0));

            JsonNode data = ns.link("br0").at("/linkinfo/info_data");
            assertThat(data.get("vlan_filtering").asInt()).isZero();
            assertThat(data.get("vlan_default_pvid").asInt()).isEqualTo(1);
            assertThat(links.get("br0").kind()).isEqualTo(new LinkKind.Bridge(false, 1));
        }
    }

    @Test
    void vlanFilteringIsTurnedOnInPlaceAndTheDefaultPvidFollowsToThePorts() {
        try (TestNetns ns = TestNetns.create()) {
            Links links = ns.rtnl().links();
            links.create(LinkSpec.bridge("br0", false, 0));
            links.create(LinkSpec.dummy("d0").master(links.get("br0").index()));

            links.update(links.get("br0"), new LinkKind.Bridge(true, 20));

            JsonNode data = ns.link("br0").at("/linkinfo/info_data");
            assertThat(data.get("vlan_filtering").asInt()).isEqualTo(1);
            assertThat(data.get("vlan_default_pvid").asInt()).isEqualTo(20);
            assertThat(links.get("br0").kind()).isEqualTo(new LinkKind.Bridge(true, 20));
            // The kernel moves ports still on the old default PVID to the new one.
            assertThat(ns.vlanMembership("d0")).isEqualTo(VlanMembership.of("20", "20", 20));
        }
    }

    @Test
    void defaultPvidIsRemovedInPlaceWithZero() {
        try (TestNetns ns = TestNetns.create()) {
            Links links = ns.rtnl().links();
            links.create(LinkSpec.bridge("br0", true, 1));
            links.create(LinkSpec.dummy("d0").master(links.get("br0").index()));

            links.update(links.get("br0"), new LinkKind.Bridge(true, 0));

            assertThat(ns.link("br0").at("/linkinfo/info_data/vlan_default_pvid").asInt()).isZero();
            assertThat(links.get("br0").kind()).isEqualTo(new LinkKind.Bridge(true, 0));
            assertThat(ns.vlanMembership("d0")).isEqualTo(VlanMembership.NONE);
        }
    }

    @Test
    void selfVlansGoOnTheBridgeDeviceAndNotOnItsPorts() {
        try (TestNetns ns = TestNetns.create()) {
            RtNetlink rtnl = ns.rtnl();
            Links links = rtnl.links();
            BridgeVlans vlans = rtnl.bridgeVlans();
            links.create(LinkSpec.bridge("br0", true, 1));
            int br0 = links.get("br0").index();
            links.create(LinkSpec.dummy("d0").master(br0));

            vlans.add(br0, true, List.of(BridgeVlan.tagged(VidRange.of(100, 110)), BridgeVlan.tagged(200),
                    new BridgeVlan(VidRange.of(300), false, true)));

            VlanMembership expected = VlanMembership.of("1,100-110,200,300", "1,300", 1);
            assertThat(ns.vlanMembership("br0")).isEqualTo(expected);
            assertThat(VlanMembership.of(vlans.list("br0"))).isEqualTo(expected);
            assertThat(ns.vlanMembership("d0")).as("the port keeps only the default VLAN").isEqualTo(VlanMembership.of("1", "1", 1));

            vlans.delete(br0, true, List.of(VidRange.of(100, 104), VidRange.of(300)));
            assertThat(ns.vlanMembership("br0")).isEqualTo(VlanMembership.of("1,105-110,200", "1", 1));
        }
    }

    @Test
    void selfAccessVlanMovesTheBridgeDevicesOwnPvid() {
        try (TestNetns ns = TestNetns.create()) {
            RtNetlink rtnl = ns.rtnl();
            rtnl.links().create(LinkSpec.bridge("br0", true, 1));
            int br0 = rtnl.links().get("br0").index();

            rtnl.bridgeVlans().add(br0, true, List.of(BridgeVlan.access(42)));

            assertThat(ns.vlanMembership("br0")).isEqualTo(VlanMembership.of("1,42", "1,42", 42));
            assertThat(rtnl.bridgeVlans().list("br0").pvid()).hasValue(42);
        }
    }
}
