package io.vmnetd.daemon.state;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vmnetd.daemon.model.LivePorts;
import io.vmnetd.daemon.model.NetworkPort;
import io.vmnetd.netlink.NetNs;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Logger;

/**
 * CNI attachments, one file each under {@code stateDir/attachments}, every change written atomically before it
 * is acknowledged. Loading after a crash of the process sees each attachment either before or after its last
 * change, never half-written; leftover temporary files are removed, and a file that cannot be read back (truncated,
 * edited, planted) is moved aside and counted, the good ones kept. Changes are not synced to disk: an attachment
 * describes links, which a power loss takes away with whatever the disk had not got yet, and a runtime starting
 * again DELs (and GCs) its old sandboxes. A failed write (full or read-only disk) changes nothing, on disk or in
 * memory. Thread-safe.
 */
public final class AttachmentJournal {
    private static final Logger LOG = Logger.getLogger(AttachmentJournal.class.getName());
    private static final ObjectMapper JSON = new ObjectMapper()
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false)
            .setSerializationInclusion(JsonInclude.Include.NON_NULL);

    private final Path dir;
    private final Map<AttachmentKey, Attachment> entries = new ConcurrentHashMap<>();
    /** The READY entries' ports by host end: what a port's own event or CNI call looks up, without a pass over all. */
    private final Map<String, NetworkPort> live = new ConcurrentHashMap<>();
    /** The READY entries' keys by their pod's namespace: which attachment a namespace belongs to, looked up. */
    private final Map<NetNs.Identity, Set<AttachmentKey>> liveByNetns = new ConcurrentHashMap<>();
    private final Object[] stripes = new Object[64];
    private final AtomicLong readyVersion = new AtomicLong();
    private final List<Path> movedAside = new ArrayList<>();

    private AttachmentJournal(Path dir) {
        this.dir = dir;
        for (int i = 0; i < stripes.length; i++) {
            stripes[i] = new Object();
        }
    }

    /** The daemon's journal: leftovers of interrupted writes removed, damaged files moved aside. */
    public static AttachmentJournal open(Path stateDir) throws IOException {
        return load(stateDir, true);
    }

    /** The journal as it is on disk, changing nothing there (vmnetd --check): damaged files are only logged. */
    public static AttachmentJournal read(Path stateDir) throws IOException {
        return load(stateDir, false);
    }

    private static AttachmentJournal load(Path stateDir, boolean tidy) throws IOException {
        AttachmentJournal j = new AttachmentJournal(stateDir.resolve("attachments"));
        if (tidy) {
            StateDirs.create(stateDir);
            StateDirs.create(j.dir);
        } else if (!Files.isDirectory(j.dir)) {
            return j;
        }
        try (DirectoryStream<Path> files = Files.newDirectoryStream(j.dir)) {
            for (Path f : files) {
                String name = f.getFileName().toString();
                if (name.endsWith(AtomicFiles.TEMP_SUFFIX)) {
                    if (tidy && AtomicFiles.isAbandoned(f)) {
                        Files.deleteIfExists(f); // a write that a crash interrupted before its rename
                    }
                } else if (name.endsWith(".json")) {
                    j.loadFile(f, tidy);
                }
            }
        }
        return j;
    }

    private void loadFile(Path f, boolean tidy) throws IOException {
        Attachment a;
        try {
            a = JSON.readValue(AtomicFiles.read(f), StoredAttachment.class).toAttachment();
            if (!f.equals(file(a.key()))) {
                throw new IllegalArgumentException("it names attachment " + a.key() + ", which belongs in "
                        + file(a.key()).getFileName());
            }
        } catch (IOException | RuntimeException e) {
            String why = e.getMessage() == null ? e.toString() : e.getMessage();
            if (tidy) {
                Path aside = AtomicFiles.moveAside(f);
                movedAside.add(aside);
                LOG.warning("journal: " + f + " is damaged (" + why + "); moved aside to " + aside.getFileName()
                        + "; its attachment is left to the reconciler and the reclaimer");
            } else {
                LOG.warning("journal: " + f + " is damaged (" + why + ")");
            }
            return;
        }
        changed(entries.put(a.key(), a), a);
    }

    /** The damaged files {@link #open} moved aside (empty when all were good). */
    public List<Path> movedAside() {
        return List.copyOf(movedAside);
    }

    public List<Attachment> all() {
        return new ArrayList<>(entries.values());
    }

    public Optional<Attachment> get(AttachmentKey key) {
        return Optional.ofNullable(entries.get(key));
    }

    /**
     * Records {@code a} before returning.
     *
     * @throws UncheckedIOException when it cannot be written; the journal then still holds what it held
     */
    public void put(Attachment a) {
        synchronized (stripe(a.key())) {
            try {
                AtomicFiles.replace(file(a.key()), JSON.writeValueAsBytes(StoredAttachment.of(a)));
            } catch (IOException e) {
                throw new UncheckedIOException("cannot journal attachment " + a.key() + " in " + dir + ": "
                        + e.getMessage(), e);
            }
            changed(entries.put(a.key(), a), a);
        }
    }

    /**
     * Records {@code a} as far as the disk lets it: when the write fails, the change is kept in memory and logged.
     * For marks that must not fail a call the runtime cannot retry forever (DEL's DELETING): were the daemon to
     * crash before the disk takes it, the old entry is read at the next start and finished or kept from there.
     */
    public void mark(Attachment a) {
        try {
            put(a);
        } catch (UncheckedIOException e) {
            LOG.warning(e.getMessage() + "; kept in memory only");
            synchronized (stripe(a.key())) {
                changed(entries.put(a.key(), a), a);
            }
        }
    }

    /**
     * Goes up after every change to the READY attachments (the live ports), once the change is visible: what was
     * read after seeing a version is at least that new. Attachments being added or deleted do not move it.
     */
    public long readyVersion() {
        return readyVersion.get();
    }

    /** The READY attachments whose pod end is in namespace {@code netns}; looked up, not searched for. */
    public List<Attachment> liveIn(NetNs.Identity netns) {
        List<Attachment> out = new ArrayList<>();
        for (AttachmentKey key : liveByNetns.getOrDefault(netns, Set.of())) {
            Attachment a = entries.get(key);
            if (isReady(a) && a.port().pod().netnsId().equals(netns)) {
                out.add(a);
            }
        }
        return out;
    }

    /**
     * The live ports (READY entries): all of them, or one by its host end looked up in an index kept with the
     * entries, and the version they go with.
     */
    public LivePorts livePorts() {
        return new LivePorts() {
            @Override
            public List<NetworkPort> all() {
                return List.copyOf(live.values());
            }

            @Override
            public Optional<NetworkPort> named(String hostIfName) {
                return Optional.ofNullable(live.get(hostIfName));
            }

            @Override
            public OptionalLong version() {
                return OptionalLong.of(readyVersion.get());
            }
        };
    }

    /**
     * Entry {@code old} was replaced by {@code now} (null: removed), under its stripe: the live index follows, and the
     * version goes up once both show the change, so that what is read after seeing a version is at least that new.
     */
    private void changed(Attachment old, Attachment now) {
        if (isReady(old)) {
            live.remove(old.hostIfName(), old.networkPort());
            liveByNetns.computeIfPresent(old.port().pod().netnsId(), (id, keys) -> {
                Set<AttachmentKey> left = new HashSet<>(keys);
                left.remove(old.key());
                return left.isEmpty() ? null : Set.copyOf(left);
            });
        }
        if (isReady(now)) {
            live.put(now.hostIfName(), now.networkPort());
            liveByNetns.compute(now.port().pod().netnsId(), (id, keys) -> {
                Set<AttachmentKey> more = keys == null ? new HashSet<>() : new HashSet<>(keys);
                more.add(now.key());
                return Set.copyOf(more);
            });
        }
        if (isReady(old) || isReady(now)) {
            readyVersion.incrementAndGet();
        }
    }

    private static boolean isReady(Attachment a) {
        return a != null && a.state() == Attachment.State.READY;
    }

    /**
     * Forgets {@code key}. A file that cannot be removed (read-only disk) is logged and forgotten in memory all the
     * same: read again at the next start, its attachment is found gone and torn down then.
     */
    public void remove(AttachmentKey key) {
        synchronized (stripe(key)) {
            try {
                Files.deleteIfExists(file(key));
            } catch (IOException e) {
                LOG.warning("cannot remove journaled attachment " + key + " (" + e.getMessage() + "); forgotten "
                        + "in memory, finished at the next start");
            }
            changed(entries.remove(key), null);
        }
    }

    /** File and map change together per key; different keys still write in parallel. */
    private Object stripe(AttachmentKey key) {
        return stripes[Math.floorMod(key.hashCode(), stripes.length)];
    }

    /** The file of {@code key}: a hash, so that no container id or interface name ever becomes a path. */
    private Path file(AttachmentKey key) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256")
                    .digest((key.containerId() + "\0" + key.ifName()).getBytes(StandardCharsets.UTF_8));
            return dir.resolve(HexFormat.of().formatHex(digest, 0, 16) + ".json");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
