package io.vmnetd.daemon.state;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vmnetd.netlink.VidSet;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What vmnetd made and so may take away again: the cluster networks it created (with their NICs), and the VIDs
 * it added to the adopted mgmt uplink. Kept in {@code stateDir/networks.json}, replaced atomically. Thread-safe.
 */
public final class NetworkRegistry {
    private static final ObjectMapper JSON = new ObjectMapper()
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

    public record ManagedNetwork(String bridge, String bond, List<String> nics) {
        public ManagedNetwork {
            nics = List.copyOf(nics);
        }
    }

    record Stored(Map<String, ManagedNetwork> managed, String mgmtVids) {
    }

    private final Path file;
    private final Map<String, ManagedNetwork> managed = new LinkedHashMap<>();
    private VidSet mgmtVids = VidSet.empty();

    private NetworkRegistry(Path file) {
        this.file = file;
    }

    public static NetworkRegistry open(Path stateDir) throws IOException {
        NetworkRegistry r = new NetworkRegistry(stateDir.resolve("networks.json"));
        if (Files.exists(r.file)) {
            Stored s = JSON.readValue(r.file.toFile(), Stored.class);
            if (s.managed() != null) {
                r.managed.putAll(s.managed());
            }
            r.mgmtVids = s.mgmtVids() == null ? VidSet.empty() : VidSet.parse(s.mgmtVids());
        }
        return r;
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

    private void save() {
        try {
            AtomicFiles.write(file, JSON.writerWithDefaultPrettyPrinter()
                    .writeValueAsBytes(new Stored(new LinkedHashMap<>(managed), mgmtVids.toString())));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot save " + file + ": " + e.getMessage(), e);
        }
    }
}
