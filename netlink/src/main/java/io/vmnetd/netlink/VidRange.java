package io.vmnetd.netlink;

/** VLAN ids {@code first..last}, both inclusive, within 1..4094. */
public record VidRange(int first, int last) implements Comparable<VidRange> {
    public VidRange {
        Arguments.vid("vid", first);
        Arguments.vid("vid", last);
        if (first > last) {
            throw new InvalidArgumentException("vid range", first + "-" + last + " is empty; the first VID must not exceed the last");
        }
    }

    public static VidRange of(int vid) {
        return new VidRange(vid, vid);
    }

    public static VidRange of(int first, int last) {
        return new VidRange(first, last);
    }

    public boolean isSingle() {
        return first == last;
    }

    public int size() {
        return last - first + 1;
    }

    public boolean contains(int vid) {
        return vid >= first && vid <= last;
    }

    public boolean overlaps(VidRange other) {
        return first <= other.last && other.first <= last;
    }

    @Override
    public int compareTo(VidRange o) {
        return first != o.first ? Integer.compare(first, o.first) : Integer.compare(last, o.last);
    }

    @Override
    public String toString() {
        return isSingle() ? Integer.toString(first) : first + "-" + last;
    }
}
