package io.vmnetd.daemon.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vmnetd.netlink.BridgeVlan;
import io.vmnetd.netlink.InvalidArgumentException;
import io.vmnetd.netlink.VidRange;
import io.vmnetd.netlink.VidSet;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

/** The shapes of a port's VLANs and how they become bridge entries. */
class PortVlanSpecTest {

    @Test
    void accessPortIsOneVidThatIsPvidAndUntagged() {
        PortVlanSpec spec = PortVlanSpec.access(100);

        assertThat(spec.vids()).isEqualTo(VidSet.of(100));
        assertThat(spec.pvid()).isEqualTo(OptionalInt.of(100));
        assertThat(spec.untagged()).isEqualTo(VidSet.of(100));
        assertThat(spec.entries()).containsExactly(BridgeVlan.access(100));
        assertThat(spec).hasToString("100 pvid 100 untagged 100");
    }

    @Test
    void accessPortRejectsVidsOutside1To4094() {
        assertThatThrownBy(() -> PortVlanSpec.access(0)).isInstanceOf(InvalidArgumentException.class);
        assertThatThrownBy(() -> PortVlanSpec.access(4095)).isInstanceOf(InvalidArgumentException.class);
    }

    @Test
    void nativeOnlyIsAnAccessPortOfVlan1() {
        assertThat(PortVlanSpec.nativeOnly()).isEqualTo(PortVlanSpec.access(PortVlanSpec.DEFAULT_VID));
        assertThat(PortVlanSpec.nativeOnly().entries()).containsExactly(BridgeVlan.access(1));
    }

    @Test
    void trunkIsTaggedOnlyWithoutPvid() {
        PortVlanSpec spec = PortVlanSpec.trunk(VidSet.parse("42,200-299"));

        assertThat(spec.pvid()).isEmpty();
        assertThat(spec.untagged().isEmpty()).isTrue();
        assertThat(spec.entries()).containsExactly(
                BridgeVlan.tagged(42), BridgeVlan.tagged(VidRange.of(200, 299)));
        assertThat(spec).hasToString("42,200-299");
    }

    @Test
    void withTaggedAddsVidsAndKeepsTheFlagsOfThosePresent() {
        PortVlanSpec spec = PortVlanSpec.access(100).withTagged(VidSet.of(100, 101, 102));

        assertThat(spec.vids()).isEqualTo(VidSet.range(100, 102));
        assertThat(spec.pvid()).isEqualTo(OptionalInt.of(100));
        assertThat(spec.untagged()).isEqualTo(VidSet.of(100));
        assertThat(spec.entries()).containsExactly(BridgeVlan.access(100), BridgeVlan.tagged(VidRange.of(101, 102)));
    }

    @Test
    void withNativeOnATrunkAddsVlan1AsPvidAndUntagged() {
        PortVlanSpec spec = PortVlanSpec.trunk(VidSet.range(200, 299)).withNative();

        assertThat(spec.vids()).isEqualTo(VidSet.parse("1,200-299"));
        assertThat(spec.pvid()).isEqualTo(OptionalInt.of(1));
        assertThat(spec.untagged()).isEqualTo(VidSet.of(1));
        assertThat(spec.entries()).containsExactly(BridgeVlan.access(1), BridgeVlan.tagged(VidRange.of(200, 299)));
    }

    @Test
    void withNativeKeepsAnExistingPvidButStillCarriesVlan1Untagged() {
        PortVlanSpec spec = PortVlanSpec.access(100).withNative();

        assertThat(spec.pvid()).isEqualTo(OptionalInt.of(100));
        assertThat(spec.untagged()).isEqualTo(VidSet.of(1, 100));
        assertThat(spec.entries()).containsExactly(BridgeVlan.access(100),
                new BridgeVlan(VidRange.of(1), false, true));
    }

    @Test
    void entriesAreTheFewestRangesPerFlagCombinationWithThePvidAlone() {
        PortVlanSpec spec = new PortVlanSpec(VidSet.range(1, 10), OptionalInt.of(5), VidSet.parse("5-7,9"));

        assertThat(spec.entries()).containsExactly(
                BridgeVlan.access(5),
                new BridgeVlan(VidRange.of(6, 7), false, true),
                new BridgeVlan(VidRange.of(9), false, true),
                BridgeVlan.tagged(VidRange.of(1, 4)),
                BridgeVlan.tagged(VidRange.of(8)),
                BridgeVlan.tagged(VidRange.of(10)));
    }

    @Test
    void aPvidThatLeavesTaggedIsStillAloneAndMarkedTagged() {
        PortVlanSpec spec = new PortVlanSpec(VidSet.range(99, 101), OptionalInt.of(100), VidSet.empty());

        assertThat(spec.entries()).containsExactly(
                new BridgeVlan(VidRange.of(100), true, false),
                BridgeVlan.tagged(VidRange.of(99)),
                BridgeVlan.tagged(VidRange.of(101)));
    }

    @Test
    void theWholeVidRangeIsOneEntry() {
        assertThat(PortVlanSpec.trunk(VidSet.range(1, 4094)).entries())
                .containsExactly(BridgeVlan.tagged(VidRange.of(1, 4094)));
    }

    @Test
    void emptySpecHasNoEntries() {
        assertThat(PortVlanSpec.trunk(VidSet.empty()).entries()).isEmpty();
    }

    @Test
    void pvidMustBeOneOfTheVids() {
        assertThatThrownBy(() -> new PortVlanSpec(VidSet.of(100), OptionalInt.of(200), VidSet.empty()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("PVID 200");
    }

    @Test
    void untaggedVidsMustBeAmongTheVids() {
        assertThatThrownBy(() -> new PortVlanSpec(VidSet.of(100), OptionalInt.empty(), VidSet.of(100, 101)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("untagged");
    }

    @Test
    void specsWithTheSameContentAreEqual() {
        assertThat(PortVlanSpec.trunk(VidSet.parse("1-3")))
                .isEqualTo(PortVlanSpec.trunk(VidSet.of(3, 2, 1)))
                .hasSameHashCodeAs(PortVlanSpec.trunk(VidSet.of(3, 2, 1)));
    }
}
