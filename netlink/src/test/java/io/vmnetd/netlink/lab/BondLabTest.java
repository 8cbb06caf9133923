package io.vmnetd.netlink.lab;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.fasterxml.jackson.databind.JsonNode;
import io.vmnetd.netlink.BondMode;
import io.vmnetd.netlink.BridgeVlan;
import io.vmnetd.netlink.InvalidArgumentException;
import io.vmnetd.netlink.Link;
import io.vmnetd.netlink.LinkKind;
import io.vmnetd.netlink.LinkSpec;
import io.vmnetd.netlink.Links;
import io.vmnetd.netlink.RtNetlink;
import io.vmnetd.netlink.VidRange;
import io.vmnetd.netlink.nl.NetlinkException;
import io.vmnetd.netlink.testing.LabTest;
import io.vmnetd.netlink.testing.TestNetns;
import io.vmnetd.netlink.testing.VlanMembership;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Bonds: creation with mode and miimon, slaves joining and leaving, and a bond as a VLAN-filtering bridge port. */
@LabTest
class BondLabTest {

    /**
     * What a caller must do to enslave a link to a bond: this kernel refuses a slave that is up ("Device can not be
     * enslaved while up"), so take it down, set the master, bring it up again.
     */
    private static void enslave(Links links, String slave, String bond) {
        links.setDown(slave);
        links.setMaster(slave, bond);
        links.setUp(slave);
    }

    @Test
    void activeBackupBondWithMiimon100IsReportedAsSuch() {
        try (TestNetns ns = TestNetns.create()) {
            Links links = ns.rtnl().links();
            links.create(LinkSpec.bond("bond0", BondMode.ACTIVE_BACKUP, 100).up());

            JsonNode bond = ns.link("bond0");
            assertThat(bond.at("/linkinfo/info_kind").asText()).isEqualTo("bond");
            assertThat(bond.at("/linkinfo/info_data/mode").asText()).isEqualTo("active-backup");
            assertThat(bond.at("/linkinfo/info_data/miimon").asInt()).isEqualTo(100);
            assertThat(TestNetns.flags(bond)).contains("MASTER", "UP");
            assertThat(links.get("bond0").kind()).isEqualTo(new LinkKind.Bond(BondMode.ACTIVE_BACKUP, 100));
        }
    }

    @Test
    void lacpAndRoundRobinBondsGetTheirModes() {
        try (TestNetns ns = TestNetns.create()) {
            Links links = ns.rtnl().links();
            links.create(LinkSpec.bond("bond1", BondMode.IEEE_802_3AD, 100));
            links.create(LinkSpec.bond("bond2", BondMode.BALANCE_RR, 0));

            assertThat(ns.link("bond1").at("/linkinfo/info_data/mode").asText()).isEqualTo("802.3ad");
            assertThat(ns.link("bond2").at("/linkinfo/info_data/mode").asText()).isEqualTo("balance-rr");
            assertThat(ns.link("bond2").at("/linkinfo/info_data/miimon").asInt()).isZero();
            assertThat(links.get("bond1").kind()).isEqualTo(new LinkKind.Bond(BondMode.IEEE_802_3AD, 100));
            assertThat(links.get("bond2").kind()).isEqualTo(new LinkKind.Bond(BondMode.BALANCE_RR, 0));
        }
    }

    @Test
    void miimonIsChangedInPlace() {
        try (TestNetns ns = TestNetns.create()) {
            Links links = ns.rtnl().links();
            links.create(LinkSpec.bond("bond0", BondMode.ACTIVE_BACKUP, 100));
            int index = links.get("bond0").index();

            links.update(links.get("bond0"), new LinkKind.Bond(BondMode.ACTIVE_BACKUP, 250));

            assertThat(ns.link("bond0").at("/linkinfo/info_data/miimon").asInt()).isEqualTo(250);
            assertThat(links.get("bond0").kind()).isEqualTo(new LinkKind.Bond(BondMode.ACTIVE_BACKUP, 250));
            assertThat(links.get("bond0").index()).as("the same bond, not a new one").isEqualTo(index);
        }
    }

    @Test
    void modeChangeOfABondWithoutSlavesIsAppliedOrRefusedButNeverSilentlyDropped() {
        try (TestNetns ns = TestNetns.create()) {
            Links links = ns.rtnl().links();
            links.create(LinkSpec.bond("bond0", BondMode.ACTIVE_BACKUP, 100));

            Throwable thrown = catchThrowable(() -> links.update(links.get("bond0"), new LinkKind.Bond(BondMode.BALANCE_RR, 100)));

            String mode = ns.link("bond0").at("/linkinfo/info_data/mode").asText();
            if (thrown == null) {
                assertThat(mode).as("update returned normally, so the mode must have changed").isEqualTo("balance-rr");
            } else {
                assertThat(thrown).isInstanceOfAny(InvalidArgumentException.class, NetlinkException.class);
                assertThat(mode).isEqualTo("active-backup");
            }
        }
    }

    @Test
    void slaveThatIsUpIsRefusedWithTheKernelsReason() {
        try (TestNetns ns = TestNetns.create()) {
            Links links = ns.rtnl().links();
            links.create(LinkSpec.bond("bond0", BondMode.ACTIVE_BACKUP, 100));
            links.create(LinkSpec.dummy("s0").up());

            assertThatThrownBy(() -> links.setMaster("s0", "bond0"))
                    .isInstanceOfSatisfying(NetlinkException.class, e -> {
                        assertThat(e.subject()).contains("s0");
                        assertThat(e.kernelMessage()).hasValueSatisfying(t -> assertThat(t).contains("enslaved while up"));
                    });
            assertThat(ns.link("s0").has("master")).isFalse();
        }
    }

    @Test
    void twoDummiesAreEnslavedAndOneIsReleased() {
        try (TestNetns ns = TestNetns.create()) {
            Links links = ns.rtnl().links();
            links.create(LinkSpec.bond("bond0", BondMode.ACTIVE_BACKUP, 100).up());
            links.create(LinkSpec.dummy("s0").up());
            links.create(LinkSpec.dummy("s1").up());
            int bond = links.get("bond0").index();

            enslave(links, "s0", "bond0");
            enslave(links, "s1", "bond0");

            for (String slave : new String[] {"s0", "s1"}) {
                JsonNode j = ns.link(slave);
                assertThat(j.get("master").asText()).as(slave).isEqualTo("bond0");
                assertThat(j.at("/linkinfo/info_slave_kind").asText()).as(slave).isEqualTo("bond");
                assertThat(TestNetns.flags(j)).as(slave).contains("SLAVE", "UP");
                Link decoded = links.get(slave);
                assertThat(decoded.masterIndex()).isEqualTo(bond);
                assertThat(decoded.slaveKind()).hasValue("bond");
                assertThat(decoded.bridgePort()).isEmpty();
            }

            links.setNoMaster("s1");
            JsonNode s1 = ns.link("s1");
            assertThat(s1.has("master")).isFalse();
            assertThat(s1.path("linkinfo").has("info_slave_kind")).isFalse();
            assertThat(links.get("s1").hasMaster()).isFalse();
            assertThat(links.get("s1").slaveKind()).isEqualTo(Optional.empty());
            assertThat(ns.link("s0").get("master").asText()).isEqualTo("bond0");
        }
    }

    @Test
    void bondIsAPortOfAVlanFilteringBridgeWithTaggedVids() {
        try (TestNetns ns = TestNetns.create()) {
            RtNetlink rtnl = ns.rtnl();
            Links links = rtnl.links();
            links.create(LinkSpec.bond("bond0", BondMode.BALANCE_RR, 100));
            links.create(LinkSpec.dummy("s0"));
            links.setMaster("s0", "bond0");
            links.create(LinkSpec.bridge("br0", true, 1).up());
            links.setMaster("bond0", "br0");
            links.setUp("bond0");

            rtnl.bridgeVlans().add("bond0", BridgeVlan.tagged(VidRange.of(100, 102)), BridgeVlan.tagged(200));

            JsonNode bond = ns.link("bond0");
            assertThat(bond.get("master").asText()).isEqualTo("br0");
            assertThat(bond.at("/linkinfo/info_slave_kind").asText()).isEqualTo("bridge");
            assertThat(links.get("bond0").bridgePort()).isPresent();
            VlanMembership expected = VlanMembership.of("1,100-102,200", "1", 1);
            assertThat(ns.vlanMembership("bond0")).isEqualTo(expected);
            assertThat(VlanMembership.of(rtnl.bridgeVlans().list("bond0"))).isEqualTo(expected);
            assertThat(ns.link("s0").get("master").asText()).as("the slave stays with its bond").isEqualTo("bond0");
        }
    }
}
