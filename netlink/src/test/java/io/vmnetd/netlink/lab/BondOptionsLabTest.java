package io.vmnetd.netlink.lab;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.vmnetd.netlink.BondMode;
import io.vmnetd.netlink.BondOption;
import io.vmnetd.netlink.BondOptions;
import io.vmnetd.netlink.BondOptions.AdSelect;
import io.vmnetd.netlink.BondOptions.LacpRate;
import io.vmnetd.netlink.BondOptions.XmitHashPolicy;
import io.vmnetd.netlink.LinkKind;
import io.vmnetd.netlink.LinkSpec;
import io.vmnetd.netlink.Links;
import io.vmnetd.netlink.nl.NetlinkException;
import io.vmnetd.netlink.sys.Errno;
import io.vmnetd.netlink.testing.LabTest;
import io.vmnetd.netlink.testing.TestNetns;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Bond options as the library sends and reads them, against iproute2's reading ({@code ip -j -d link show}:
 * linkinfo.info_data), and the kernel's rules for changing them that {@link BondOption#change()} states.
 */
@LabTest
class BondOptionsLabTest {

    private static void enslave(Links links, String slave, String bond) {
        links.setDown(slave);
        links.setMaster(slave, bond);
        links.setUp(slave);
    }

    @Test
    void an8023adBondIsMadeWithItsOptionsAndReadBackAlike() {
        try (TestNetns ns = TestNetns.create()) {
            Links links = ns.rtnl().links();
            BondOptions options = BondOptions.DEFAULTS.withXmitHashPolicy(XmitHashPolicy.LAYER3_4)
                    .withLacpRate(LacpRate.FAST).withAdSelect(AdSelect.BANDWIDTH).withUpdelay(200).withDowndelay(300)
                    .withMinLinks(2);
            LinkKind.Bond kind = new LinkKind.Bond(BondMode.IEEE_802_3AD, 100, options);
            links.create(LinkSpec.bond("bond0", kind));

            JsonNode data = ns.link("bond0").at("/linkinfo/info_data");
            assertThat(data.path("mode").asText()).isEqualTo("802.3ad");
            assertThat(data.path("xmit_hash_policy").asText()).isEqualTo("layer3+4");
            assertThat(data.path("ad_lacp_rate").asText()).isEqualTo("fast");
            assertThat(data.path("ad_select").asText()).isEqualTo("bandwidth");
            assertThat(data.path("updelay").asInt()).isEqualTo(200);
            assertThat(data.path("downdelay").asInt()).isEqualTo(300);
            assertThat(data.path("min_links").asInt()).isEqualTo(2);
            assertThat(links.get("bond0").kind()).isEqualTo(kind);
        }
    }

    @Test
    void liveOptionsChangeOnARunningBondWithSlavesAndTheOthersAreRefusedAsBondOptionSays() {
        try (TestNetns ns = TestNetns.create()) {
            Links links = ns.rtnl().links();
            links.create(LinkSpec.bond("bond0", BondMode.IEEE_802_3AD, 100).up());
            links.create(LinkSpec.dummy("s0").up());
            enslave(links, "s0", "bond0");
            LinkKind.Bond now = links.get("bond0").kindAs(LinkKind.Bond.class).orElseThrow();

            LinkKind.Bond live = now.withOptions(now.options().withXmitHashPolicy(XmitHashPolicy.ENCAP3_4)
                    .withMinLinks(1).withUpdelay(100).withDowndelay(200));
            links.update(links.get("bond0"), live);
            assertThat(links.get("bond0").kind()).isEqualTo(live);
            assertThat(ns.link("bond0").at("/linkinfo/info_data/xmit_hash_policy").asText()).isEqualTo("encap3+4");

            for (BondOption o : List.of(BondOption.LACP_RATE, BondOption.AD_SELECT)) {
                LinkKind.Bond want = o == BondOption.LACP_RATE
                        ? live.withOptions(live.options().withLacpRate(LacpRate.FAST))
                        : live.withOptions(live.options().withAdSelect(AdSelect.COUNT));
                assertThat(o.change()).isEqualTo(BondOption.Change.BOND_DOWN);
                assertThatThrownBy(() -> links.update(links.get("bond0"), want)).as(o.kernelName() + " while up")
                        .isInstanceOfSatisfying(NetlinkException.class, e -> assertThat(e.is(Errno.EBUSY)).isTrue());
                links.setDown("bond0");
                links.update(links.get("bond0"), want);
                assertThat(links.get("bond0").kind()).isEqualTo(want);
                links.update(links.get("bond0"), live);
                links.setUp("bond0");
            }

            LinkKind.Bond otherMode = new LinkKind.Bond(BondMode.ACTIVE_BACKUP, 100, live.options());
            links.setDown("bond0");
            assertThatThrownBy(() -> links.update(links.get("bond0"), otherMode)).as("mode with a slave, even down")
                    .isInstanceOfSatisfying(NetlinkException.class, e -> assertThat(e.is(Errno.ENOTEMPTY)).isTrue());
            links.setNoMaster("s0");
            links.update(links.get("bond0"), otherMode);
            assertThat(ns.link("bond0").at("/linkinfo/info_data/mode").asText()).isEqualTo("active-backup");
        }
    }

    @Test
    void thePrimaryIsANicByIndexReportedWhileEnslavedAndClearedWithIndexZero() {
        try (TestNetns ns = TestNetns.create()) {
            Links links = ns.rtnl().links();
            links.create(LinkSpec.bond("bond0", BondMode.ACTIVE_BACKUP, 100).up());
            links.create(LinkSpec.dummy("s0").up());
            links.create(LinkSpec.dummy("s1").up());
            enslave(links, "s0", "bond0");
            enslave(links, "s1", "bond0");
            LinkKind.Bond now = links.get("bond0").kindAs(LinkKind.Bond.class).orElseThrow();
            int s1 = links.get("s1").index();

            links.update(links.get("bond0"), now.withOptions(now.options().withPrimaryIndex(s1)));
            assertThat(ns.link("bond0").at("/linkinfo/info_data/primary").asText()).isEqualTo("s1");
            assertThat(links.get("bond0").kindAs(LinkKind.Bond.class).orElseThrow().options().primaryIndex())
                    .isEqualTo(s1);

            links.update(links.get("bond0"), now);
            assertThat(ns.link("bond0").at("/linkinfo/info_data").has("primary")).isFalse();
            assertThat(links.get("bond0").kind()).isEqualTo(now);
        }
    }
}
