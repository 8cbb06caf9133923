package io.vmnetd.netlink;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashSet;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;

/**
 * VidSet against java.util.BitSet as the reference: its ranges are sorted, disjoint, non-adjacent and cover exactly
 * the set (hence minimal); set algebra agrees with BitSet's; toString/parse round trips.
 */
class VidSetPropertyTest {

    /** Scattered VIDs, runs (to get ranges and adjacency), and the edges 1 and 4094. */
    @Provide
    Arbitrary<BitSet> vidBits() {
        Arbitrary<int[]> run = Arbitraries.integers().between(1, 4094)
                .flatMap(first -> Arbitraries.integers().between(first, Math.min(4094, first + 300))
                        .map(last -> new int[] {first, last}));
        Arbitrary<int[]> single = Arbitraries.integers().between(1, 4094).map(v -> new int[] {v, v});
        Arbitrary<int[]> edge = Arbitraries.of(new int[] {1, 1}, new int[] {4094, 4094}, new int[] {1, 4094});
        return Arbitraries.frequencyOf(Tuple.of(5, single), Tuple.of(3, run), Tuple.of(1, edge))
                .list().ofMaxSize(40)
                .map(spans -> {
                    BitSet b = new BitSet();
                    for (int[] s : spans) {
                        b.set(s[0], s[1] + 1);
                    }
                    return b;
                });
    }

    private static VidSet of(BitSet bits) {
        return VidSet.of(bits.stream().toArray());
    }

    @Property(tries = 300)
    void rangesAreSortedDisjointNonAdjacentAndCoverExactlyTheSet(@ForAll("vidBits") BitSet bits) {
        List<VidRange> ranges = of(bits).ranges();
        BitSet covered = new BitSet();
        for (int i = 0; i < ranges.size(); i++) {
            VidRange r = ranges.get(i);
            assertThat(r.first()).isBetween(1, 4094);
            assertThat(r.last()).isBetween(r.first(), 4094);
            if (i > 0) {
                assertThat(r.first()).as("gap after %s", ranges.get(i - 1)).isGreaterThan(ranges.get(i - 1).last() + 1);
            }
            covered.set(r.first(), r.last() + 1);
        }
        assertThat(covered).isEqualTo(bits);
        // minimal: one range per maximal run of consecutive VIDs
        int runs = 0;
        for (int v = bits.nextSetBit(0); v >= 0; v = bits.nextSetBit(bits.nextClearBit(v))) {
            runs++;
        }
        assertThat(ranges).hasSize(runs);
        assertThat(ranges).isSorted();
    }

    @Property(tries = 300)
    void membershipSizeAndArrayAgreeWithBitSet(@ForAll("vidBits") BitSet bits) {
        VidSet set = of(bits);
        assertThat(set.size()).isEqualTo(bits.cardinality());
        assertThat(set.isEmpty()).isEqualTo(bits.isEmpty());
        assertThat(set.toArray()).containsExactly(bits.stream().toArray());
        for (int vid = 0; vid <= 4095; vid++) {
            assertThat(set.contains(vid)).isEqualTo(bits.get(vid));
        }
        assertThat(VidSet.of(set.ranges())).isEqualTo(set).hasSameHashCodeAs(set);
    }

    @Property(tries = 300)
    void unionMinusIntersectAgreeWithBitSet(@ForAll("vidBits") BitSet a, @ForAll("vidBits") BitSet b) {
        VidSet x = of(a);
        VidSet y = of(b);
        BitSet union = (BitSet) a.clone();
        union.or(b);
        BitSet minus = (BitSet) a.clone();
        minus.andNot(b);
        BitSet intersect = (BitSet) a.clone();
        intersect.and(b);
        assertThat(x.union(y)).isEqualTo(of(union));
        assertThat(x.minus(y)).isEqualTo(of(minus));
        assertThat(x.intersect(y)).isEqualTo(of(intersect));
        assertThat(x.union(y)).isEqualTo(y.union(x));
        assertThat(x.minus(y).union(x.intersect(y))).isEqualTo(x);
        assertThat(x.minus(y).intersect(y).isEmpty()).isTrue();
        assertThat(x.toArray()).as("operands unchanged").containsExactly(a.stream().toArray());
    }

    @Property(tries = 300)
    void parseOfToStringRoundTrips(@ForAll("vidBits") BitSet bits) {
        VidSet set = of(bits);
        String text = set.toString();
        assertThat(text).matches("(\\d+(-\\d+)?(,\\d+(-\\d+)?)*)?");
        assertThat(VidSet.parse(text)).isEqualTo(set);
        assertThat(VidSet.parse(text.replace(",", " , ") + ",")).as("spaces and a trailing comma").isEqualTo(set);
    }

    @Property(tries = 100)
    void parseAcceptsOverlappingAndUnorderedPieces(@ForAll("vidBits") BitSet a, @ForAll("vidBits") BitSet b) {
        List<String> pieces = new ArrayList<>();
        of(b).ranges().forEach(r -> pieces.add(r.toString()));
        of(a).ranges().forEach(r -> pieces.add(r.toString()));
        BitSet union = (BitSet) a.clone();
        union.or(b);
        assertThat(VidSet.parse(String.join(",", pieces))).isEqualTo(of(union));
    }

    @Example
    void examples() {
        assertThat(VidSet.parse("1,100,200-299").ranges())
                .containsExactly(VidRange.of(1), VidRange.of(100), VidRange.of(200, 299));
        assertThat(VidSet.of(3, 1, 2, 5).toString()).isEqualTo("1-3,5");
        assertThat(VidSet.range(1, 4094).ranges()).containsExactly(VidRange.of(1, 4094));
        assertThat(VidSet.parse("")).isEqualTo(VidSet.empty());
        assertThat(VidSet.empty().toString()).isEmpty();
        assertThat(new HashSet<>(List.of(VidSet.of(1, 2), VidSet.range(1, 2), VidSet.parse("2,1")))).hasSize(1);
    }
}
