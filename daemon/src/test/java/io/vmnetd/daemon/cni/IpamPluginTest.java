package io.vmnetd.daemon.cni;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vmnetd.daemon.config.CniSettings;
import io.vmnetd.daemon.state.AttachmentKey;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/** Finding and running IPAM plugins: only from allowed directories, whatever else CNI_PATH names. */
class IpamPluginTest {
    // Plugins run only from root-owned directories nobody else can write, all the way up: not from /tmp.
    private Path dir;
    private Path other;

    @BeforeEach
    void dirs() throws IOException {
        dir = Files.createTempDirectory(Path.of("/var/lib"), "vmnetd-ipam-test-");
        other = Files.createTempDirectory(Path.of("/var/lib"), "vmnetd-ipam-test-");
        for (Path d : List.of(dir, other)) {
            Files.setPosixFilePermissions(d, PosixFilePermissions.fromString("rwxr-xr-x"));
        }
    }

    @AfterEach
    void removeDirs() throws IOException {
        for (Path d : List.of(dir, other)) {
            try (var files = Files.walk(d)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    @Test
    void aPluginInAWorldWritableDirectoryIsRefused() throws Exception {
        Path shared = Files.createDirectories(dir.resolve("shared"));
        Files.setPosixFilePermissions(shared, PosixFilePermissions.fromString("rwxrwxrwx"));
        plugin(shared, "evil", "echo '{}'");

        assertThatThrownBy(() -> ipam(List.of(shared)).add(conf("evil", ""), call("")))
                .isInstanceOf(CniError.class).hasMessageContaining("refused").hasMessageContaining("writable");
        assertThat(Files.exists(shared.resolve("ran"))).isFalse();
    }

    private Ipam ipam(List<Path> allowed) {
        return new Ipam(() -> new CniSettings(allowed, Duration.ofSeconds(10), Duration.ofSeconds(60),
                CniSettings.DEFAULT_NETNS_PATHS));
    }

    private static NetConf conf(String type, String pad) throws CniError {
        return NetConf.parse("{\"cniVersion\":\"1.0.0\",\"name\":\"n\",\"ipam\":{\"type\":\"" + type + "\"},"
                + "\"pad\":\"" + pad + "\"}");
    }

    private static IpamCall call(String cniPath) {
        return new IpamCall(new AttachmentKey("c1", "eth0"), "/run/netns/x", "", cniPath);
    }

    @Test
    void aPluginThatExitsWithoutReadingStdinStillHasItsAnswerRead() throws Exception {
        // More than a pipe buffer of stdin, never read: the write fails once the plugin has exited.
        plugin(dir, "quiet", """
                exec 0<&-
                if [ "$CNI_COMMAND" = VERSION ]; then
                  echo '{"cniVersion":"1.0.0","supportedVersions":["1.0.0"]}'; exit 0
                fi
                echo '{"cniVersion":"1.0.0","ips":[{"address":"10.9.0.2/24"}]}'
                """);

        assertThat(ipam(List.of(dir)).add(conf("quiet", "x".repeat(1 << 20)), call(dir.toString()))
                .path("ips").path(0).path("address").asText()).isEqualTo("10.9.0.2/24");
    }

    @Test
    void cniPathEntriesOutsideTheAllowedDirectoriesAreSkippedNotAnError() throws Exception {
        plugin(dir, "host-local", "echo '{}'");
        plugin(other, "host-local", "echo '{\"from\":\"other\"}'");
        String podmanLike = "/usr/local/libexec/cni:" + other + ":/usr/libexec/cni:" + dir + ":/opt/cni/bin";

        assertThat(ipam(List.of(dir)).locate(conf("host-local", ""), call(podmanLike)))
                .isEqualTo(dir.toRealPath().resolve("host-local"));
    }

    @Test
    void allowedCniPathEntriesAreSearchedInTheirOrderBeforeTheAllowedDirectories() throws Exception {
        plugin(dir, "static", "echo '{}'");
        plugin(other, "static", "echo '{}'");

        assertThat(ipam(List.of(dir, other)).locate(conf("static", ""), call(other + ":" + dir)))
                .isEqualTo(other.toRealPath().resolve("static"));
        assertThat(ipam(List.of(dir, other)).locate(conf("static", ""), call("")))
                .isEqualTo(dir.toRealPath().resolve("static"));
    }

    @Test
    void aPluginFoundInNoAllowedDirectoryNamesTheDirectoriesSearched() throws Exception {
        plugin(other, "host-local", "echo '{}'");

        assertThatThrownBy(() -> ipam(List.of(dir)).locate(conf("host-local", ""), call(other.toString())))
                .isInstanceOf(CniError.class)
                .hasMessageContaining("no IPAM plugin \"host-local\" in any allowed directory")
                .hasMessageContaining(dir.toRealPath().toString())
                .hasMessageNotContaining("searched [" + other);
    }

    @Test
    void aTypeThatIsAPathIsRefused() {
        assertThatThrownBy(() -> ipam(List.of(dir)).locate(conf("../bin/sh", ""), call(dir.toString())))
                .isInstanceOf(CniError.class).hasMessageContaining("ipam.type");
    }

    @Test
    void aFailedVersionAnswerIsAskedAgainNotRemembered() throws Exception {
        Path seen = dir.resolve("asked-once");
        plugin(dir, "flaky", """
                if [ "$CNI_COMMAND" = VERSION ] && [ ! -e %s ]; then touch %s; exit 1; fi
                if [ "$CNI_COMMAND" = VERSION ]; then
                  echo '{"cniVersion":"1.0.0","supportedVersions":["0.3.1","0.4.0","1.0.0"]}'; exit 0
                fi
                cat > %s
                echo '{}'
                """.formatted(seen, seen, dir.resolve("stdin")));
        Ipam ipam = ipam(List.of(dir));

        assertThatThrownBy(() -> ipam.add(NetConf.parse("{\"cniVersion\":\"1.0.0\",\"name\":\"n\","
                + "\"ipam\":{\"type\":\"flaky\"}}"), call(""))).isInstanceOf(CniError.class);
        ipam.add(NetConf.parse("{\"cniVersion\":\"1.1.0\",\"name\":\"n\",\"ipam\":{\"type\":\"flaky\"}}"), call(""));
        assertThat(Files.readString(dir.resolve("stdin"))).contains("\"cniVersion\":\"1.0.0\"");
    }

    private static void plugin(Path where, String name, String body) throws IOException {
        Path f = where.resolve(name);
        Files.writeString(f, "#!/bin/sh\n" + body);
        Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rwxr-xr-x"));
    }
}
