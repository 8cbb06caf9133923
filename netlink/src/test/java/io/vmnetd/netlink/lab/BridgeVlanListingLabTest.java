package io.vmnetd.netlink.lab;

import static org.assertj.core.api.Assertions.assertThat;

import io.vmnetd.netlink.BridgeVlan;
import io.vmnetd.netlink.BridgeVlans;
import io.vmnetd.netlink.LinkSpec;
import io.vmnetd.netlink.Links;
import io.vmnetd.netlink.PortVlans;
import io.vmnetd.netlink.RtNetlink;
import io.vmnetd.netlink.VidRange;
import io.vmnetd.netlink.testing.LabTest;
import io.vmnetd.netlink.testing.TestNetns;
import io.vmnetd.netlink.testing.VlanMembership;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The two ways the library reads VLANs, {@link BridgeVlans#list} (RTM_GETVLAN) and {@link BridgeVlans#listAll}
 * (RTM_GETLINK AF_BRIDGE), agree with {@code bridge -j vlan show} for every port and bridge, in compressed ranges.
 */
@LabTest
class BridgeVlanListingLabTest {

    @Test
    void listAndListAllAgreeWithTheBridgeToolForEveryPortAndBridge() {
        try (TestNetns ns = TestNetns.create()) {
            RtNetlink rtnl = ns.rtnl();
            Links links = rtnl.links();
            BridgeVlans vlans = rtnl.bridgeVlans();
            links.create(LinkSpec.bridge("br0", true, 1));
            int br0 = links.get("br0").index();
            links.create(LinkSpec.bridge("br1", true, 7));
            int br1 = links.get("br1").index();
            links.create(LinkSpec.dummy("d0").master(br0));
            links.create(LinkSpec.dummy("d1").master(br0));
            links.create(LinkSpec.veth("v0", "v1"));
            links.setMaster("v0", "br0");
            links.create(LinkSpec.dummy("d2").master(br1));
            links.create(LinkSpec.dummy("d3"));
            vlans.add(links.get("d0").index(), false, List.of(BridgeVlan.tagged(VidRange.of(2, 4094))));
            vlans.add(links.get("d1").index(), false, List.of(BridgeVlan.access(10), BridgeVlan.tagged(VidRange.of(20, 30))));
            vlans.delete("v0", VidRange.of(1));
            vlans.add(links.get("v0").index(), false, List.of(new BridgeVlan(VidRange.of(40, 45), false, true)));
            vlans.add(br0, true, List.of(BridgeVlan.tagged(VidRange.of(500, 510))));

            Map<String, VlanMembership> tool = ns.vlanMemberships();
            assertThat(tool).containsOnlyKeys("br0", "br1", "d0", "d1", "v0", "d2");
            assertThat(tool.get("d0")).isEqualTo(VlanMembership.of("1-4094", "1", 1));
            assertThat(tool.get("d2")).isEqualTo(VlanMembership.of("7", "7", 7));

            for (Map.Entry<String, VlanMembership> e : tool.entrySet()) {
                assertThat(VlanMembership.of(vlans.list(e.getKey()))).as("list(%s)", e.getKey()).isEqualTo(e.getValue());
            }

            Map<Integer, PortVlans> all = vlans.listAll();
            Map<String, PortVlans> byName = new HashMap<>();
            all.values().forEach(p -> byName.put(p.name(), p));
            assertThat(byName.keySet()).as("listAll: every bridge and port, nothing else").containsExactlyInAnyOrder(
                    "br0", "br1", "d0", "d1", "v0", "d2");
            for (PortVlans p : all.values()) {
                assertThat(VlanMembership.of(p)).as("listAll()[%s]", p.name())
                        .isEqualTo(tool.getOrDefault(p.name(), VlanMembership.NONE));
                assertThat(p.index()).isEqualTo(links.get(p.name()).index());
            }
            assertThat(byName.get("d0").masterIndex()).isEqualTo(br0);
            assertThat(byName.get("d2").masterIndex()).isEqualTo(br1);
            assertThat(vlans.list("v0").masterIndex()).isEqualTo(br0);

            // Compressed: a range the kernel keeps as one comes back as one entry from both readers.
            List<BridgeVlan> d0 = List.of(BridgeVlan.access(1), BridgeVlan.tagged(VidRange.of(2, 4094)));
            assertThat(vlans.list("d0").vlans()).containsExactlyElementsOf(d0);
            assertThat(byName.get("d0").vlans()).containsExactlyElementsOf(d0);
            List<BridgeVlan> d1 = List.of(new BridgeVlan(VidRange.of(1), false, true), BridgeVlan.access(10),
                    BridgeVlan.tagged(VidRange.of(20, 30)));
            assertThat(vlans.list("d1").vlans()).containsExactlyElementsOf(d1);
            assertThat(byName.get("d1").vlans()).containsExactlyElementsOf(d1);
            List<BridgeVlan> br0Own = List.of(BridgeVlan.access(1), BridgeVlan.tagged(VidRange.of(500, 510)));
            assertThat(vlans.list("br0").vlans()).containsExactlyElementsOf(br0Own);
            assertThat(byName.get("br0").vlans()).containsExactlyElementsOf(br0Own);
        }
    }

    @Test
    void theBridgeDeviceItselfHasNoMasterInEitherReader() {
        try (TestNetns ns = TestNetns.create()) {
            RtNetlink rtnl = ns.rtnl();
            Links links = rtnl.links();
            links.create(LinkSpec.bridge("br0", true, 1));
            int br0 = links.get("br0").index();
            links.create(LinkSpec.dummy("d0").master(br0));
            int d0 = links.get("d0").index();

            Map<Integer, PortVlans> all = rtnl.bridgeVlans().listAll();

            assertThat(links.get("br0").masterIndex()).as("ip link's view: a bridge has no master").isZero();
            assertThat(ns.link("br0").has("master")).isFalse();
            assertThat(rtnl.bridgeVlans().list("br0").masterIndex()).as("list(br0)").isZero();
            assertThat(all.get(br0).masterIndex()).as("listAll()[br0]").isZero();
            assertThat(all.get(d0).masterIndex()).as("listAll()[d0]").isEqualTo(br0);
        }
    }

    @Test
    void aPortWithAllVidsInAlternatingFlagsIsReadInFullByBothReaders() {
        try (TestNetns ns = TestNetns.create()) {
            RtNetlink rtnl = ns.rtnl();
            Links links = rtnl.links();
            BridgeVlans vlans = rtnl.bridgeVlans();
            links.create(LinkSpec.bridge("br0", true, 1));
            links.create(LinkSpec.dummy("d0").master(links.get("br0").index()));
            // 4094 entries that no range can merge: replies larger than one netlink datagram's worth of a page.
            List<BridgeVlan> alternating = new ArrayList<>();
            for (int vid = 2; vid <= 4094; vid++) {
                alternating.add(new BridgeVlan(VidRange.of(vid), false, vid % 2 == 1));
            }
            vlans.add(links.get("d0").index(), false, alternating);

            VlanMembership tool = ns.vlanMembership("d0");
            assertThat(tool.vids().size()).isEqualTo(4094);
            assertThat(tool.untagged().size()).isEqualTo(1 + 2046);
            PortVlans listed = vlans.list("d0");
            assertThat(VlanMembership.of(listed)).isEqualTo(tool);
            assertThat(listed.vlans()).hasSize(4094);
            PortVlans dumped = vlans.listAll().get(links.get("d0").index());
            assertThat(VlanMembership.of(dumped)).isEqualTo(tool);
            assertThat(dumped.vlans()).hasSize(4094);
        }
    }
}
