package io.vmnetd.daemon.exec;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * A root-owned 0755 directory for fake plugins, under /var/lib: a directory under /var/tmp or /tmp would be refused
 * because those are world-writable (sticky or not), which is the point. Needs root (to own files as root and to
 * chown others to nobody); tests using it are skipped otherwise.
 */
final class PluginDir implements AutoCloseable {
    static final String NOBODY = "nobody";
    final Path dir;

    private PluginDir(Path dir) {
        this.dir = dir;
    }

    static PluginDir create() throws IOException {
        assumeTrue("root".equals(System.getProperty("user.name")), "needs root: files owned by root and by nobody");
        Path dir = Files.createTempDirectory(Path.of("/var/lib"), "vmnetd-exec-test-");
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        return new PluginDir(dir);
    }

    /** A #!/bin/sh script, mode 0755, owned by root. */
    Path script(String name, String body) throws IOException {
        return file(name, "#!/bin/sh\n" + body, "rwxr-xr-x");
    }

    Path file(String name, String content, String mode) throws IOException {
        Path f = dir.resolve(name);
        Files.createDirectories(f.getParent());
        Files.write(f, content.getBytes(StandardCharsets.UTF_8));
        Files.setPosixFilePermissions(f, PosixFilePermissions.fromString(mode));
        return f;
    }

    /** A copy of an ELF binary such as /usr/bin/env. */
    Path copy(Path binary, String name) throws IOException {
        Path f = dir.resolve(name);
        Files.copy(binary, f);
        Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rwxr-xr-x"));
        return f;
    }

    Path mkdir(String name, String mode) throws IOException {
        Path d = dir.resolve(name);
        Files.createDirectories(d);
        Files.setPosixFilePermissions(d, PosixFilePermissions.fromString(mode));
        return d;
    }

    /** chown nobody, of the link itself when {@code p} is a symlink. */
    static void chownToNobody(Path p) throws IOException {
        UserPrincipal nobody = p.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName(NOBODY);
        Files.getFileAttributeView(p, PosixFileAttributeView.class, LinkOption.NOFOLLOW_LINKS).setOwner(nobody);
    }

    @Override
    public void close() throws IOException {
        try (Stream<Path> all = Files.walk(dir)) {
            for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
