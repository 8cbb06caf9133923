package io.vmnetd.daemon.cluster;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The module's jar is looked for only when asked for, and refused when it is missing or others may change it. */
class NetworkSourcesTest {

    @Test
    void aMissingModuleIsAClearError(@TempDir Path dir) {
        Path jar = dir.resolve("vmnetd-kube.jar");
        assertThatThrownBy(() -> NetworkSources.provider("kubernetes", () -> jar))
                .isInstanceOf(IOException.class)
                .hasMessage("the config's kubernetes section needs " + jar + ", which does not exist; install it "
                        + "beside vmnetd.jar or remove the section");
    }

    @Test
    void aModuleOthersMayWriteIsNotRunAsRoot(@TempDir Path dir) throws IOException {
        Path jar = Files.createFile(dir.resolve("vmnetd-kube.jar"));
        Files.setPosixFilePermissions(jar, PosixFilePermissions.fromString("rw-rw-r--"));
        assertThatThrownBy(() -> NetworkSources.provider("kubernetes", () -> jar))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("is writable by its group or by others")
                .hasMessageContaining("chmod go-w");
    }

    @Test
    void aJarWithoutTheProviderSaysSo(@TempDir Path dir) throws IOException {
        Path jar = dir.resolve("vmnetd-kube.jar");
        try (var out = new java.util.jar.JarOutputStream(Files.newOutputStream(jar))) {
            out.putNextEntry(new java.util.jar.JarEntry("empty.txt"));
        }
        Files.setPosixFilePermissions(jar, PosixFilePermissions.fromString("rw-r--r--"));
        assertThatThrownBy(() -> NetworkSources.provider("kubernetes", () -> jar))
                .isInstanceOf(IOException.class)
                .hasMessage(jar + " has no provider for the kubernetes section");
    }
}
