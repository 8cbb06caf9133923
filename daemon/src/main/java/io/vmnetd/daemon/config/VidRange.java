package io.vmnetd.daemon.config;

/** An inclusive range of 802.1Q VLAN IDs; a single VID has {@code min == max}. */
public record VidRange(int min, int max) {

    public static final int MIN_VID = 1;
    public static final int MAX_VID = 4094;

    public VidRange {
        if (min < MIN_VID || max > MAX_VID || min > max) {
            throw new IllegalArgumentException("invalid VID range " + min + ".." + max);
        }
    }

    public static VidRange of(int vid) {
        return new VidRange(vid, vid);
    }

    public boolean isSingle() {
        return min == max;
    }

    public boolean contains(int vid) {
        return vid >= min && vid <= max;
    }

    public boolean overlaps(VidRange other) {
        return min <= other.max && other.min <= max;
    }

    @Override
    public String toString() {
        return isSingle() ? Integer.toString(min) : min + ".." + max;
    }
}
