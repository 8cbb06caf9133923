package io.vmnetd.daemon.cni;

import java.util.List;
import java.util.Optional;

/** The CNI spec versions vmnet speaks, and choosing one that an IPAM plugin speaks too. */
public final class CniVersions {
    public static final List<String> SUPPORTED = List.of("0.3.0", "0.3.1", "0.4.0", "1.0.0", "1.1.0");
    public static final String LATEST = "1.1.0";

    private CniVersions() {}

    public static boolean isSupported(String version) {
        return SUPPORTED.contains(version);
    }

    /** 0.x results carry each IP's "version"; 1.x results dropped it. */
    public static boolean before1(String version) {
        return version.startsWith("0.");
    }

    /** The highest version in {@code theirs} not above {@code wanted}, among the ones vmnet understands. */
    public static Optional<String> highestCommon(String wanted, List<String> theirs) {
        String best = null;
        for (String v : theirs) {
            if (isSupported(v) && compare(v, wanted) <= 0 && (best == null || compare(v, best) > 0)) {
                best = v;
            }
        }
        return Optional.ofNullable(best);
    }

    static int compare(String a, String b) {
        String[] x = a.split("\\.");
        String[] y = b.split("\\.");
        for (int i = 0; i < Math.max(x.length, y.length); i++) {
            int p = i < x.length ? parse(x[i]) : 0;
            int q = i < y.length ? parse(y[i]) : 0;
            if (p != q) {
                return Integer.compare(p, q);
            }
        }
        return 0;
    }

    private static int parse(String s) {
        try {
            return Integer.parseInt(s);
        } catch (NumberFormatException e) {
            return -1;
        }
    }
}
