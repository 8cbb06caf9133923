package io.vmnetd.daemon.state;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vmnetd.daemon.model.PodEnd;
import io.vmnetd.daemon.model.PortVlanSpec;
import io.vmnetd.daemon.model.VmPort;
import io.vmnetd.netlink.MacAddress;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Journal entries are replaced atomically: whoever reads an entry's file while writers keep overwriting it sees
 * one complete version, never a mix or a truncated file.
 */
@Timeout(120)
class AttachmentJournalConcurrencyTest {
    private static final int WRITERS = 4;
    private static final int PUTS_PER_WRITER = 125;
    private static final AttachmentKey KEY = new AttachmentKey("3f2a9c0d5e6f7a8b", "net1");
    private static final Pattern VERSION = Pattern.compile("\"writer\":(\\d+),\"n\":(\\d+)");
    /** Large enough that a write which is not atomic would be seen half done. */
    private static final String PADDING = "x".repeat(16 * 1024);
    private static final ObjectMapper JSON = new ObjectMapper()
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

    @TempDir
    Path stateDir;

    /** Version {@code n} of writer {@code writer}: every field derived from the pair, so a mix shows. */
    static Attachment version(int writer, int n) {
        PodEnd pod = new PodEnd(java.nio.file.Path.of("/run/netns/w" + writer + "n" + n),
                new io.vmnetd.netlink.NetNs.Identity(writer, n), KEY.ifName(),
                MacAddress.parse(String.format("02:00:00:%02x:%02x:%02x", writer, n >> 8, n & 0xff)),
                java.util.List.of(), java.util.List.of());
        VmPort port = new VmPort("v" + writer + "-" + n, pod, PortVlanSpec.access(1 + writer * 1000 + n), n % 5 == 0,
                false, Attachment.owner(KEY));
        return new Attachment(KEY, Optional.of("vm" + writer), "data", port, "1.0.0",
                "{\"writer\":" + writer + ",\"n\":" + n + ",\"pad\":\"" + PADDING + "\"}",
                n % 2 == 0 ? Optional.empty() : Optional.of("{\"n\":" + n + "}"),
                n % 3 == 0 ? Attachment.State.ADDING : Attachment.State.READY,
                Instant.ofEpochSecond(1_700_000_000L + writer * 1000L + n, n));
    }

    /** The version id ("w2n17") of an entry that must be exactly one of the written versions. */
    private static String versionOf(Attachment seen) {
        Matcher m = VERSION.matcher(seen.netconf());
        assertThat(m.find()).as("netconf names its version").isTrue();
        int writer = Integer.parseInt(m.group(1));
        int n = Integer.parseInt(m.group(2));
        String id = "w" + writer + "n" + n;
        // Compared as a boolean: the records carry 16 KiB of padding each, too much for a failure message.
        assertThat(seen.equals(version(writer, n))).as("entry %s is complete and unmixed", id).isTrue();
        return id;
    }

    private Path entryFile() throws IOException {
        try (Stream<Path> files = Files.list(stateDir.resolve("attachments"))) {
            List<Path> json = files.filter(p -> p.getFileName().toString().endsWith(".json")).toList();
            assertThat(json).hasSize(1);
            return json.get(0);
        }
    }

    /** Runs the writers, each overwriting {@link #KEY} with its own versions, while {@code reader} loops. */
    private void overwriteWhile(AttachmentJournal journal, Reader reader) throws Exception {
        journal.put(version(0, 0));
        ExecutorService pool = Executors.newFixedThreadPool(WRITERS + 1);
        AtomicBoolean writing = new AtomicBoolean(true);
        AtomicInteger reads = new AtomicInteger();
        CountDownLatch start = new CountDownLatch(1);
        try {
            List<Future<?>> writers = new ArrayList<>();
            for (int w = 0; w < WRITERS; w++) {
                int writer = w;
                writers.add(pool.submit(() -> {
                    start.await();
                    for (int n = 1; n <= PUTS_PER_WRITER; n++) {
                        journal.put(version(writer, n));
                    }
                    return null;
                }));
            }
            Future<?> readerDone = pool.submit(() -> {
                start.await();
                while (writing.get()) {
                    reader.readOnce();
                    reads.incrementAndGet();
                }
                return null;
            });
            start.countDown();
            try {
                for (Future<?> f : writers) {
                    f.get(100, TimeUnit.SECONDS);
                }
            } finally {
                writing.set(false);
            }
            readerDone.get(10, TimeUnit.SECONDS);
            assertThat(reads.get()).as("reads done while writing").isPositive();
        } finally {
            pool.shutdownNow();
        }
    }

    interface Reader {
        void readOnce() throws Exception;
    }

    /**
     * The reader parses the entry's file the way {@link AttachmentJournal#open} does (same record, same
     * conversion) but without opening a journal, which would delete the writers' temporary files: see the disabled
     * test below.
     */
    @Test
    void theEntryFileAlwaysParsesToOneCompleteVersionWhileFourThreadsOverwriteIt() throws Exception {
        AttachmentJournal journal = AttachmentJournal.open(stateDir);

        overwriteWhile(journal, () -> {
            StoredAttachment stored = JSON.readValue(entryFile().toFile(), StoredAttachment.class);
            versionOf(stored.toAttachment());
        });

        versionOf(AttachmentJournal.open(stateDir).get(KEY).orElseThrow());
        assertThat(stateDir.resolve("attachments")).isDirectoryNotContaining("glob:**.tmp");
    }

    @Test
    void aJournalReopenedAfterConcurrentWritesHoldsOneCompleteVersion() throws Exception {
        AttachmentJournal journal = AttachmentJournal.open(stateDir);
        overwriteWhile(journal, () -> Thread.onSpinWait());

        AttachmentJournal reopened = AttachmentJournal.open(stateDir);

        assertThat(reopened.all()).hasSize(1);
        versionOf(reopened.get(KEY).orElseThrow());
    }

    @Test
    void distinctKeysWrittenFromManyThreadsAreAllKept() throws Exception {
        AttachmentJournal journal = AttachmentJournal.open(stateDir);
        ExecutorService pool = Executors.newFixedThreadPool(WRITERS);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int w = 0; w < WRITERS; w++) {
                int writer = w;
                done.add(pool.submit(() -> {
                    for (int n = 0; n < 50; n++) {
                        journal.put(Attachments.full("c" + writer + "-" + n, "net1"));
                        if (n % 5 == 0) {
                            journal.remove(new AttachmentKey("c" + writer + "-" + n, "net1"));
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> f : done) {
                f.get(60, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }

        assertThat(journal.all()).hasSize(WRITERS * 40);
        assertThat(AttachmentJournal.open(stateDir).all()).containsExactlyInAnyOrderElementsOf(journal.all());
    }

    @Test
    void reopeningWhileAnotherJournalWritesNeverFailsTheWriterAndAlwaysSeesACompleteEntry() throws Exception {
        AttachmentJournal journal = AttachmentJournal.open(stateDir);
        ConcurrentLinkedQueue<Throwable> missing = new ConcurrentLinkedQueue<>();

        overwriteWhile(journal, () -> {
            Optional<Attachment> seen = AttachmentJournal.open(stateDir).get(KEY);
            if (seen.isEmpty()) {
                missing.add(new AssertionError("entry missing from a reopened journal"));
            } else {
                versionOf(seen.get());
            }
        });

        assertThat(missing).isEmpty();
    }

    @Test
    void afterConcurrentPutsOfOneKeyMemoryAgreesWithDisk() throws Exception {
        AttachmentJournal journal = AttachmentJournal.open(stateDir);
        overwriteWhile(journal, () -> Thread.onSpinWait());

        String inMemory = versionOf(journal.get(KEY).orElseThrow());
        String onDisk = versionOf(AttachmentJournal.open(stateDir).get(KEY).orElseThrow());

        assertThat(inMemory).isEqualTo(onDisk);
    }
}
