package io.vmnetd.daemon.state;

import static org.assertj.core.api.Assertions.assertThat;

import io.vmnetd.daemon.model.PortVlanSpec;
import io.vmnetd.netlink.VidSet;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Journaling CNI attachments: what goes in comes back, in memory and after a reopen. */
class AttachmentJournalTest {

    @TempDir
    Path stateDir;

    private Path attachmentsDir() {
        return stateDir.resolve("attachments");
    }

    private List<Path> files() throws IOException {
        try (Stream<Path> s = Files.list(attachmentsDir())) {
            return s.sorted().toList();
        }
    }

    @Test
    void openingAnEmptyStateDirCreatesTheDirectoryAndHasNothing() throws IOException {
        AttachmentJournal journal = AttachmentJournal.open(stateDir);

        assertThat(attachmentsDir()).isDirectory();
        assertThat(journal.all()).isEmpty();
        assertThat(journal.get(new AttachmentKey("c", "eth0"))).isEmpty();
    }

    @Test
    void putThenGetReturnsEveryFieldWithOptionalsPresent() throws IOException {
        AttachmentJournal journal = AttachmentJournal.open(stateDir);
        Attachment a = Attachments.full("3f2a9c", "net1");

        journal.put(a);

        assertThat(journal.get(a.key())).hasValue(a);
        assertThat(journal.all()).containsExactly(a);
    }

    @Test
    void everyFieldSurvivesAReopenWithOptionalsPresentAndEmpty() throws IOException {
        Attachment full = Attachments.full("3f2a9c", "net1");
        Attachment sparse = Attachments.sparse("77aa", "net2");
        AttachmentJournal writer = AttachmentJournal.open(stateDir);
        writer.put(full);
        writer.put(sparse);

        AttachmentJournal reopened = AttachmentJournal.open(stateDir);

        assertThat(reopened.get(full.key())).hasValue(full);
        assertThat(reopened.get(sparse.key())).hasValue(sparse);
        assertThat(reopened.all()).containsExactlyInAnyOrder(full, sparse);
        Attachment back = reopened.get(full.key()).orElseThrow();
        assertThat(back.port().vlans().pvid()).hasValue(100);
        assertThat(back.port().vlans().untagged()).isEqualTo(VidSet.of(1, 100));
        assertThat(back.port().vlans().vids()).isEqualTo(VidSet.parse("1,100,200-299,4094"));
        assertThat(back.port().isolated()).isTrue();
        assertThat(back.port().pod().routes()).hasSize(2);
        assertThat(reopened.get(sparse.key()).orElseThrow().vmNetwork()).isEmpty();
        assertThat(reopened.get(sparse.key()).orElseThrow().ipamResult()).isEmpty();
    }

    @Test
    void theReadyVersionMovesOnlyWhenTheReadyAttachmentsChange() throws IOException {
        AttachmentJournal journal = AttachmentJournal.open(stateDir);
        Attachment ready = Attachments.full("3f2a9c", "net1").withState(Attachment.State.READY);
        Attachment adding = ready.withState(Attachment.State.ADDING);
        long v0 = journal.readyVersion();

        journal.put(adding);
        assertThat(journal.readyVersion()).as("an attachment still being added").isEqualTo(v0);
        journal.put(ready);
        assertThat(journal.readyVersion()).as("it became live").isGreaterThan(v0);
        long v1 = journal.readyVersion();
        journal.put(Attachments.withMac(ready, "02:00:00:00:00:09"));
        assertThat(journal.readyVersion()).as("a live one changed").isGreaterThan(v1);
        long v2 = journal.readyVersion();
        journal.remove(ready.key());
        assertThat(journal.readyVersion()).as("a live one went").isGreaterThan(v2);
        long v3 = journal.readyVersion();
        journal.remove(ready.key());
        journal.put(adding);
        journal.remove(adding.key());
        assertThat(journal.readyVersion()).as("nothing live changed").isEqualTo(v3);
    }

    @Test
    void theLivePortsFollowTheReadyAttachmentsAndAreLookedUpByHostEnd() throws IOException {
        AttachmentJournal journal = AttachmentJournal.open(stateDir);
        Attachment ready = Attachments.full("3f2a9c", "net1").withState(Attachment.State.READY);
        Attachment other = Attachments.sparse("77aa", "net2").withState(Attachment.State.READY);
        String name = ready.hostIfName();

        journal.put(ready.withState(Attachment.State.ADDING));
        assertThat(journal.livePorts().named(name)).as("still being added").isEmpty();
        journal.put(ready);
        journal.put(other);
        assertThat(journal.livePorts().named(name)).hasValue(ready.networkPort());
        assertThat(journal.livePorts().all()).containsExactlyInAnyOrder(ready.networkPort(), other.networkPort());
        Attachment changed = Attachments.withMac(ready, "02:00:00:00:00:09");
        journal.put(changed);
        assertThat(journal.livePorts().named(name)).as("the latest description").hasValue(changed.networkPort());
        journal.mark(changed.withState(Attachment.State.DELETING));
        assertThat(journal.livePorts().named(name)).as("being deleted").isEmpty();
        journal.put(changed);
        journal.remove(changed.key());
        assertThat(journal.livePorts().named(name)).as("removed").isEmpty();
        assertThat(journal.livePorts().all()).containsExactly(other.networkPort());
        assertThat(AttachmentJournal.open(stateDir).livePorts().named(other.hostIfName()))
                .as("after a reopen").hasValue(other.networkPort());
    }

    @Test
    void storedFormRoundTripsThroughTheRecordConversion() {
        for (Attachment a : List.of(Attachments.full("a", "b"), Attachments.sparse("c", "d"))) {
            assertThat(StoredAttachment.of(a).toAttachment()).isEqualTo(a);
        }
    }

    @Test
    void anEmptyVlanSetSurvivesAReopen() throws IOException {
        Attachment none = Attachments.withVlans(Attachments.sparse("c", "net1"), PortVlanSpec.trunk(VidSet.empty()));
        AttachmentJournal.open(stateDir).put(none);

        assertThat(AttachmentJournal.open(stateDir).get(none.key())).hasValue(none);
    }

    @Test
    void putOfTheSameKeyReplacesTheEntryInMemoryAndOnDisk() throws IOException {
        AttachmentJournal journal = AttachmentJournal.open(stateDir);
        Attachment adding = Attachments.full("c1", "net1").withState(Attachment.State.ADDING);
        Attachment ready = Attachments.withMac(adding.withState(Attachment.State.READY), "02:00:00:00:00:99");

        journal.put(adding);
        journal.put(ready);

        assertThat(journal.all()).containsExactly(ready);
        assertThat(files()).hasSize(1);
        assertThat(AttachmentJournal.open(stateDir).all()).containsExactly(ready);
    }

    @Test
    void keysDifferingOnlyInTheInterfaceAreSeparateEntries() throws IOException {
        AttachmentJournal journal = AttachmentJournal.open(stateDir);
        Attachment net1 = Attachments.full("c1", "net1");
        Attachment net2 = Attachments.full("c1", "net2");

        journal.put(net1);
        journal.put(net2);

        assertThat(files()).hasSize(2);
        assertThat(AttachmentJournal.open(stateDir).all()).containsExactlyInAnyOrder(net1, net2);
    }

    @Test
    void removeDeletesTheEntryAndItsFile() throws IOException {
        AttachmentJournal journal = AttachmentJournal.open(stateDir);
        Attachment keep = Attachments.full("c1", "net1");
        Attachment gone = Attachments.sparse("c2", "net1");
        journal.put(keep);
        journal.put(gone);

        journal.remove(gone.key());

        assertThat(journal.get(gone.key())).isEmpty();
        assertThat(journal.all()).containsExactly(keep);
        assertThat(files()).hasSize(1);
        assertThat(AttachmentJournal.open(stateDir).all()).containsExactly(keep);
    }

    @Test
    void removingAnUnknownKeyIsNoError() throws IOException {
        AttachmentJournal journal = AttachmentJournal.open(stateDir);

        journal.remove(new AttachmentKey("nope", "eth0"));

        assertThat(journal.all()).isEmpty();
    }

    @Test
    void leftoverTemporaryFilesAreRemovedOnOpen() throws IOException {
        AttachmentJournal.open(stateDir).put(Attachments.full("c1", "net1"));
        Path leftover = attachmentsDir().resolve("0123456789abcdef0123456789abcdef.json.4242.17.tmp");
        Files.writeString(leftover, "{\"containerId\":\"half");

        AttachmentJournal reopened = AttachmentJournal.open(stateDir);

        assertThat(leftover).doesNotExist();
        assertThat(reopened.all()).containsExactly(Attachments.full("c1", "net1"));
    }

    @Test
    void otherFilesAreLeftAlone() throws IOException {
        Files.createDirectories(attachmentsDir());
        Path notes = Files.writeString(attachmentsDir().resolve("README"), "hands off");

        assertThat(AttachmentJournal.open(stateDir).all()).isEmpty();
        assertThat(notes).hasContent("hands off");
    }

    @Test
    void corruptAndIncompleteEntriesAreMovedAsideAndLoggedWithoutLosingTheOthers() throws IOException {
        AttachmentJournal journal = AttachmentJournal.open(stateDir);
        Attachment a = Attachments.full("c1", "net1");
        Attachment b = Attachments.sparse("c2", "net1");
        journal.put(a);
        journal.put(b);
        String goodEntry = Files.readString(files().get(0));
        Files.write(attachmentsDir().resolve("corrupt.json"), "{\"containerId\": \"c3\", ".getBytes(StandardCharsets.UTF_8));
        Files.writeString(attachmentsDir().resolve("empty-object.json"), "{}");
        assertThat(goodEntry).containsPattern("\"(READY|ADDING)\"");
        Files.writeString(attachmentsDir().resolve("bad-state.json"),
                goodEntry.replaceAll("\"(READY|ADDING)\"", "\"GONE\""));

        List<LogRecord> logged = new ArrayList<>();
        AttachmentJournal reopened = withLogCapture(logged, () -> AttachmentJournal.open(stateDir));

        assertThat(reopened.all()).containsExactlyInAnyOrder(a, b);
        assertThat(reopened.movedAside()).hasSize(3);
        assertThat(logged).filteredOn(r -> r.getLevel() == Level.WARNING).extracting(LogRecord::getMessage)
                .hasSize(3)
                .anySatisfy(m -> assertThat(m).contains("corrupt.json"))
                .anySatisfy(m -> assertThat(m).contains("empty-object.json"))
                .anySatisfy(m -> assertThat(m).contains("bad-state.json"));
        assertThat(attachmentsDir().resolve("corrupt.json")).doesNotExist();
        assertThat(files()).extracting(f -> f.getFileName().toString())
                .filteredOn(n -> n.contains(".corrupt-"))
                .hasSize(3)
                .anySatisfy(n -> assertThat(n).startsWith("corrupt.json.corrupt-"));
        assertThat(AttachmentJournal.open(stateDir).movedAside()).as("moved aside once, not again").isEmpty();
    }

    @Test
    void anEntryFileNotNamedForItsKeyIsMovedAside() throws IOException {
        Attachment a = Attachments.full("c1", "net1");
        AttachmentJournal.open(stateDir).put(a);
        Files.move(files().get(0), attachmentsDir().resolve("00000000000000000000000000000000.json"));

        AttachmentJournal reopened = AttachmentJournal.open(stateDir);

        assertThat(reopened.all()).isEmpty();
        assertThat(reopened.movedAside()).hasSize(1);
    }

    @Test
    void aLinkPlantedAsAnEntryIsMovedAsideNeverFollowed() throws IOException {
        Path secret = Files.writeString(stateDir.resolve("secret"), "{\"containerId\": \"x\"}");
        Files.createDirectories(attachmentsDir());
        Files.createSymbolicLink(attachmentsDir().resolve("0123456789abcdef0123456789abcdef.json"), secret);

        AttachmentJournal reopened = AttachmentJournal.open(stateDir);

        assertThat(reopened.all()).isEmpty();
        assertThat(reopened.movedAside()).hasSize(1);
        assertThat(secret).hasContent("{\"containerId\": \"x\"}");
    }

    @Test
    void readingForACheckMovesNothingAside() throws IOException {
        Files.createDirectories(attachmentsDir());
        Path corrupt = Files.writeString(attachmentsDir().resolve("corrupt.json"), "{");

        assertThat(AttachmentJournal.read(stateDir).all()).isEmpty();
        assertThat(corrupt).exists();
    }

    @Test
    void unknownFieldsWrittenByANewerVersionAreIgnored() throws IOException {
        Attachment a = Attachments.full("c1", "net1");
        AttachmentJournal.open(stateDir).put(a);
        Path file = files().get(0);
        Files.writeString(file, Files.readString(file).replaceFirst("\\{", "{\"addedLater\": [1, 2],"));

        assertThat(AttachmentJournal.open(stateDir).all()).containsExactly(a);
    }

    @Test
    void putLeavesNoTemporaryFileBehind() throws IOException {
        AttachmentJournal journal = AttachmentJournal.open(stateDir);
        for (int i = 0; i < 5; i++) {
            journal.put(Attachments.full("c" + i, "net1"));
        }

        assertThat(files()).hasSize(5).allMatch(p -> p.getFileName().toString().endsWith(".json"));
    }

    interface IoSupplier<T> {
        T get() throws IOException;
    }

    private static <T> T withLogCapture(List<LogRecord> sink, IoSupplier<T> work) throws IOException {
        Logger logger = Logger.getLogger(AttachmentJournal.class.getName());
        Handler handler = new Handler() {
            @Override
            public void publish(LogRecord record) {
                sink.add(record);
            }

            @Override
            public void flush() {}

            @Override
            public void close() {}
        };
        boolean parents = logger.getUseParentHandlers();
        logger.addHandler(handler);
        logger.setUseParentHandlers(false);
        try {
            return work.get();
        } finally {
            logger.removeHandler(handler);
            logger.setUseParentHandlers(parents);
        }
    }
}
