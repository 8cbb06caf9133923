package io.vmnetd.daemon.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;

/**
 * IPAM plugins that misbehave on purpose, as shell scripts in a directory vmnetd may run plugins from: root-owned
 * and writable by nobody else, all the way up ({@code /run/...}). Each answers VERSION properly and appends
 * "COMMAND CONTAINERID" to {@link #calls()} before doing what it is for.
 */
public final class FakeIpam {
    private final Path dir;

    private FakeIpam(Path dir) {
        this.dir = dir;
    }

    /** Makes (or empties) {@code dir}, mode 0755. */
    public static FakeIpam in(Path dir) {
        try {
            if (Files.isDirectory(dir)) {
                try (var files = Files.list(dir)) {
                    for (Path f : files.toList()) {
                        Files.delete(f);
                    }
                }
            }
            Files.createDirectories(dir);
            Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
            return new FakeIpam(dir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public Path dir() {
        return dir;
    }

    /** Installs plugin {@code name} whose ADD and DEL run {@code body} (a POSIX shell fragment). */
    public FakeIpam plugin(String name, String body) {
        String script = """
                #!/bin/sh
                if [ "$CNI_COMMAND" = VERSION ]; then
                  echo '{"cniVersion":"1.0.0","supportedVersions":["0.3.1","0.4.0","1.0.0","1.1.0"]}'
                  exit 0
                fi
                echo "$CNI_COMMAND $CNI_CONTAINERID" >> %s
                cat > /dev/null
                %s
                """.formatted(calls(), body);
        try {
            Path f = dir.resolve(name);
            Files.writeString(f, script);
            Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rwxr-xr-x"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return this;
    }

    /** A plugin that gives {@code cidr} on ADD and succeeds on DEL. */
    public FakeIpam good(String name, String cidr) {
        return plugin(name, """
                if [ "$CNI_COMMAND" = ADD ]; then
                  echo '{"cniVersion":"1.0.0","ips":[{"address":"%s"}]}'
                fi
                exit 0""".formatted(cidr));
    }

    /** Where each plugin logs its calls. */
    public Path calls() {
        return dir.resolve("calls.log");
    }

    /** The lines of {@link #calls()}: "ADD c1", "DEL c1"... */
    public List<String> callLog() {
        try {
            return Files.exists(calls()) ? Files.readAllLines(calls()) : List.of();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The ipam object of a netconf using plugin {@code name}. */
    public static String ipam(String name) {
        return "{\"type\":\"" + name + "\"}";
    }
}
