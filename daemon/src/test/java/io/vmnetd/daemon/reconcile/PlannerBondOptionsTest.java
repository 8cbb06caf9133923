package io.vmnetd.daemon.reconcile;

import static io.vmnetd.daemon.reconcile.DataNetwork.MTU;
import static org.assertj.core.api.Assertions.assertThat;

import io.vmnetd.daemon.model.BondTuning;
import io.vmnetd.daemon.model.DesiredNetwork;
import io.vmnetd.netlink.BondMode;
import io.vmnetd.netlink.BondOption;
import io.vmnetd.netlink.BondOptions;
import io.vmnetd.netlink.BondOptions.AdSelect;
import io.vmnetd.netlink.BondOptions.LacpRate;
import io.vmnetd.netlink.BondOptions.XmitHashPolicy;
import io.vmnetd.netlink.LinkKind;
import io.vmnetd.netlink.MacAddress;
import io.vmnetd.netlink.VidSet;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

/**
 * A bond's options and MAC: made with the bond, each drift set back as cheaply as the kernel allows (in place, with
 * the bond down for a moment, or with its NICs released and enslaved again), never by deleting bond or bridge.
 */
class PlannerBondOptionsTest {

    private static final BondOptions LACP = BondOptions.DEFAULTS.withXmitHashPolicy(XmitHashPolicy.LAYER3_4)
            .withLacpRate(LacpRate.FAST).withAdSelect(AdSelect.BANDWIDTH).withMinLinks(1).withUpdelay(200);
    private static final MacAddress MAC = MacAddress.parse("02:00:5e:10:00:01");

    private static DesiredNetwork want(BondMode mode, BondTuning tuning) {
        DesiredNetwork base = DataNetwork.desired();
        return new DesiredNetwork(base.name(), true, base.bridge(), base.uplink(), base.nics(), base.mtu(), mode, 100,
                base.txQueueLength(), base.uplinkVids(), base.ports(), tuning, List.of());
    }

    private static final DesiredNetwork LACP_NETWORK = want(BondMode.IEEE_802_3AD,
            new BondTuning(LACP, Optional.empty(), Optional.of(MAC)));

    /** {@link DataNetwork#asDesired()} with the bond as {@link #LACP_NETWORK} wants it. */
    private static TestKernel lacpAsDesired() {
        TestKernel k = DataNetwork.asDesired();
        k.link("data-bo").kind(new LinkKind.Bond(BondMode.IEEE_802_3AD, 100, LACP)).mac(MAC.toString());
        return k;
    }

    private static List<Step> plan(DesiredNetwork want, TestKernel kernel) {
        Plan plan = Planner.plan(want, kernel.view(), VidSet.empty());
        assertThat(plan.problems()).isEmpty();
        return plan.steps();
    }

    @Test
    void aNewBondIsMadeWithItsOptionsAndMacInOneStep() {
        TestKernel kernel = DataNetwork.asDesired().without("data-bo");
        kernel.link("eth1").noMaster();
        kernel.link("eth2").noMaster();

        List<Step> steps = plan(LACP_NETWORK, kernel);

        Step create = new Steps.CreateBond("data-bo", BondMode.IEEE_802_3AD, 100, MTU, OptionalInt.of(1000),
                LACP_NETWORK.bondTuning());
        assertThat(steps.get(0)).isEqualTo(create);
        assertThat(create.describe()).isEqualTo("create bond data-bo (802.3ad, miimon 100, xmit_hash_policy layer3+4, "
                + "lacp_rate fast, ad_select bandwidth, updelay 200, min_links 1, mtu 9000, txqueuelen 1000, address "
                + MAC + ")");
    }

    @Test
    void aBondAsWantedNeedsNothing() {
        assertThat(plan(LACP_NETWORK, lacpAsDesired())).isEmpty();
    }

    @Test
    void liveOptionsChangedByHandAreSetBackInPlace() {
        TestKernel kernel = lacpAsDesired();
        kernel.link("data-bo").kind(new LinkKind.Bond(BondMode.IEEE_802_3AD, 100,
                LACP.withXmitHashPolicy(XmitHashPolicy.LAYER2).withMinLinks(0)));

        List<Step> steps = plan(LACP_NETWORK, kernel);

        assertThat(steps).containsExactly(new BondSteps.SetOptions("data-bo", BondTarget.of(LACP_NETWORK),
                List.of(BondOption.XMIT_HASH_POLICY, BondOption.MIN_LINKS)));
        assertThat(steps.get(0).describe()).isEqualTo("set xmit_hash_policy layer3+4, min_links 1 on bond data-bo");
        assertThat(steps.get(0).kind()).isEqualTo("bond_options");
    }

    @Test
    void lacpRateOrAdSelectChangeWithTheBondDownForAMomentTakingTheLiveOnesAlong() {
        TestKernel kernel = lacpAsDesired();
        kernel.link("data-bo").kind(new LinkKind.Bond(BondMode.IEEE_802_3AD, 100,
                LACP.withLacpRate(LacpRate.SLOW).withUpdelay(0)));

        List<Step> steps = plan(LACP_NETWORK, kernel);

        assertThat(steps).containsExactly(new BondSteps.RestartBond("data-bo", BondTarget.of(LACP_NETWORK),
                List.of(BondOption.LACP_RATE, BondOption.UPDELAY)));
        assertThat(steps.get(0).describe()).isEqualTo("set lacp_rate fast, updelay 200 on bond data-bo: the kernel "
                + "takes lacp_rate only on a bond that is down, so data-bo goes down and up again (its traffic stops "
                + "for that moment; the bridge and its ports stay)");
    }

    @Test
    void aModeChangeReleasesAndEnslavesTheNicsAgainWithTheNewModesOptionsAndNoOtherStep() {
        LinkKind.Bond activeBackup = new LinkKind.Bond(BondMode.ACTIVE_BACKUP, 100);
        TestKernel kernel = lacpAsDesired();
        kernel.link("data-bo").kind(activeBackup);

        List<Step> steps = plan(LACP_NETWORK, kernel);

        assertThat(steps).containsExactly(new BondSteps.ReenslaveBond("data-bo", List.of("eth1", "eth2"),
                BondTarget.of(LACP_NETWORK), List.of(BondOption.MODE, BondOption.XMIT_HASH_POLICY,
                BondOption.LACP_RATE, BondOption.AD_SELECT, BondOption.UPDELAY, BondOption.MIN_LINKS), activeBackup));
        assertThat(steps.get(0).describe()).isEqualTo("set mode active-backup -> 802.3ad, xmit_hash_policy layer3+4, "
                + "lacp_rate fast, ad_select bandwidth, updelay 200, min_links 1 on bond data-bo: the kernel takes mode "
                + "only on a bond without slaves, so eth1, eth2 are released and enslaved again (data-bo carries no "
                + "traffic meanwhile; the bridge, its VLANs and ports stay)");
    }

    @Test
    void optionsTheKernelKeepsFromAnotherModeAreNotCompared() {
        // After 802.3ad, an active-backup bond still reports lacp_rate fast and the rest: they do not apply, so stay.
        DesiredNetwork want = want(BondMode.ACTIVE_BACKUP, BondTuning.DEFAULTS);
        TestKernel kernel = DataNetwork.asDesired();
        kernel.link("data-bo").kind(new LinkKind.Bond(BondMode.ACTIVE_BACKUP, 100, LACP.withUpdelay(0)));

        assertThat(plan(want, kernel)).isEmpty();
    }

    @Test
    void theMacSetByHandIsSetBack() {
        TestKernel kernel = lacpAsDesired();
        kernel.link("data-bo").mac("02:00:00:00:00:99");

        assertThat(plan(LACP_NETWORK, kernel)).containsExactly(new BondSteps.SetMac("data-bo", MAC));
    }

    @Test
    void aPrimaryIsComparedOnlyWhileItsNicIsEnslavedAndAHandMadeOneIsCleared() {
        DesiredNetwork withPrimary = want(BondMode.ACTIVE_BACKUP,
                new BondTuning(BondOptions.DEFAULTS, Optional.of("eth2"), Optional.empty()));
        TestKernel kernel = DataNetwork.asDesired();

        assertThat(plan(withPrimary, kernel)).as("eth2 enslaved, kernel reports no primary").containsExactly(
                new BondSteps.SetOptions("data-bo", BondTarget.of(withPrimary), List.of(BondOption.PRIMARY)));
        assertThat(plan(withPrimary, kernel).get(0).describe()).isEqualTo("set primary eth2 on bond data-bo");

        kernel.link("data-bo").kind(new LinkKind.Bond(BondMode.ACTIVE_BACKUP, 100,
                BondOptions.DEFAULTS.withPrimaryIndex(DataNetwork.ETH2)));
        assertThat(plan(withPrimary, kernel)).as("as wanted").isEmpty();

        assertThat(plan(DataNetwork.desired(), kernel)).as("a primary nobody asked for").containsExactly(
                new BondSteps.SetOptions("data-bo", BondTarget.of(DataNetwork.desired()), List.of(BondOption.PRIMARY)));

        kernel.link("eth2").noMaster();
        kernel.link("data-bo").kind(new LinkKind.Bond(BondMode.ACTIVE_BACKUP, 100));
        assertThat(plan(withPrimary, kernel)).as("eth2 released: enslaved first, the primary compared after")
                .containsExactly(new Steps.EnslaveNic("eth2", "data-bo"));
    }

    @Test
    void aNicThatLeftTheConfigIsReleasedByTheModeChangeAndBroughtUp() {
        DesiredNetwork want = want(BondMode.IEEE_802_3AD, BondTuning.DEFAULTS);
        DesiredNetwork oneNic = new DesiredNetwork(want.name(), true, want.bridge(), want.uplink(), List.of("eth1"),
                want.mtu(), want.bondMode(), want.miimon(), want.txQueueLength(), want.uplinkVids(), want.ports(),
                want.bondTuning(), List.of());
        LinkKind.Bond activeBackup = new LinkKind.Bond(BondMode.ACTIVE_BACKUP, 100);

        assertThat(plan(oneNic, DataNetwork.asDesired())).containsExactly(
                new BondSteps.ReenslaveBond("data-bo", List.of("eth1"), BondTarget.of(oneNic),
                        List.of(BondOption.MODE), activeBackup),
                new Steps.SetUp("eth2"));
    }
}
