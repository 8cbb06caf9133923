package io.vmnetd.daemon.cni;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Running IPAM plugins that, like the reference plugins, do not always read their stdin. */
class IpamPluginTest {
    @TempDir
    Path dir;

    @Test
    void aPluginThatExitsWithoutReadingStdinStillHasItsAnswerRead() throws Exception {
        // More than a pipe buffer of stdin, never read: the write fails once the plugin has exited.
        plugin("quiet", """
                exec 0<&-
                echo '{"cniVersion":"1.0.0","ips":[{"address":"10.9.0.2/24"}]}'
                """);
        IpamPlugin p = IpamPlugin.locate("quiet", dir.toString(), List.of(dir));
        ObjectNode conf = new ObjectMapper().createObjectNode().put("cniVersion", "1.0.0").put("pad", "x".repeat(1 << 20));

        assertThat(p.call("ADD", Map.of(), conf, "1.0.0").path("ips").path(0).path("address").asText())
                .isEqualTo("10.9.0.2/24");
    }

    @Test
    void aFailedVersionAnswerIsAskedAgainNotRemembered() throws Exception {
        Path seen = dir.resolve("asked-once");
        plugin("flaky", """
                if [ ! -e %s ]; then touch %s; exit 1; fi
                echo '{"cniVersion":"1.0.0","supportedVersions":["0.3.1","0.4.0","1.0.0"]}'
                """.formatted(seen, seen));
        IpamPlugin p = IpamPlugin.locate("flaky", dir.toString(), List.of(dir));

        assertThatThrownBy(() -> p.negotiate("1.0.0")).isInstanceOf(CniError.class);
        assertThat(p.negotiate("1.0.0")).isEqualTo("1.0.0");
        assertThat(p.negotiate("1.1.0")).isEqualTo("1.0.0");
    }

    private void plugin(String name, String body) throws IOException {
        Path f = dir.resolve(name);
        Files.writeString(f, "#!/bin/sh\n" + body);
        Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rwxr-xr-x"));
    }
}
