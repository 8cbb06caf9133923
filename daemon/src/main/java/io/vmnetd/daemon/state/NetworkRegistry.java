package io.vmnetd.daemon.state;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vmnetd.netlink.VidSet;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.logging.Logger;

/**
 * What vmnetd made and so may take away again: the cluster networks it created (with their NICs), the VIDs
 * it added to the adopted mgmt uplink, and the host networks' interfaces. Kept in {@code stateDir/networks.json}, replaced atomically and synced.
 *
 * <p>A damaged file is moved aside at open and the registry starts empty: the configured networks are recorded
 * again by the first reconcile, from the config and the kernel. A save that fails (full or read-only disk) keeps the
 * change in memory, is logged, and is tried again with the next change or {@link #retrySave()}: reconciles go on.
 * Thread-safe.
 */
public final class NetworkRegistry {
    private static final Logger LOG = Logger.getLogger(NetworkRegistry.class.getName());
    private static final ObjectMapper JSON = new ObjectMapper()
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

    public record ManagedNetwork(String bridge, String bond, List<String> nics) {
        public ManagedNetwork {
            nics = List.copyOf(nics);
        }
    }

    /**
     * A host network's interface as vmnetd made it, filed by its name ({@code ifName}, unique on the node).
     *
     * @param bridgeVidAdded true once vmnetd added the VID to the bridge itself (self), which it then takes away
     *     with the interface; a VID the bridge had before stays
     */
    public record HostInterface(String hostNetwork, String clusterNetwork, String bridge, String ifName, int vid,
                                boolean bridgeVidAdded) {
    }

    record Stored(Map<String, ManagedNetwork> managed, String mgmtVids, Map<String, HostInterface> hostInterfaces) {
    }

    private final Path file;
    private final Map<String, ManagedNetwork> managed = new LinkedHashMap<>();
    private final Map<String, HostInterface> hostInterfaces = new LinkedHashMap<>();
    private VidSet mgmtVids = VidSet.empty();
    private Optional<Path> movedAside = Optional.empty();
    private boolean unsaved;

    private NetworkRegistry(Path file) {
        this.file = file;
    }

    /** The daemon's registry: a damaged file is moved aside. */
    public static NetworkRegistry open(Path stateDir) throws IOException {
        return load(stateDir, true);
    }

    /** The registry as it is on disk, changing nothing there (vmnetd --check). */
    public static NetworkRegistry read(Path stateDir) throws IOException {
        return load(stateDir, false);
    }

    private static NetworkRegistry load(Path stateDir, boolean tidy) throws IOException {
        NetworkRegistry r = new NetworkRegistry(stateDir.resolve("networks.json"));
        if (Files.exists(r.file, LinkOption.NOFOLLOW_LINKS)) {
            try {
                Stored s = JSON.readValue(AtomicFiles.read(r.file), Stored.class);
                if (s == null) {
                    throw new IOException("it is empty");
                }
                if (s.managed() != null) {
                    for (Map.Entry<String, ManagedNetwork> e : s.managed().entrySet()) {
                        ManagedNetwork m = e.getValue();
                        if (m == null || m.bridge() == null || m.bond() == null) {
                            throw new IOException("cluster network " + e.getKey() + " lacks its bridge or bond");
                        }
                        r.managed.put(e.getKey(), m);
                    }
                }
                r.mgmtVids = s.mgmtVids() == null ? VidSet.empty() : VidSet.parse(s.mgmtVids());
                if (s.hostInterfaces() != null) {
                    for (Map.Entry<String, HostInterface> e : s.hostInterfaces().entrySet()) {
                        HostInterface h = e.getValue();
                        if (h == null || h.hostNetwork() == null || h.clusterNetwork() == null || h.bridge() == null
                                || !e.getKey().equals(h.ifName())) {
                            throw new IOException("host interface " + e.getKey() + " lacks its network or bridge");
                        }
                        r.hostInterfaces.put(e.getKey(), h);
                    }
                }
            } catch (IOException | RuntimeException e) {
                r.managed.clear();
                r.hostInterfaces.clear();
                r.mgmtVids = VidSet.empty();
                String why = e.getMessage() == null ? e.toString() : e.getMessage();
                if (tidy) {
                    r.movedAside = Optional.of(AtomicFiles.moveAside(r.file));
                    LOG.warning(r.file + " is damaged (" + why + "); moved aside to " + r.movedAside.get().getFileName()
                            + "; starting without it: the first reconcile records the configured networks again");
                } else {
                    LOG.warning(r.file + " is damaged (" + why + ")");
                }
            }
        }
        return r;
    }

    /** Where {@link #open} moved a damaged file. */
    public Optional<Path> movedAside() {
        return movedAside;
    }

    public synchronized Map<String, ManagedNetwork> managed() {
        return Map.copyOf(managed);
    }

    public synchronized void recordManaged(String name, ManagedNetwork network) {
        if (!network.equals(managed.get(name))) {
            managed.put(name, network);
            save();
        }
    }

    public synchronized void forget(String name) {
        if (managed.remove(name) != null) {
            save();
        }
    }

    public synchronized VidSet mgmtVids() {
        return mgmtVids;
    }

    public synchronized void setMgmtVids(VidSet vids) {
        if (!vids.equals(mgmtVids)) {
            mgmtVids = vids;
            save();
        }
    }

    /** The interfaces vmnetd made for host networks on cluster network {@code network}, in the order made. */
    public synchronized List<HostInterface> hostInterfacesOf(String network) {
        return hostInterfaces.values().stream().filter(h -> h.clusterNetwork().equals(network)).toList();
    }

    public synchronized void recordHostInterface(HostInterface made) {
        if (!made.equals(hostInterfaces.get(made.ifName()))) {
            hostInterfaces.put(made.ifName(), made);
            save();
        }
    }

    public synchronized void forgetHostInterface(String ifName) {
        if (hostInterfaces.remove(ifName) != null) {
            save();
        }
    }

    /** Saves a change an earlier save could not write; a no-op when everything is on disk. */
    public synchronized void retrySave() {
        if (unsaved) {
            save();
        }
    }

    private void save() {
        try {
            AtomicFiles.write(file, JSON.writerWithDefaultPrettyPrinter()
                    .writeValueAsBytes(new Stored(new LinkedHashMap<>(managed), mgmtVids.toString(),
                            new LinkedHashMap<>(hostInterfaces))));
            if (unsaved) {
                LOG.info("saved " + file + " again");
            }
            unsaved = false;
        } catch (IOException e) {
            if (!unsaved) {
                LOG.warning("cannot save " + file + " (" + e.getMessage() + "); kept in memory, saved again later");
            }
            unsaved = true;
        }
    }
}
