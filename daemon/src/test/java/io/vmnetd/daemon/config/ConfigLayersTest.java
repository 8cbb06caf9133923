package io.vmnetd.daemon.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The file and the API overlay: which settings each may hold, and how they combine. */
class ConfigLayersTest {
    private static final String FILE = """
            socket: /run/vmnetd/x.sock
            socketGroup: daemon
            logLevel: warn
            cni: {ipamDirs: [/usr/lib/cni], ipamTimeoutSeconds: 10}
            clusterNetworks:
              - {name: data, uplink: {nics: [eth1]}}
            """;

    @TempDir
    Path dir;

    private static Config parse(String yaml) throws ConfigException {
        return ConfigLoader.parse(yaml, "test");
    }

    @Test
    void theOverlayGivesNetworksAndTimingsTheFileKeepsEverythingThatDecidesWhoRunsWhat() throws Exception {
        Config file = parse(FILE);
        Config overlay = parse("""
                socket: /tmp/evil.sock
                logLevel: debug
                cni: {ipamDirs: [/tmp/evil], ipamTimeoutSeconds: 20}
                clusterNetworks:
                  - {name: storage, uplink: {nics: [eth2]}}
                """);

        Config merged = ConfigLayers.merge(file, overlay);

        assertThat(merged.socket()).isEqualTo(Path.of("/run/vmnetd/x.sock"));
        assertThat(merged.socketGroup()).isEqualTo("daemon");
        assertThat(merged.ipamDirs()).containsExactly(Path.of("/usr/lib/cni"));
        assertThat(merged.logLevel()).isEqualTo("debug");
        assertThat(merged.cni().ipamTimeout().toSeconds()).isEqualTo(20);
        assertThat(merged.clusterNetworks()).extracting(ClusterNetwork::name).containsExactly("storage");
    }

    @Test
    void fileOnlySettingsInAnApiDocumentAreChangesOnlyWhenTheirValueDiffers() throws Exception {
        Config running = parse(FILE);
        String same = FILE + "vmNetworks: []\n";
        String other = FILE.replace("socketGroup: daemon", "socketGroup: users")
                .replace("[/usr/lib/cni]", "[/tmp/evil]");
        String without = "clusterNetworks: []\n";

        assertThat(ConfigLayers.fileOnlyChanges(same, parse(same), running)).isEmpty();
        assertThat(ConfigLayers.fileOnlyChanges(without, parse(without), running)).as("left out is fine").isEmpty();
        assertThat(ConfigLayers.fileOnlyChanges(other, parse(other), running))
                .containsExactly("socketGroup", "cni.ipamDirs");
    }

    @Test
    void anOverlayBesideTheStateIsLayeredOverTheFileAndADamagedOneIsLeftOut() throws Exception {
        String withState = FILE + "stateDir: " + dir + "\n";
        Path file = Files.writeString(dir.resolve("vmnetd.yaml"), withState);
        Config fileConfig = ConfigLoader.load(file);
        assertThat(ConfigLayers.load(file, fileConfig).overlay()).isEmpty();

        Files.writeString(dir.resolve(ConfigLayers.OVERLAY_FILE), "clusterNetworks: []\nlogLevel: error\n");
        ConfigLayers.Layered layered = ConfigLayers.load(file, fileConfig);
        assertThat(layered.effective().clusterNetworks()).isEmpty();
        assertThat(layered.effective().logLevel()).isEqualTo("error");
        assertThat(layered.sources()).containsEntry("clusterNetworks", "api").containsEntry("socket", "file");

        Files.writeString(dir.resolve(ConfigLayers.OVERLAY_FILE), "clusterNetworks: [{name: \"\"}]\n");
        assertThat(ConfigLayers.load(file, fileConfig).effective()).isEqualTo(fileConfig);
    }

    @Test
    void anIpamDirectoryOthersCouldWriteToIsRefusedNamingTheEntry() throws IOException, ConfigException {
        Config config = parse("cni: {ipamDirs: [/usr/lib/cni, /var/tmp/vmnetd-evil/bin, /tmp]}\n");

        assertThatThrownBy(() -> ConfigLayers.checkIpamDirs(config, "vmnetd.yaml"))
                .isInstanceOf(ConfigException.class)
                .satisfies(e -> assertThat(((ConfigException) e).problems()).extracting(ConfigProblem::field)
                        .containsExactly("cni.ipamDirs[1]", "cni.ipamDirs[2]"))
                .hasMessageContaining("/var/tmp");
    }

    @Test
    void missingIpamDirectoriesUnderRootOwnedOnesAreFine() {
        assertThatCode(() -> ConfigLayers.checkIpamDirs(
                parse("cni: {ipamDirs: [/opt/vmnetd-not-there/bin, /usr/lib/cni]}\n"), "f")).doesNotThrowAnyException();
    }

    @Test
    void aStateDirOthersCanWriteToOrThatIsALinkIsRefusedNamingTheField() throws Exception {
        Path open = Files.createDirectory(dir.resolve("open"));
        io.vmnetd.netlink.testing.Shell.check("chmod", "1777", open.toString());
        Path link = Files.createSymbolicLink(dir.resolve("link"), dir);
        Path mine = Files.createDirectory(dir.resolve("mine"));
        Files.setPosixFilePermissions(mine, java.nio.file.attribute.PosixFilePermissions.fromString("rwx------"));

        assertThatThrownBy(() -> ConfigLayers.checkStateDir(parse("stateDir: " + open + "\n"), "f"))
                .isInstanceOf(ConfigException.class).hasMessageContaining("stateDir").hasMessageContaining("1777");
        assertThatThrownBy(() -> ConfigLayers.checkStateDir(parse("stateDir: " + link + "\n"), "f"))
                .isInstanceOf(ConfigException.class).hasMessageContaining("not a directory");
        assertThatCode(() -> ConfigLayers.checkStateDir(parse("stateDir: " + mine + "\n"), "f")).doesNotThrowAnyException();
        assertThatCode(() -> ConfigLayers.checkStateDir(parse("stateDir: " + dir.resolve("new") + "\n"), "f"))
                .as("made by the daemon later").doesNotThrowAnyException();
    }
}
