package io.vmnetd.daemon.model;

import static org.assertj.core.api.Assertions.assertThat;

import io.vmnetd.netlink.BridgeVlan;
import io.vmnetd.netlink.PortVlans;
import io.vmnetd.netlink.VidRange;
import io.vmnetd.netlink.VidSet;
import java.util.Arrays;
import java.util.List;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

/** What {@link PortVlanSpec#diff} asks the kernel to change on a port. */
class PortVlanSpecDiffTest {

    private static PortVlans port(BridgeVlan... vlans) {
        return new PortVlans(7, "vm1", 3, Arrays.asList(vlans));
    }

    private static PortVlans port(PortVlanSpec spec) {
        return new PortVlans(7, "vm1", 3, spec.entries());
    }

    /** What Linux gives a port joining a bridge with default PVID 1. */
    private static final PortVlans FRESH = port(BridgeVlan.access(1));

    @Test
    void equalSpecGivesAnEmptyDiff() {
        PortVlanSpec spec = PortVlanSpec.nativeOnly().withTagged(VidSet.parse("100,200-299"));

        VlanDiff diff = spec.diff(port(spec));

        assertThat(diff.isEmpty()).isTrue();
        assertThat(diff.add()).isEmpty();
        assertThat(diff.delete()).isEmpty();
    }

    @Test
    void equalContentInOtherRangesGivesAnEmptyDiff() {
        PortVlanSpec spec = PortVlanSpec.trunk(VidSet.range(10, 13));

        assertThat(spec.diff(port(BridgeVlan.tagged(VidRange.of(10, 11)), BridgeVlan.tagged(12),
                BridgeVlan.tagged(13))).isEmpty()).isTrue();
    }

    @Test
    void missingVidsAreAddedWithTheirFlags() {
        PortVlanSpec spec = PortVlanSpec.access(100).withTagged(VidSet.parse("200-202"));

        VlanDiff diff = spec.diff(port());

        assertThat(diff.add()).containsExactly(BridgeVlan.access(100), BridgeVlan.tagged(VidRange.of(200, 202)));
        assertThat(diff.delete()).isEmpty();
    }

    @Test
    void onlyTheMissingVidsAreAdded() {
        PortVlanSpec spec = PortVlanSpec.nativeOnly().withTagged(VidSet.parse("100-110"));

        VlanDiff diff = spec.diff(port(BridgeVlan.access(1), BridgeVlan.tagged(VidRange.of(100, 104)),
                BridgeVlan.tagged(VidRange.of(106, 110))));

        assertThat(diff.add()).containsExactly(BridgeVlan.tagged(105));
        assertThat(diff.delete()).isEmpty();
    }

    @Test
    void extraVidsAreDeletedAsRanges() {
        PortVlanSpec spec = PortVlanSpec.nativeOnly();

        VlanDiff diff = spec.diff(port(BridgeVlan.access(1), BridgeVlan.tagged(VidRange.of(300, 399)),
                BridgeVlan.tagged(500)));

        assertThat(diff.add()).isEmpty();
        assertThat(diff.delete()).containsExactly(VidRange.of(300, 399), VidRange.of(500));
    }

    @Test
    void accessPortOnAFreshPortAddsItsVidAndRemovesVlan1() {
        VlanDiff diff = PortVlanSpec.access(100).diff(FRESH);

        assertThat(diff.add()).containsExactly(BridgeVlan.access(100));
        assertThat(diff.delete()).containsExactly(VidRange.of(1));
    }

    @Test
    void pvidMovedToAnotherVidIsSetWhereItBelongs() {
        PortVlanSpec spec = PortVlanSpec.nativeOnly().withTagged(VidSet.of(100));

        VlanDiff diff = spec.diff(port(new BridgeVlan(VidRange.of(1), false, true),
                new BridgeVlan(VidRange.of(100), true, false)));

        // Re-adding 100 without the PVID flag takes the PVID away from it; 1 gets it back.
        assertThat(diff.add()).containsExactly(BridgeVlan.access(1), BridgeVlan.tagged(100));
        assertThat(diff.delete()).isEmpty();
    }

    @Test
    void pvidOnAVidTheSpecDropsGoesWithThatVid() {
        VlanDiff diff = PortVlanSpec.trunk(VidSet.of(100)).diff(port(BridgeVlan.access(5), BridgeVlan.tagged(100)));

        assertThat(diff.add()).isEmpty();
        assertThat(diff.delete()).containsExactly(VidRange.of(5));
    }

    @Test
    void untaggedFlagFlippedIsReAddedTagged() {
        VlanDiff diff = PortVlanSpec.trunk(VidSet.of(100, 101))
                .diff(port(new BridgeVlan(VidRange.of(100, 101), false, true)));

        assertThat(diff.add()).containsExactly(BridgeVlan.tagged(VidRange.of(100, 101)));
        assertThat(diff.delete()).isEmpty();
    }

    @Test
    void taggedFlagFlippedIsReAddedUntagged() {
        PortVlanSpec spec = new PortVlanSpec(VidSet.of(100, 101), OptionalInt.empty(), VidSet.of(101));

        VlanDiff diff = spec.diff(port(BridgeVlan.tagged(VidRange.of(100, 101))));

        assertThat(diff.add()).containsExactly(new BridgeVlan(VidRange.of(101), false, true));
    }

    @Test
    void fullTrunkAgainstItselfIsEmpty() {
        PortVlanSpec trunk = PortVlanSpec.trunk(VidSet.range(2, 4094));

        assertThat(trunk.diff(port(trunk)).isEmpty()).isTrue();
    }

    @Test
    void fullTrunkAgainstAnEmptyPortIsOneRangeEntry() {
        VlanDiff diff = PortVlanSpec.trunk(VidSet.range(2, 4094)).diff(port());

        assertThat(diff.add()).containsExactly(BridgeVlan.tagged(VidRange.of(2, 4094)));
        assertThat(diff.delete()).isEmpty();
    }

    @Test
    void fullTrunkAgainstAFreshPortIsOneRangeAddedAndVlan1Deleted() {
        VlanDiff diff = PortVlanSpec.trunk(VidSet.range(2, 4094)).diff(FRESH);

        assertThat(diff.add()).hasSize(1);
        assertThat(diff.delete()).containsExactly(VidRange.of(1));
    }

    @Test
    void uplinkWithEveryVidAgainstAFreshPortIsOneRange() {
        PortVlanSpec uplink = PortVlanSpec.nativeOnly().withTagged(VidSet.range(2, 4094));

        assertThat(uplink.diff(FRESH)).isEqualTo(
                new VlanDiff(List.of(BridgeVlan.tagged(VidRange.of(2, 4094))), List.of()));
    }

    @Test
    void emptySpecDeletesEverything() {
        VlanDiff diff = PortVlanSpec.trunk(VidSet.empty()).diff(port(BridgeVlan.access(1), BridgeVlan.tagged(7)));

        assertThat(diff.add()).isEmpty();
        assertThat(diff.delete()).containsExactly(VidRange.of(1), VidRange.of(7));
    }

    @Test
    void withRemovableOnlyRemovableVidsAreDeleted() {
        PortVlanSpec spec = PortVlanSpec.nativeOnly().withTagged(VidSet.of(100));
        PortVlans observed = port(BridgeVlan.access(1), BridgeVlan.tagged(VidRange.of(100, 103)));

        VlanDiff diff = spec.diff(observed, VidSet.of(101, 103, 999));

        assertThat(diff.add()).isEmpty();
        assertThat(diff.delete()).containsExactly(VidRange.of(101), VidRange.of(103));
    }

    @Test
    void withNothingRemovableNothingIsDeletedButMissingVidsAreStillAdded() {
        PortVlanSpec spec = PortVlanSpec.nativeOnly().withTagged(VidSet.of(100));

        VlanDiff diff = spec.diff(port(BridgeVlan.access(1), BridgeVlan.tagged(10)), VidSet.empty());

        assertThat(diff.add()).containsExactly(BridgeVlan.tagged(100));
        assertThat(diff.delete()).isEmpty();
    }

    @Test
    void applyingTheDiffToTheObservedPortGivesTheSpec() {
        PortVlanSpec spec = new PortVlanSpec(VidSet.parse("1,5-9,100"), OptionalInt.of(7), VidSet.parse("1,7"));
        PortVlans observed = port(BridgeVlan.access(1), BridgeVlan.tagged(VidRange.of(4, 6)),
                new BridgeVlan(VidRange.of(8), false, true), BridgeVlan.tagged(200));

        VlanDiff diff = spec.diff(observed);

        assertThat(KernelVlanModel.apply(observed, diff)).isEqualTo(KernelVlanModel.of(spec));
        assertThat(spec.diff(KernelVlanModel.toPortVlans(KernelVlanModel.apply(observed, diff))).isEmpty()).isTrue();
    }
}
