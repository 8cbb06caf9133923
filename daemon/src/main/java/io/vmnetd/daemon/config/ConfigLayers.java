package io.vmnetd.daemon.config;

import io.vmnetd.daemon.exec.TrustedExecutable;
import io.vmnetd.daemon.exec.UntrustedPathException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.logging.Logger;

/**
 * The running config, from two layers: the file ({@code /etc/vmnetd/vmnetd.yaml}, the operator's, never written by
 * the daemon) and the API overlay ({@code stateDir/config.api.yaml}, what root last applied with POST /v1/config).
 * The overlay carries the settings the API may change — networks, logLevel, resyncSeconds, the CNI timings — and
 * nothing else: every setting that decides who runs what as root or where the daemon reads and listens
 * ({@link #FILE_ONLY}) comes from the file alone.
 *
 * <p>Why an overlay rather than writing /etc: the file stays exactly as its owner (a person or a configuration
 * management tool) wrote it, the unit keeps /etc read-only (ProtectSystem=strict) and writes only under its own
 * state directory, and GET /v1/config shows which layer each value came from; DELETE /v1/config drops the overlay.
 */
public final class ConfigLayers {
    private static final Logger LOG = Logger.getLogger(ConfigLayers.class.getName());

    public static final String OVERLAY_FILE = "config.api.yaml";
    /** Settings read from the file only: over the API they are refused, naming the field. */
    public static final List<String> FILE_ONLY = List.of("socket", "socketGroup", "adminGroup", "stateDir",
            "metrics.listen", "cni.ipamDirs", "cni.netnsPaths", "api.maxConnections", "api.maxConnectionsPerUser",
            "api.cniWorkers", "kubernetes");

    /**
     * @param effective what runs: the file's settings, with the overlay's where it has some
     * @param file the file as read
     * @param overlay the API overlay, if root applied one
     */
    public record Layered(Config effective, Path fileSource, Config file, Optional<Config> overlay) {
        /** Where the overlay lives (whether or not there is one). */
        public Path overlaySource() {
            return file.stateDir().resolve(OVERLAY_FILE);
        }

        /** Which layer each top-level setting comes from: "file" or "api". */
        public Map<String, String> sources() {
            Map<String, String> out = new LinkedHashMap<>();
            for (String key : List.of("socket", "socketGroup", "adminGroup", "stateDir", "logLevel", "resyncSeconds",
                    "cni.ipamDirs", "cni.netnsPaths", "cni.ipamTimeoutSeconds", "cni.reclaimSeconds", "metrics.listen",
                    "clusterNetworks", "vmNetworks", "hostNetworks")) {
                out.put(key, overlay.isPresent() && !FILE_ONLY.contains(key) ? "api" : "file");
            }
            return out;
        }
    }

    private ConfigLayers() {}

    /**
     * Reads the file and, if there is one, the overlay beside the state. A damaged overlay is logged and left out,
     * never a reason not to start.
     *
     * @throws ConfigException when the file itself is invalid, or names an IPAM directory others could write to
     */
    public static Layered load(Path file, Config fileConfig) throws ConfigException {
        checkIpamDirs(fileConfig, file.toString());
        checkStateDir(fileConfig, file.toString());
        Path overlayFile = fileConfig.stateDir().resolve(OVERLAY_FILE);
        if (!Files.isRegularFile(overlayFile, LinkOption.NOFOLLOW_LINKS)) {
            return new Layered(fileConfig, file, fileConfig, Optional.empty());
        }
        try {
            Config overlay = ConfigLoader.load(overlayFile);
            return new Layered(merge(fileConfig, overlay), file, fileConfig, Optional.of(overlay));
        } catch (ConfigException e) {
            LOG.warning("the API overlay " + overlayFile + " is invalid and left out; the file alone applies: "
                    + e.getMessage().replace('\n', ' '));
            return new Layered(fileConfig, file, fileConfig, Optional.empty());
        }
    }

    /** {@code file}'s file-only settings with everything else from {@code overlay}. */
    public static Config merge(Config file, Config overlay) {
        CniSettings cni = new CniSettings(file.cni().ipamDirs(), overlay.cni().ipamTimeout(),
                overlay.cni().reclaimInterval(), file.cni().netnsPaths());
        return new Config(file.socket(), file.socketGroup(), file.adminGroup(), file.stateDir(), overlay.logLevel(),
                overlay.resyncSeconds(), cni, file.metricsListen(), file.api(), overlay.clusterNetworks(),
                overlay.vmNetworks(), overlay.connectivity(), file.kubernetes(),
                overlay.hostNetworks());
    }

    /**
     * The file-only settings that {@code candidate} (a document sent over the API) would change: the ones it
     * contains with another value than {@code running} has. Leaving them out, or repeating the running value, is
     * fine.
     */
    public static List<String> fileOnlyChanges(String yaml, Config candidate, Config running) {
        List<String> present = ConfigDocument.keyPaths(yaml);
        List<String> changed = new ArrayList<>();
        for (String key : FILE_ONLY) {
            if (present.contains(key) && !value(candidate, key).equals(value(running, key))) {
                changed.add(key);
            }
        }
        return changed;
    }

    private static Object value(Config c, String key) {
        return switch (key) {
            case "socket" -> c.socket();
            case "socketGroup" -> c.socketGroup();
            case "adminGroup" -> c.adminGroup();
            case "stateDir" -> c.stateDir();
            case "metrics.listen" -> c.metricsListen();
            case "cni.ipamDirs" -> c.cni().ipamDirs();
            case "cni.netnsPaths" -> c.cni().netnsPaths();
            case "api.maxConnections" -> c.api().maxConnections();
            case "api.maxConnectionsPerUser" -> c.api().maxConnectionsPerUser();
            case "api.cniWorkers" -> c.api().cniWorkers();
            case "kubernetes" -> c.kubernetes();
            default -> throw new IllegalArgumentException(key);
        };
    }

    /**
     * The state directory must be the daemon's: a directory (not a link) owned by root and writable by nobody else,
     * or not exist yet (the daemon makes it, mode 0700). Another user able to write there could plant files and
     * links among the daemon's.
     */
    static void checkStateDir(Config config, String source) throws ConfigException {
        Path dir = config.stateDir();
        if (!Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        String why = null;
        try {
            if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
                why = "is not a directory (a link or a file)";
            } else {
                int uid = (Integer) Files.getAttribute(dir, "unix:uid", LinkOption.NOFOLLOW_LINKS);
                int mode = (Integer) Files.getAttribute(dir, "unix:mode", LinkOption.NOFOLLOW_LINKS);
                if (uid != 0) {
                    why = "is owned by uid " + uid + ", not root";
                } else if ((mode & 022) != 0) {
                    why = String.format("is writable by %s (mode %04o)", (mode & 02) != 0 ? "others" : "its group",
                            mode & 07777);
                }
            }
        } catch (java.io.IOException e) {
            why = "cannot be examined: " + e.getMessage();
        }
        if (why != null) {
            throw new ConfigException(source, List.of(new ConfigProblem(source, 0, 0, "stateDir", dir + " " + why
                    + "; allowed: a directory owned by root and writable by nobody else (e.g. mode 0700), or none yet")));
        }
    }

    /**
     * Every IPAM directory, and every directory above it, must be root's and writable by nobody else: a member of
     * some group must never be able to drop a program there for the root daemon to run. A directory that does not
     * exist yet is fine when what exists above it passes (only root could make it).
     */
    static void checkIpamDirs(Config config, String source) throws ConfigException {
        List<ConfigProblem> problems = new ArrayList<>();
        List<Path> dirs = config.cni().ipamDirs();
        for (int i = 0; i < dirs.size(); i++) {
            Path existing = dirs.get(i);
            while (existing.getParent() != null && !Files.exists(existing)) {
                existing = existing.getParent();
            }
            try {
                TrustedExecutable.checkDirectory(existing);
            } catch (UntrustedPathException e) {
                problems.add(new ConfigProblem(source, 0, 0, "cni.ipamDirs[" + i + "]", e.getMessage()));
            }
        }
        if (!problems.isEmpty()) {
            throw new ConfigException(source, problems);
        }
    }
}
