package io.vmnetd.daemon.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * The {@code cni:} section: how the CNI service runs IPAM plugins and cleans up after pods that went away without a
 * DEL.
 *
 * @param ipamDirs the only directories IPAM plugins run from (an empty list forbids IPAM altogether)
 * @param ipamTimeout how long one IPAM plugin call may take before its process group is killed
 * @param reclaimInterval how often attachments whose pod's network namespace is gone are torn down (also at start)
 * @param netnsPaths where CNI_NETNS may point: absolute paths, "*" standing for one whole path component
 */
public record CniSettings(List<Path> ipamDirs, Duration ipamTimeout, Duration reclaimInterval,
                          List<String> netnsPaths) {
    public static final List<String> DEFAULT_NETNS_PATHS = List.of("/run/netns/*", "/var/run/netns/*",
            "/proc/*/ns/net");
    public static final List<Path> DEFAULT_IPAM_DIRS = List.of(Path.of("/opt/cni/bin"), Path.of("/usr/lib/cni"));
    public static final int DEFAULT_IPAM_TIMEOUT_SECONDS = 30;
    public static final IntRange IPAM_TIMEOUT_SECONDS = new IntRange(1, 300);
    public static final int DEFAULT_RECLAIM_SECONDS = 60;
    public static final IntRange RECLAIM_SECONDS = new IntRange(5, 86400);

    public CniSettings {
        ipamDirs = List.copyOf(ipamDirs);
        Objects.requireNonNull(ipamTimeout, "ipamTimeout");
        Objects.requireNonNull(reclaimInterval, "reclaimInterval");
        netnsPaths = List.copyOf(netnsPaths);
    }

    public static CniSettings defaults() {
        return new CniSettings(DEFAULT_IPAM_DIRS, Duration.ofSeconds(DEFAULT_IPAM_TIMEOUT_SECONDS),
                Duration.ofSeconds(DEFAULT_RECLAIM_SECONDS), DEFAULT_NETNS_PATHS);
    }
}
