package io.vmnetd.netlink;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.Collection;
import java.util.List;
import java.util.stream.Collectors;

/**
 * An immutable set of VLAN ids kept as the fewest sorted ranges, so that applying it costs one netlink attribute
 * pair per range rather than one message per VID.
 */
public final class VidSet {
    private static final VidSet EMPTY = new VidSet(new BitSet());

    private final BitSet bits;
    private final List<VidRange> ranges;

    private VidSet(BitSet bits) {
        this.bits = bits;
        this.ranges = toRanges(bits);
    }

    public static VidSet empty() {
        return EMPTY;
    }

    public static VidSet of(int... vids) {
        BitSet b = new BitSet();
        for (int v : vids) {
            b.set(Arguments.vid("vid", v));
        }
        return new VidSet(b);
    }

    public static VidSet of(Collection<VidRange> ranges) {
        BitSet b = new BitSet();
        for (VidRange r : ranges) {
            b.set(r.first(), r.last() + 1);
        }
        return new VidSet(b);
    }

    public static VidSet range(int first, int last) {
        return of(List.of(VidRange.of(first, last)));
    }

    /** Parses "1,100,200-299". */
    public static VidSet parse(String text) {
        List<VidRange> list = new ArrayList<>();
        for (String part : text.split(",")) {
            String p = part.trim();
            if (p.isEmpty()) {
                continue;
            }
            try {
                int dash = p.indexOf('-');
                list.add(dash < 0 ? VidRange.of(Integer.parseInt(p))
                        : VidRange.of(Integer.parseInt(p.substring(0, dash).trim()), Integer.parseInt(p.substring(dash + 1).trim())));
            } catch (NumberFormatException e) {
                throw new InvalidArgumentException("vids", "\"" + p + "\" is not a VID or a range like 200-299");
            }
        }
        return of(list);
    }

    public List<VidRange> ranges() {
        return ranges;
    }

    public boolean contains(int vid) {
        return bits.get(vid);
    }

    /** True when every VID of {@code other} is in this set; allocates nothing. */
    public boolean containsAll(VidSet other) {
        for (int vid = other.bits.nextSetBit(0); vid >= 0; vid = other.bits.nextSetBit(vid + 1)) {
            if (!bits.get(vid)) {
                return false;
            }
        }
        return true;
    }

    public boolean isEmpty() {
        return bits.isEmpty();
    }

    public int size() {
        return bits.cardinality();
    }

    public VidSet union(VidSet other) {
        BitSet b = (BitSet) bits.clone();
        b.or(other.bits);
        return new VidSet(b);
    }

    public VidSet minus(VidSet other) {
        BitSet b = (BitSet) bits.clone();
        b.andNot(other.bits);
        return new VidSet(b);
    }

    public VidSet intersect(VidSet other) {
        BitSet b = (BitSet) bits.clone();
        b.and(other.bits);
        return new VidSet(b);
    }

    public int[] toArray() {
        return bits.stream().toArray();
    }

    private static List<VidRange> toRanges(BitSet bits) {
        List<VidRange> out = new ArrayList<>();
        int start = bits.nextSetBit(0);
        while (start >= 0) {
            int end = bits.nextClearBit(start) - 1;
            out.add(VidRange.of(start, end));
            start = bits.nextSetBit(end + 1);
        }
        return List.copyOf(out);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof VidSet v && v.bits.equals(bits);
    }

    @Override
    public int hashCode() {
        return bits.hashCode();
    }

    @Override
    public String toString() {
        return ranges.stream().map(VidRange::toString).collect(Collectors.joining(","));
    }
}
