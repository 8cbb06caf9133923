package io.vmnetd.daemon.state;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vmnetd.daemon.model.PortVlanSpec;
import io.vmnetd.netlink.VidSet;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Logger;

/**
 * CNI attachments, one file each under {@code stateDir/attachments}, every change written atomically before it
 * is acknowledged. Loading after a crash of the process sees each attachment either before or after its last
 * change, never half-written; leftover temporary files are removed. Changes are not synced to disk: an attachment
 * describes links, which a power loss takes away with whatever the disk had not got yet, and a runtime starting
 * again DELs (and GCs) its old sandboxes. Thread-safe.
 */
public final class AttachmentJournal {
    private static final Logger LOG = Logger.getLogger(AttachmentJournal.class.getName());
    private static final ObjectMapper JSON = new ObjectMapper()
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false)
            .setSerializationInclusion(JsonInclude.Include.NON_NULL);

    private final Path dir;
    private final Map<AttachmentKey, Attachment> entries = new ConcurrentHashMap<>();
    private final Object[] stripes = new Object[64];
    private final AtomicLong readyVersion = new AtomicLong();

    private AttachmentJournal(Path dir) {
        this.dir = dir;
        for (int i = 0; i < stripes.length; i++) {
            stripes[i] = new Object();
        }
    }

    public static AttachmentJournal open(Path stateDir) throws IOException {
        AttachmentJournal j = new AttachmentJournal(stateDir.resolve("attachments"));
        Files.createDirectories(j.dir);
        try (DirectoryStream<Path> files = Files.newDirectoryStream(j.dir)) {
            for (Path f : files) {
                String name = f.getFileName().toString();
                if (name.endsWith(AtomicFiles.TEMP_SUFFIX)) {
                    if (AtomicFiles.isAbandoned(f)) {
                        Files.deleteIfExists(f); // a write that a crash interrupted before its rename
                    }
                } else if (name.endsWith(".json")) {
                    try {
                        Attachment a = fromStored(JSON.readValue(f.toFile(), Stored.class));
                        j.entries.put(a.key(), a);
                    } catch (IOException | RuntimeException e) {
                        LOG.warning("journal: ignoring unreadable " + f + ": " + e.getMessage());
                    }
                }
            }
        }
        return j;
    }

    public List<Attachment> all() {
        return new ArrayList<>(entries.values());
    }

    public Optional<Attachment> get(AttachmentKey key) {
        return Optional.ofNullable(entries.get(key));
    }

    /** Records {@code a}, durably, before returning. */
    public void put(Attachment a) {
        synchronized (stripe(a.key())) {
            write(a);
        }
    }

    private void write(Attachment a) {
        try {
            AtomicFiles.replace(file(a.key()), JSON.writeValueAsBytes(toStored(a)));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot journal attachment " + a.key() + ": " + e.getMessage(), e);
        }
        Attachment old = entries.put(a.key(), a);
        if (isReady(old) || isReady(a)) {
            readyVersion.incrementAndGet();
        }
    }

    /**
     * Goes up after every change to the READY attachments (the live ports), once the change is visible: what was
     * read after seeing a version is at least that new. Attachments still being added do not move it.
     */
    public long readyVersion() {
        return readyVersion.get();
    }

    private static boolean isReady(Attachment a) {
        return a != null && a.state() == Attachment.State.READY;
    }

    public void remove(AttachmentKey key) {
        synchronized (stripe(key)) {
            try {
                Files.deleteIfExists(file(key));
            } catch (IOException e) {
                throw new UncheckedIOException("cannot remove journaled attachment " + key + ": " + e.getMessage(), e);
            }
            if (isReady(entries.remove(key))) {
                readyVersion.incrementAndGet();
            }
        }
    }

    /** File and map change together per key; different keys still write (and fsync) in parallel. */
    private Object stripe(AttachmentKey key) {
        return stripes[Math.floorMod(key.hashCode(), stripes.length)];
    }

    private Path file(AttachmentKey key) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256")
                    .digest((key.containerId() + "\0" + key.ifName()).getBytes(StandardCharsets.UTF_8));
            return dir.resolve(HexFormat.of().formatHex(digest, 0, 16) + ".json");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The on-disk form: plain strings and numbers, stable across refactorings of the records. */
    record Stored(String containerId, String ifName, String netns, String vmNetwork, String clusterNetwork,
                  String hostIfName, String mac, String vids, Integer pvid, String untagged, String cniVersion,
                  String netconf, String ipamResult, String state, String created) {
    }

    static Stored toStored(Attachment a) {
        return new Stored(a.containerId(), a.ifName(), a.netns(), a.vmNetwork().orElse(null), a.clusterNetwork(),
                a.hostIfName(), a.mac(), a.vlans().vids().toString(),
                a.vlans().pvid().isPresent() ? a.vlans().pvid().getAsInt() : null, a.vlans().untagged().toString(),
                a.cniVersion(), a.netconf(), a.ipamResult().orElse(null), a.state().name(), a.created().toString());
    }

    static Attachment fromStored(Stored s) {
        PortVlanSpec vlans = new PortVlanSpec(VidSet.parse(s.vids()),
                s.pvid() == null ? OptionalInt.empty() : OptionalInt.of(s.pvid()), VidSet.parse(s.untagged()));
        return new Attachment(s.containerId(), s.ifName(), s.netns(), Optional.ofNullable(s.vmNetwork()),
                s.clusterNetwork(), s.hostIfName(), s.mac(), vlans, s.cniVersion(), s.netconf(),
                Optional.ofNullable(s.ipamResult()), Attachment.State.valueOf(s.state()), Instant.parse(s.created()));
    }
}
