package io.vmnetd.daemon.state;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;

import io.vmnetd.daemon.state.NetworkRegistry.ManagedNetwork;
import io.vmnetd.netlink.VidSet;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What vmnetd made, kept across restarts, and written only when it changes. */
class NetworkRegistryTest {

    private static final ManagedNetwork DATA = new ManagedNetwork("data-br", "data-bo", List.of("eth1", "eth2"));
    private static final ManagedNetwork STORAGE = new ManagedNetwork("storage-br", "storage-bo", List.of("eth3"));

    @TempDir
    Path stateDir;

    private Path file() {
        return stateDir.resolve("networks.json");
    }

    /** The file's identity and modification time: an atomic replace gives it a new inode. */
    private record Version(Object fileKey, FileTime modified) {
    }

    private Version version() throws IOException {
        BasicFileAttributes attrs = Files.readAttributes(file(), BasicFileAttributes.class);
        return new Version(attrs.fileKey(), attrs.lastModifiedTime());
    }

    @Test
    void freshRegistryIsEmptyAndWritesNothing() throws IOException {
        NetworkRegistry registry = NetworkRegistry.open(stateDir);

        assertThat(registry.managed()).isEmpty();
        assertThat(registry.mgmtVids().isEmpty()).isTrue();
        assertThat(file()).doesNotExist();
    }

    @Test
    void recordedNetworksSurviveAReopen() throws IOException {
        NetworkRegistry registry = NetworkRegistry.open(stateDir);
        registry.recordManaged("data", DATA);
        registry.recordManaged("storage", STORAGE);

        NetworkRegistry reopened = NetworkRegistry.open(stateDir);

        assertThat(reopened.managed()).containsOnly(entry("data", DATA), entry("storage", STORAGE));
    }

    @Test
    void recordingAgainWithOtherNicsReplacesTheEntry() throws IOException {
        NetworkRegistry registry = NetworkRegistry.open(stateDir);
        registry.recordManaged("data", DATA);
        ManagedNetwork oneNic = new ManagedNetwork("data-br", "data-bo", List.of("eth1"));

        registry.recordManaged("data", oneNic);

        assertThat(registry.managed()).containsEntry("data", oneNic);
        assertThat(NetworkRegistry.open(stateDir).managed()).containsEntry("data", oneNic);
    }

    @Test
    void forgottenNetworksStayForgottenAfterAReopen() throws IOException {
        NetworkRegistry registry = NetworkRegistry.open(stateDir);
        registry.recordManaged("data", DATA);
        registry.recordManaged("storage", STORAGE);

        registry.forget("data");

        assertThat(registry.managed()).containsOnlyKeys("storage");
        assertThat(NetworkRegistry.open(stateDir).managed()).containsOnlyKeys("storage");
    }

    @Test
    void mgmtVidsSurviveAReopen() throws IOException {
        NetworkRegistry registry = NetworkRegistry.open(stateDir);
        registry.setMgmtVids(VidSet.parse("30,100-199,4094"));

        assertThat(NetworkRegistry.open(stateDir).mgmtVids()).isEqualTo(VidSet.parse("30,100-199,4094"));
    }

    @Test
    void mgmtVidsSetBackToEmptySurviveAReopen() throws IOException {
        NetworkRegistry registry = NetworkRegistry.open(stateDir);
        registry.setMgmtVids(VidSet.of(30));
        registry.recordManaged("data", DATA);

        registry.setMgmtVids(VidSet.empty());

        NetworkRegistry reopened = NetworkRegistry.open(stateDir);
        assertThat(reopened.mgmtVids().isEmpty()).isTrue();
        assertThat(reopened.managed()).containsOnlyKeys("data");
    }

    @Test
    void nothingIsWrittenWhenNothingChanged() throws IOException, InterruptedException {
        NetworkRegistry registry = NetworkRegistry.open(stateDir);
        registry.recordManaged("data", DATA);
        registry.setMgmtVids(VidSet.of(30, 31));
        Version before = version();
        Thread.sleep(20); // past the file system's timestamp granularity, so a rewrite would show

        registry.recordManaged("data", new ManagedNetwork("data-br", "data-bo", List.of("eth1", "eth2")));
        registry.setMgmtVids(VidSet.parse("30-31"));
        registry.forget("never-recorded");

        assertThat(version()).isEqualTo(before);
    }

    @Test
    void nothingIsWrittenWhenAReopenedRegistryIsToldWhatItAlreadyHas() throws IOException, InterruptedException {
        NetworkRegistry first = NetworkRegistry.open(stateDir);
        first.recordManaged("data", DATA);
        first.setMgmtVids(VidSet.of(30));
        Version before = version();
        Thread.sleep(20);

        NetworkRegistry reopened = NetworkRegistry.open(stateDir);
        reopened.recordManaged("data", DATA);
        reopened.setMgmtVids(VidSet.of(30));

        assertThat(version()).isEqualTo(before);
    }

    @Test
    void aChangeReplacesTheFileAndLeavesNoTemporaryFile() throws IOException {
        NetworkRegistry registry = NetworkRegistry.open(stateDir);
        registry.recordManaged("data", DATA);
        Version before = version();

        registry.setMgmtVids(VidSet.of(7));

        assertThat(version().fileKey()).isNotEqualTo(before.fileKey());
        try (Stream<Path> files = Files.list(stateDir)) {
            assertThat(files).containsExactly(file());
        }
    }

    @Test
    void managedIsASnapshot() throws IOException {
        NetworkRegistry registry = NetworkRegistry.open(stateDir);
        registry.recordManaged("data", DATA);
        Map<String, ManagedNetwork> snapshot = registry.managed();

        registry.forget("data");

        assertThat(snapshot).containsOnlyKeys("data");
    }

    @Test
    void aTruncatedFileIsMovedAsideAndTheRegistryStartsEmpty() throws IOException {
        NetworkRegistry first = NetworkRegistry.open(stateDir);
        first.recordManaged("data", DATA);
        String whole = Files.readString(file());
        Files.writeString(file(), whole.substring(0, whole.length() / 2));

        NetworkRegistry reopened = NetworkRegistry.open(stateDir);

        assertThat(reopened.managed()).isEmpty();
        assertThat(reopened.movedAside()).isPresent();
        assertThat(file()).doesNotExist();
        assertThat(reopened.movedAside().get().getFileName().toString()).startsWith("networks.json.corrupt-");
        assertThat(reopened.movedAside().get()).hasContent(whole.substring(0, whole.length() / 2));
        reopened.recordManaged("data", DATA);
        assertThat(NetworkRegistry.open(stateDir).managed()).containsOnlyKeys("data");
    }

    @Test
    void aFileThatIsJsonButNotARegistryIsMovedAside() throws IOException {
        Files.writeString(file(), "{\"managed\": {\"data\": {\"nics\": []}}}");

        NetworkRegistry reopened = NetworkRegistry.open(stateDir);

        assertThat(reopened.managed()).isEmpty();
        assertThat(reopened.movedAside()).isPresent();
    }

    @Test
    void aSaveThatCannotBeWrittenIsKeptInMemoryAndWrittenLater() throws IOException {
        NetworkRegistry registry = NetworkRegistry.open(stateDir);
        Path blocker = stateDir.resolve("networks.json." + ProcessHandle.current().pid() + "."
                + Thread.currentThread().getId() + ".tmp");
        // The temporary file's name taken by a directory: creating it fails as a full or read-only disk would.
        Files.createDirectories(blocker.resolve("x"));

        registry.recordManaged("data", DATA);

        assertThat(registry.managed()).containsOnlyKeys("data");
        assertThat(file()).doesNotExist();
        Files.delete(blocker.resolve("x"));
        Files.delete(blocker);
        registry.retrySave();
        assertThat(NetworkRegistry.open(stateDir).managed()).containsOnlyKeys("data");
    }

    @Test
    void hostInterfacesSurviveAReopenByNetworkAndAreForgottenOneByOne() throws IOException {
        NetworkRegistry registry = NetworkRegistry.open(stateDir);
        NetworkRegistry.HostInterface storage = new NetworkRegistry.HostInterface("storage", "data", "data-br",
                "data-br.100", 100, true);
        NetworkRegistry.HostInterface migration = new NetworkRegistry.HostInterface("migration", "mgmt", "mgmt-br",
                "mgmt-br.200", 200, false);
        registry.recordHostInterface(storage);
        registry.recordHostInterface(migration);

        NetworkRegistry reopened = NetworkRegistry.open(stateDir);
        assertThat(reopened.hostInterfacesOf("data")).containsExactly(storage);
        assertThat(reopened.hostInterfacesOf("mgmt")).containsExactly(migration);

        reopened.forgetHostInterface("data-br.100");
        assertThat(NetworkRegistry.open(stateDir).hostInterfacesOf("data")).isEmpty();
        assertThat(NetworkRegistry.open(stateDir).hostInterfacesOf("mgmt")).containsExactly(migration);
    }

    @Test
    void aFileFromBeforeHostInterfacesReadsAsNone() throws IOException {
        Files.writeString(file(), "{\"managed\": {}, \"mgmtVids\": \"50\"}");

        NetworkRegistry registry = NetworkRegistry.open(stateDir);

        assertThat(registry.mgmtVids()).isEqualTo(VidSet.of(50));
        assertThat(registry.hostInterfacesOf("data")).isEmpty();
        assertThat(registry.movedAside()).isEmpty();
    }
}
