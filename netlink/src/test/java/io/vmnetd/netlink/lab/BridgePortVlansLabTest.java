package io.vmnetd.netlink.lab;

import static org.assertj.core.api.Assertions.assertThat;

import io.vmnetd.netlink.BridgeVlan;
import io.vmnetd.netlink.BridgeVlans;
import io.vmnetd.netlink.LinkSpec;
import io.vmnetd.netlink.RtNetlink;
import io.vmnetd.netlink.VidRange;
import io.vmnetd.netlink.testing.LabTest;
import io.vmnetd.netlink.testing.TestNetns;
import io.vmnetd.netlink.testing.VlanMembership;
import org.junit.jupiter.api.Test;

/**
 * Single VLANs on one port of a VLAN-filtering bridge (default PVID 1): access, tagged, untagged-only, PVID moves
 * and the removal of the default VLAN, each checked against {@code bridge -j vlan show} and the library's own list.
 */
@LabTest
class BridgePortVlansLabTest {

    /** br0 (vlan_filtering 1, default_pvid 1) with the dummy d0 as its port, which starts with VLAN 1 PVID untagged. */
    private static BridgeVlans bridgeWithDummyPort(TestNetns ns) {
        RtNetlink rtnl = ns.rtnl();
        rtnl.links().create(LinkSpec.bridge("br0", true, 1).up());
        rtnl.links().create(LinkSpec.dummy("d0").master(rtnl.links().get("br0").index()).up());
        return rtnl.bridgeVlans();
    }

    private static void assertBothReaders(TestNetns ns, BridgeVlans vlans, String port, VlanMembership expected) {
        assertThat(ns.vlanMembership(port)).as("bridge -j vlan show dev " + port).isEqualTo(expected);
        assertThat(VlanMembership.of(vlans.list(port))).as("BridgeVlans.list(" + port + ")").isEqualTo(expected);
    }

    @Test
    void accessVlanBecomesThePortsPvidAndLeavesUntagged() {
        try (TestNetns ns = TestNetns.create()) {
            BridgeVlans vlans = bridgeWithDummyPort(ns);
            assertBothReaders(ns, vlans, "d0", VlanMembership.of("1", "1", 1));

            vlans.add("d0", BridgeVlan.access(10));

            // VLAN 1 stays a member, egress untagged, but is no longer where untagged ingress goes.
            assertBothReaders(ns, vlans, "d0", VlanMembership.of("1,10", "1,10", 10));
            assertThat(vlans.list("d0").vlans()).containsExactly(
                    new BridgeVlan(VidRange.of(1), false, true), BridgeVlan.access(10));
        }
    }

    @Test
    void taggedVidIsAddedWithoutFlagsAndDeletedAgain() {
        try (TestNetns ns = TestNetns.create()) {
            BridgeVlans vlans = bridgeWithDummyPort(ns);

            vlans.add("d0", BridgeVlan.tagged(20));
            assertBothReaders(ns, vlans, "d0", VlanMembership.of("1,20", "1", 1));
            assertThat(vlans.list("d0").vlans()).contains(BridgeVlan.tagged(20));

            vlans.delete("d0", VidRange.of(20));
            assertBothReaders(ns, vlans, "d0", VlanMembership.of("1", "1", 1));
        }
    }

    @Test
    void pvidMovesFromOneVidToAnotherOnAVethPort() {
        try (TestNetns ns = TestNetns.create()) {
            RtNetlink rtnl = ns.rtnl();
            rtnl.links().create(LinkSpec.bridge("br0", true, 1));
            rtnl.links().create(LinkSpec.veth("v0", "v1"));
            rtnl.links().setMaster("v0", "br0");
            BridgeVlans vlans = rtnl.bridgeVlans();

            vlans.add("v0", BridgeVlan.access(10));
            assertBothReaders(ns, vlans, "v0", VlanMembership.of("1,10", "1,10", 10));

            vlans.add("v0", BridgeVlan.access(30));
            assertBothReaders(ns, vlans, "v0", VlanMembership.of("1,10,30", "1,10,30", 30));

            // Re-adding an existing VID replaces its flags: PVID back on 10, which now leaves tagged.
            vlans.add("v0", new BridgeVlan(VidRange.of(10), true, false));
            assertBothReaders(ns, vlans, "v0", VlanMembership.of("1,10,30", "1,30", 10));
        }
    }

    @Test
    void untaggedFlagWithoutPvidLeavesThePvidAlone() {
        try (TestNetns ns = TestNetns.create()) {
            BridgeVlans vlans = bridgeWithDummyPort(ns);

            vlans.add("d0", new BridgeVlan(VidRange.of(40), false, true));
            assertBothReaders(ns, vlans, "d0", VlanMembership.of("1,40", "1,40", 1));

            // And the reverse: the same VID re-added tagged loses its untagged flag.
            vlans.add("d0", BridgeVlan.tagged(40));
            assertBothReaders(ns, vlans, "d0", VlanMembership.of("1,40", "1", 1));
        }
    }

    @Test
    void removingDefaultVlan1LeavesThePortWithoutPvid() {
        try (TestNetns ns = TestNetns.create()) {
            BridgeVlans vlans = bridgeWithDummyPort(ns);
            vlans.add("d0", BridgeVlan.tagged(VidRange.of(100, 102)));

            vlans.delete("d0", VidRange.of(1));

            assertBothReaders(ns, vlans, "d0", VlanMembership.of("100-102", "", 0));
            assertThat(vlans.list("d0").pvid()).isEmpty();
            assertThat(ns.vlanMembership("br0")).as("the bridge keeps its own VLAN 1").isEqualTo(VlanMembership.of("1", "1", 1));

            vlans.delete("d0", VidRange.of(100, 102));
            assertBothReaders(ns, vlans, "d0", VlanMembership.NONE);
            assertThat(vlans.list("d0").vlans()).isEmpty();
        }
    }
}
