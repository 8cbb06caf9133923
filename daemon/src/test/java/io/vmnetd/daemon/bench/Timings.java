package io.vmnetd.daemon.bench;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/** Statistics over timings in nanoseconds, and how the report shows them (ms). */
final class Timings {
    private Timings() {
    }

    /** Nearest-rank percentile. */
    static long pct(long[] values, int p) {
        long[] v = values.clone();
        Arrays.sort(v);
        int rank = (int) Math.ceil(p / 100.0 * v.length);
        return v[Math.max(0, Math.min(v.length - 1, rank - 1))];
    }

    static long median(List<Long> values) {
        return pct(values.stream().mapToLong(Long::longValue).toArray(), 50);
    }

    static long max(long[] values) {
        return Arrays.stream(values).max().orElse(0);
    }

    static double mean(long[] values) {
        return Arrays.stream(values).average().orElse(Double.NaN);
    }

    static double ratio(long a, long b) {
        return (double) a / b;
    }

    static String ms(double nanos) {
        return String.format(Locale.ROOT, "%.1f", nanos / 1e6);
    }

    static String msList(List<Long> walls) {
        return walls.stream().map(Timings::ms).toList().toString();
    }
}
