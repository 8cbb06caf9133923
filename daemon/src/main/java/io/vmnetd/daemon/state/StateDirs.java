package io.vmnetd.daemon.state;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

/** The state directory and those under it are the daemon's alone: made mode 0700, whatever the umask. */
final class StateDirs {
    private StateDirs() {}

    /** Makes {@code dir} (and missing parents) mode 0700; an existing one is left as it is. */
    static void create(Path dir) throws IOException {
        if (Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        if (dir.getParent() != null) {
            Files.createDirectories(dir.getParent());
        }
        Files.createDirectory(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
    }
}
