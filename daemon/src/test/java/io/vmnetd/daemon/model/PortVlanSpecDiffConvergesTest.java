package io.vmnetd.daemon.model;

import static org.assertj.core.api.Assertions.assertThat;

import io.vmnetd.netlink.BridgeVlan;
import io.vmnetd.netlink.PortVlans;
import io.vmnetd.netlink.VidRange;
import io.vmnetd.netlink.VidSet;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;
import java.util.Random;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * For many seeded random (spec, observed port) pairs over a small VID universe, so that flags and PVIDs collide
 * often: applying the diff as the kernel does yields exactly the spec, and diffing again yields nothing.
 */
class PortVlanSpecDiffConvergesTest {
    private static final int CASES = 2000;
    private static final int MAX_VID = 10;

    @Test
    void applyingTheDiffReachesTheSpecAndASecondDiffIsEmpty() {
        Random random = new Random(20240501L);
        for (int i = 0; i < CASES; i++) {
            PortVlanSpec spec = randomSpec(random);
            PortVlans observed = randomPort(random);

            VlanDiff diff = spec.diff(observed);
            KernelVlanModel.State after = KernelVlanModel.apply(observed, diff);

            String context = "case " + i + ": spec " + spec + ", observed " + observed.vlans() + ", diff " + diff;
            assertThat(after).as(context).isEqualTo(KernelVlanModel.of(spec));
            assertThat(spec.diff(KernelVlanModel.toPortVlans(after)).isEmpty()).as(context).isTrue();
        }
    }

    @Test
    void withRemovableOnlyRemovableVidsEverGoAndTheSpecsVidsAreAllThere() {
        Random random = new Random(7L);
        for (int i = 0; i < CASES; i++) {
            PortVlanSpec spec = randomSpec(random);
            PortVlans observed = randomPort(random);
            VidSet removable = randomSubset(random);

            VlanDiff diff = spec.diff(observed, removable);
            KernelVlanModel.State after = KernelVlanModel.apply(observed, diff);

            String context = "case " + i + ": spec " + spec + ", observed " + observed.vlans() + ", removable "
                    + removable;
            VidSet deleted = VidSet.of(diff.delete());
            assertThat(removable.union(deleted)).as(context).isEqualTo(removable);
            assertThat(deleted.intersect(spec.vids()).isEmpty()).as(context).isTrue();
            for (int vid : spec.vids().toArray()) {
                assertThat(after.untaggedByVid()).as(context).containsEntry(vid, spec.untagged().contains(vid));
            }
        }
    }

    @Test
    void aDiffNeverAddsMoreEntriesThanTheSpecHas() {
        Random random = new Random(99L);
        for (int i = 0; i < CASES; i++) {
            PortVlanSpec spec = randomSpec(random);
            VlanDiff diff = spec.diff(randomPort(random));

            assertThat(diff.add().size()).isLessThanOrEqualTo(spec.entries().size() + spec.vids().size());
            assertThat(diff.add()).filteredOn(BridgeVlan::pvid).hasSizeLessThanOrEqualTo(1);
        }
    }

    private static VidSet randomSubset(Random random) {
        return VidSet.of(IntStream.rangeClosed(1, MAX_VID).filter(v -> random.nextInt(3) == 0).toArray());
    }

    private static PortVlanSpec randomSpec(Random random) {
        VidSet vids = randomSubset(random);
        int[] all = vids.toArray();
        OptionalInt pvid = all.length > 0 && random.nextBoolean()
                ? OptionalInt.of(all[random.nextInt(all.length)]) : OptionalInt.empty();
        VidSet untagged = vids.intersect(randomSubset(random));
        return new PortVlanSpec(vids, pvid, untagged);
    }

    private static PortVlans randomPort(Random random) {
        List<BridgeVlan> vlans = new ArrayList<>();
        int[] vids = randomSubset(random).toArray();
        int pvidAt = vids.length > 0 && random.nextBoolean() ? random.nextInt(vids.length) : -1;
        for (int i = 0; i < vids.length; i++) {
            vlans.add(new BridgeVlan(VidRange.of(vids[i]), i == pvidAt, random.nextBoolean()));
        }
        return new PortVlans(7, "vm1", 3, vlans);
    }
}
