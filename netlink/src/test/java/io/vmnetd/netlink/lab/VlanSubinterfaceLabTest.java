package io.vmnetd.netlink.lab;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.vmnetd.netlink.InvalidArgumentException;
import io.vmnetd.netlink.Link;
import io.vmnetd.netlink.LinkKind;
import io.vmnetd.netlink.LinkSpec;
import io.vmnetd.netlink.Links;
import io.vmnetd.netlink.MacvlanMode;
import io.vmnetd.netlink.RtNetlink;
import io.vmnetd.netlink.VlanProtocol;
import io.vmnetd.netlink.nl.NetlinkException;
import io.vmnetd.netlink.sys.Errno;
import io.vmnetd.netlink.testing.LabTest;
import io.vmnetd.netlink.testing.RequestCounter;
import io.vmnetd.netlink.testing.TestNetns;
import org.junit.jupiter.api.Test;

/** 802.1Q / 802.1ad subinterfaces (and macvlans) on a dummy parent, checked against {@code ip -j -d link show}. */
@LabTest
class VlanSubinterfaceLabTest {

    @Test
    void creates802dot1qAnd802dot1adSubinterfacesThatIpReportsAsSuch() {
        try (TestNetns ns = TestNetns.create()) {
            RtNetlink rtnl = ns.rtnl();
            rtnl.links().create(LinkSpec.dummy("d0").mtu(9000).up());
            int parent = rtnl.links().get("d0").index();

            rtnl.links().create(LinkSpec.vlan("d0.100", parent, 100, VlanProtocol.IEEE_802_1Q).up());
            rtnl.links().create(LinkSpec.vlan("d0.200", parent, 200, VlanProtocol.IEEE_802_1AD));

            JsonNode q = ns.link("d0.100");
            assertThat(q.at("/linkinfo/info_kind").asText()).isEqualTo("vlan");
            assertThat(q.at("/linkinfo/info_data/protocol").asText()).isEqualTo("802.1Q");
            assertThat(q.at("/linkinfo/info_data/id").asInt()).isEqualTo(100);
            assertThat(q.get("link").asText()).isEqualTo("d0");
            assertThat(q.get("mtu").asInt()).isEqualTo(9000);

            JsonNode ad = ns.link("d0.200");
            assertThat(ad.at("/linkinfo/info_data/protocol").asText()).isEqualTo("802.1ad");
            assertThat(ad.at("/linkinfo/info_data/id").asInt()).isEqualTo(200);

            Link decoded = rtnl.links().get("d0.200");
            assertThat(decoded.kind()).isEqualTo(new LinkKind.Vlan(200, VlanProtocol.IEEE_802_1AD));
            assertThat(decoded.parentIndex()).isEqualTo(parent);
        }
    }

    @Test
    void subinterfaceInheritsItsParentsMtuAndCannotExceedIt() {
        try (TestNetns ns = TestNetns.create()) {
            Links links = ns.rtnl().links();
            links.create(LinkSpec.dummy("d0").mtu(9000));
            int parent = links.get("d0").index();

            links.create(LinkSpec.vlan("d0.7", parent, 7, VlanProtocol.IEEE_802_1Q));
            assertThat(ns.link("d0.7").get("mtu").asInt()).as("MTU taken from the parent").isEqualTo(9000);

            // More than the parent carries: the kernel refuses it at creation (EINVAL) and on change (ERANGE).
            assertThatThrownBy(() -> links.create(LinkSpec.vlan("d0.8", parent, 8, VlanProtocol.IEEE_802_1AD).mtu(9500)))
                    .isInstanceOfSatisfying(NetlinkException.class, e -> assertThat(e.errno()).isEqualTo(Errno.EINVAL));
            assertThat(ns.hasLink("d0.8")).isFalse();
            assertThatThrownBy(() -> links.setMtu("d0.7", 9001))
                    .isInstanceOfSatisfying(NetlinkException.class, e -> {
                        assertThat(e.errno()).isEqualTo(Errno.ERANGE);
                        assertThat(e.subject()).contains("d0.7");
                    });
            assertThat(ns.link("d0.7").get("mtu").asInt()).isEqualTo(9000);

            // Up to the parent's MTU is fine; a smaller parent MTU drags the subinterface down with it.
            links.create(LinkSpec.vlan("d0.9", parent, 9, VlanProtocol.IEEE_802_1Q).mtu(1500));
            assertThat(ns.link("d0.9").get("mtu").asInt()).isEqualTo(1500);
            links.setMtu("d0", 1400);
            assertThat(ns.link("d0.7").get("mtu").asInt()).isEqualTo(1400);
            assertThat(links.get("d0.7").mtu()).isEqualTo(1400);
        }
    }

    @Test
    void deletingASubinterfaceLeavesItsParentAndDeletingTheParentTakesTheRest() {
        try (TestNetns ns = TestNetns.create()) {
            Links links = ns.rtnl().links();
            links.create(LinkSpec.dummy("d0"));
            int parent = links.get("d0").index();
            links.create(LinkSpec.vlan("d0.10", parent, 10, VlanProtocol.IEEE_802_1Q));
            links.create(LinkSpec.vlan("d0.20", parent, 20, VlanProtocol.IEEE_802_1AD));

            links.delete("d0.10");
            assertThat(ns.hasLink("d0.10")).isFalse();
            assertThat(ns.hasLink("d0")).isTrue();
            assertThat(ns.link("d0.20").at("/linkinfo/info_data/id").asInt()).isEqualTo(20);
            assertThat(links.find("d0.10")).isEmpty();

            links.delete("d0");
            assertThat(ns.hasLink("d0.20")).as("the kernel removes a VLAN with its lower device").isFalse();
            assertThat(links.find("d0.20")).isEmpty();
        }
    }

    @Test
    void vlanIdOutside1To4094IsRefusedBeforeAnythingIsSent() {
        try (TestNetns ns = TestNetns.create()) {
            RequestCounter counter = new RequestCounter();
            Links links = ns.rtnl(counter).links();
            links.create(LinkSpec.dummy("d0"));
            int parent = links.get("d0").index();
            counter.reset();

            for (int id : new int[] {0, 4095, 5000, -1}) {
                assertThatThrownBy(() -> links.create(LinkSpec.vlan("d0.x", parent, id, VlanProtocol.IEEE_802_1Q)))
                        .isInstanceOfSatisfying(InvalidArgumentException.class,
                                e -> assertThat(e.argument()).isEqualTo("vlan id"));
            }
            assertThat(counter.requests()).as("requests sent").isZero();
            assertThat(ns.linkNames()).containsExactlyInAnyOrder("lo", "d0");
        }
    }

    @Test
    void macvlanOnADummyParentHasTheRequestedMode() {
        try (TestNetns ns = TestNetns.create()) {
            Links links = ns.rtnl().links();
            links.create(LinkSpec.dummy("d0").up());
            int parent = links.get("d0").index();

            links.create(LinkSpec.macvlan("mv0", parent, MacvlanMode.BRIDGE).up());
            links.create(LinkSpec.macvlan("mv1", parent, MacvlanMode.PRIVATE));

            JsonNode mv0 = ns.link("mv0");
            assertThat(mv0.at("/linkinfo/info_kind").asText()).isEqualTo("macvlan");
            assertThat(mv0.at("/linkinfo/info_data/mode").asText()).isEqualTo("bridge");
            assertThat(mv0.get("link").asText()).isEqualTo("d0");
            assertThat(ns.link("mv1").at("/linkinfo/info_data/mode").asText()).isEqualTo("private");

            Link decoded = links.get("mv0");
            assertThat(decoded.kind()).isEqualTo(new LinkKind.Macvlan(MacvlanMode.BRIDGE));
            assertThat(decoded.parentIndex()).isEqualTo(parent);
            assertThat(decoded.isUp()).isTrue();
            assertThat(links.get("mv1").kind()).isEqualTo(new LinkKind.Macvlan(MacvlanMode.PRIVATE));
        }
    }
}
