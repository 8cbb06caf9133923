package io.vmnetd.netlink.lab;

import static org.assertj.core.api.Assertions.assertThat;

import io.vmnetd.netlink.BridgeVlan;
import io.vmnetd.netlink.BridgeVlans;
import io.vmnetd.netlink.LinkSpec;
import io.vmnetd.netlink.RtNetlink;
import io.vmnetd.netlink.VidRange;
import io.vmnetd.netlink.nl.Rtnl;
import io.vmnetd.netlink.testing.LabTest;
import io.vmnetd.netlink.testing.RequestCounter;
import io.vmnetd.netlink.testing.TestNetns;
import io.vmnetd.netlink.testing.VlanMembership;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * VID ranges travel as RANGE_BEGIN/RANGE_END pairs: whole ranges, and several ranges with different flags, are
 * added or deleted in ONE request (counted with a {@link RequestCounter} on the handle), and the kernel ends up
 * with exactly those VIDs according to {@code bridge -j vlan show}.
 */
@LabTest
class BridgeVlanRangesLabTest {
    private static final List<Integer> ONE_SETLINK = List.of(Rtnl.RTM_SETLINK);
    private static final List<Integer> ONE_DELLINK = List.of(Rtnl.RTM_DELLINK);

    private final RequestCounter counter = new RequestCounter();

    /** br0 (vlan_filtering 1, default_pvid 1) with port d0; returns d0's index. */
    private int bridgeWithDummyPort(RtNetlink rtnl) {
        rtnl.links().create(LinkSpec.bridge("br0", true, 1));
        rtnl.links().create(LinkSpec.dummy("d0").master(rtnl.links().get("br0").index()));
        int d0 = rtnl.links().get("d0").index();
        counter.reset();
        return d0;
    }

    @Test
    void wholeRange2To4094IsAddedInOneRequest() {
        try (TestNetns ns = TestNetns.create()) {
            RtNetlink rtnl = ns.rtnl(counter);
            int d0 = bridgeWithDummyPort(rtnl);

            rtnl.bridgeVlans().add(d0, false, List.of(BridgeVlan.tagged(VidRange.of(2, 4094))));

            assertThat(counter.requestTypes()).as("requests sent for the add").isEqualTo(ONE_SETLINK);
            assertThat(ns.vlanMembership("d0")).isEqualTo(VlanMembership.of("1-4094", "1", 1));
            // The kernel's compressed answer: the default VLAN, then the whole range as one entry.
            assertThat(rtnl.bridgeVlans().list("d0").vlans()).containsExactly(
                    BridgeVlan.access(1), BridgeVlan.tagged(VidRange.of(2, 4094)));
        }
    }

    @Test
    void middleRangeIsDeletedInOneRequestAndTheRestStays() {
        try (TestNetns ns = TestNetns.create()) {
            RtNetlink rtnl = ns.rtnl(counter);
            int d0 = bridgeWithDummyPort(rtnl);
            BridgeVlans vlans = rtnl.bridgeVlans();
            vlans.add(d0, false, List.of(BridgeVlan.tagged(VidRange.of(2, 4094))));
            counter.reset();

            vlans.delete(d0, false, List.of(VidRange.of(100, 199)));

            assertThat(counter.requestTypes()).as("requests sent for the delete").isEqualTo(ONE_DELLINK);
            assertThat(ns.vlanMembership("d0")).isEqualTo(VlanMembership.of("1-99,200-4094", "1", 1));
            assertThat(vlans.list("d0").vlans()).containsExactly(BridgeVlan.access(1),
                    BridgeVlan.tagged(VidRange.of(2, 99)), BridgeVlan.tagged(VidRange.of(200, 4094)));
        }
    }

    @Test
    void severalRangesWithDifferentFlagsGoInOneRequest() {
        try (TestNetns ns = TestNetns.create()) {
            RtNetlink rtnl = ns.rtnl(counter);
            int d0 = bridgeWithDummyPort(rtnl);
            BridgeVlans vlans = rtnl.bridgeVlans();

            vlans.add(d0, false, List.of(
                    BridgeVlan.tagged(VidRange.of(10, 19)),
                    new BridgeVlan(VidRange.of(20, 29), false, true),
                    BridgeVlan.access(30),
                    BridgeVlan.tagged(VidRange.of(100, 200)),
                    BridgeVlan.tagged(4094)));

            assertThat(counter.requestTypes()).as("requests sent for the add").isEqualTo(ONE_SETLINK);
            assertThat(ns.vlanMembership("d0")).isEqualTo(VlanMembership.of("1,10-30,100-200,4094", "1,20-30", 30));
            assertThat(vlans.list("d0").vlans()).containsExactly(
                    new BridgeVlan(VidRange.of(1), false, true),
                    BridgeVlan.tagged(VidRange.of(10, 19)),
                    new BridgeVlan(VidRange.of(20, 29), false, true),
                    BridgeVlan.access(30),
                    BridgeVlan.tagged(VidRange.of(100, 200)),
                    BridgeVlan.tagged(4094));
        }
    }

    @Test
    void severalRangesAreDeletedInOneRequest() {
        try (TestNetns ns = TestNetns.create()) {
            RtNetlink rtnl = ns.rtnl(counter);
            int d0 = bridgeWithDummyPort(rtnl);
            BridgeVlans vlans = rtnl.bridgeVlans();
            vlans.add(d0, false, List.of(BridgeVlan.tagged(VidRange.of(2, 300)), BridgeVlan.tagged(4094)));
            counter.reset();

            vlans.delete(d0, false, List.of(VidRange.of(1), VidRange.of(10, 12), VidRange.of(100, 150), VidRange.of(4094)));

            assertThat(counter.requestTypes()).as("requests sent for the delete").isEqualTo(ONE_DELLINK);
            assertThat(ns.vlanMembership("d0")).isEqualTo(VlanMembership.of("2-9,13-99,151-300", "", 0));
        }
    }

    @Test
    void addingARangeThatOverlapsExistingVidsUpdatesTheirFlags() {
        try (TestNetns ns = TestNetns.create()) {
            RtNetlink rtnl = ns.rtnl(counter);
            int d0 = bridgeWithDummyPort(rtnl);
            BridgeVlans vlans = rtnl.bridgeVlans();
            vlans.add(d0, false, List.of(BridgeVlan.tagged(VidRange.of(10, 20))));
            counter.reset();

            vlans.add(d0, false, List.of(new BridgeVlan(VidRange.of(15, 25), false, true)));

            assertThat(counter.requests()).isEqualTo(1);
            assertThat(ns.vlanMembership("d0")).isEqualTo(VlanMembership.of("1,10-25", "1,15-25", 1));
        }
    }
}
