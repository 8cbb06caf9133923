package io.vmnetd.daemon.exec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vmnetd.daemon.exec.UntrustedPathException.Problem;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Which programs and directories are trusted, checked on real files owned by root and by nobody. */
class TrustedExecutableTest {
    private PluginDir plugins;

    @BeforeEach
    void setUp() throws Exception {
        plugins = PluginDir.create();
    }

    @AfterEach
    void tearDown() throws Exception {
        plugins.close();
    }

    @Test
    void aRootOwnedProgramInRootOwnedDirectoriesIsOpened() throws Exception {
        Path p = plugins.script("ok", "exit 0\n");
        try (TrustedExecutable exe = TrustedExecutable.open(p)) {
            assertThat(exe.path()).isEqualTo(p);
            assertThat(exe.resolvedPath()).isEqualTo(p.toRealPath());
        }
    }

    @Test
    void aWorldWritableDirectoryAboveIsRefusedNamingItsModeAndOwner() throws Exception {
        Path d = plugins.mkdir("open", "rwxrwxrwx");
        Path p = plugins.script("open/plugin", "exit 0\n");

        refused(() -> TrustedExecutable.open(p), Problem.GROUP_OR_WORLD_WRITABLE, d.toString())
                .hasMessageStartingWith(p + ": refused: " + d + " is writable by others")
                .hasMessageContaining("owner uid 0, gid 0, mode 0777 drwxrwxrwx")
                .hasMessageContaining("allowed: owned by root (uid 0) and writable by neither group nor others");

        Path othersOnly = plugins.file("otherw", "#!/bin/sh\n", "rwxr-xrwx");
        refused(() -> TrustedExecutable.open(othersOnly), Problem.GROUP_OR_WORLD_WRITABLE, othersOnly.toString())
                .hasMessageContaining("it is writable by others (owner uid 0, gid 0, mode 0757 -rwxr-xrwx)");
    }

    @Test
    void aStickyWorldWritableDirectoryIsRefusedToo() throws Exception {
        Path d = plugins.mkdir("sticky", "rwxrwxrwx");
        Files.setAttribute(d, "unix:mode", 01777);
        Path p = plugins.script("sticky/plugin", "exit 0\n");

        refused(() -> TrustedExecutable.open(p), Problem.GROUP_OR_WORLD_WRITABLE, d.toString())
                .hasMessageContaining("mode 1777 drwxrwxrwt");
    }

    @Test
    void slashVarTmpItselfIsRefusedForWhatLiesBelowIt() throws Exception {
        Path d = Files.createTempDirectory(Path.of("/var/tmp"), "vmnetd-exec-test-");
        try {
            Files.setPosixFilePermissions(d, PosixFilePermissions.fromString("rwxr-xr-x"));
            refused(() -> TrustedExecutable.checkDirectory(d), Problem.GROUP_OR_WORLD_WRITABLE, "/var/tmp");
        } finally {
            Files.delete(d);
        }
    }

    @Test
    void aGroupWritableDirectoryOrProgramIsRefused() throws Exception {
        Path d = plugins.mkdir("team", "rwxrwxr-x");
        Path inTeam = plugins.script("team/plugin", "exit 0\n");
        Path p = plugins.file("groupw", "#!/bin/sh\n", "rwxrwxr-x");

        refused(() -> TrustedExecutable.open(inTeam), Problem.GROUP_OR_WORLD_WRITABLE, d.toString())
                .hasMessageContaining("is writable by its group");
        refused(() -> TrustedExecutable.open(p), Problem.GROUP_OR_WORLD_WRITABLE, p.toString())
                .hasMessageStartingWith(p + ": refused: it is writable by its group");
    }

    @Test
    void aProgramOrDirectoryNotOwnedByRootIsRefused() throws Exception {
        Path p = plugins.script("theirs", "exit 0\n");
        PluginDir.chownToNobody(p);
        Path d = plugins.mkdir("theirdir", "rwxr-xr-x");
        Path inD = plugins.script("theirdir/plugin", "exit 0\n");
        PluginDir.chownToNobody(d);

        refused(() -> TrustedExecutable.open(p), Problem.NOT_OWNED_BY_ROOT, p.toString())
                .hasMessageContaining("is not owned by root (owner uid 65534");
        refused(() -> TrustedExecutable.open(inD), Problem.NOT_OWNED_BY_ROOT, d.toString());
        refused(() -> TrustedExecutable.checkDirectory(d), Problem.NOT_OWNED_BY_ROOT, d.toString());
    }

    @Test
    void onlyARegularFileWithAnExecuteBitIsAProgram() throws Exception {
        Path data = plugins.file("data", "#!/bin/sh\n", "rw-r--r--");
        Path dir = plugins.mkdir("adir", "rwxr-xr-x");
        Path fifo = plugins.dir.resolve("fifo");
        new ProcessBuilder("mkfifo", "-m", "0755", fifo.toString()).start().waitFor();

        refused(() -> TrustedExecutable.open(data), Problem.NOT_EXECUTABLE, data.toString())
                .hasMessageContaining("allowed: a file with an execute bit");
        refused(() -> TrustedExecutable.open(dir), Problem.NOT_A_REGULAR_FILE, dir.toString());
        refused(() -> TrustedExecutable.open(fifo), Problem.NOT_A_REGULAR_FILE, fifo.toString());
        refused(() -> TrustedExecutable.checkDirectory(data), Problem.NOT_A_DIRECTORY, data.toString());
    }

    @Test
    void aMissingComponentOrARelativePathIsNamed() throws Exception {
        Path missing = plugins.dir.resolve("nodir/plugin");
        refused(() -> TrustedExecutable.open(missing), Problem.CANNOT_OPEN, plugins.dir.resolve("nodir").toString())
                .hasMessageContaining("No such file or directory");
        refused(() -> TrustedExecutable.open(Path.of("bin/true")), Problem.NOT_ABSOLUTE, "bin/true");
    }

    @Test
    void rootOwnedSymlinksInTrustedDirectoriesAreFollowed() throws Exception {
        Path real = plugins.script("real/plugin", "exit 0\n");
        Path fileLink = Files.createSymbolicLink(plugins.dir.resolve("filelink"), Path.of("real/plugin"));
        Path dirLink = Files.createSymbolicLink(plugins.dir.resolve("dirlink"), plugins.dir.resolve("real"));
        Path dotdot = Files.createSymbolicLink(plugins.mkdir("sub", "rwxr-xr-x").resolve("up"), Path.of("../real/plugin"));

        for (Path p : new Path[] {fileLink, dirLink.resolve("plugin"), dotdot}) {
            try (TrustedExecutable exe = TrustedExecutable.open(p)) {
                assertThat(exe.resolvedPath()).as(p.toString()).isEqualTo(real.toRealPath());
            }
        }
        // Debian's merged /usr: /bin is a symlink to usr/bin.
        try (TrustedExecutable exe = TrustedExecutable.open(Path.of("/bin/true"))) {
            assertThat(exe.resolvedPath()).isEqualTo(Path.of("/bin/true").toRealPath());
        }
        assertThat(TrustedExecutable.checkDirectory(dirLink)).isEqualTo(real.getParent().toRealPath());
    }

    @Test
    void aSymlinkIsRefusedWhenItsTargetOrItselfIsNotTrusted() throws Exception {
        Path open = plugins.mkdir("open", "rwxrwxrwx");
        plugins.script("open/plugin", "exit 0\n");
        Path toOpen = Files.createSymbolicLink(plugins.dir.resolve("toopen"), open.resolve("plugin"));
        plugins.script("target", "exit 0\n");
        Path theirs = Files.createSymbolicLink(plugins.dir.resolve("theirs"), Path.of("target"));
        PluginDir.chownToNobody(theirs);
        Path loop = Files.createSymbolicLink(plugins.dir.resolve("loop"), Path.of("loop"));

        refused(() -> TrustedExecutable.open(toOpen), Problem.GROUP_OR_WORLD_WRITABLE, open.toString());
        refused(() -> TrustedExecutable.open(theirs), Problem.NOT_OWNED_BY_ROOT, theirs.toString())
                .hasMessageContaining("mode 0777 lrwxrwxrwx");
        refused(() -> TrustedExecutable.open(loop), Problem.TOO_MANY_SYMLINKS, loop.toString());
    }

    @Test
    void checkDirectoryAcceptsATrustedDirectoryAndRefusesAWritableOne() throws Exception {
        assertThat(TrustedExecutable.checkDirectory(plugins.dir)).isEqualTo(plugins.dir.toRealPath());
        assertThat(TrustedExecutable.checkDirectory(Path.of("/usr/lib/cni/.."))).isEqualTo(Path.of("/usr/lib"));
        Path d = plugins.mkdir("open", "rwxrwxrwx");
        refused(() -> TrustedExecutable.checkDirectory(d), Problem.GROUP_OR_WORLD_WRITABLE, d.toString())
                .hasMessageStartingWith(d + ": refused: it is writable by others");
    }

    @Test
    void openingAndRefusingLeavesNoDescriptorOpen() throws Exception {
        Path ok = plugins.script("ok", "exit 0\n");
        Path link = Files.createSymbolicLink(plugins.dir.resolve("link"), Path.of("ok"));
        Path open = plugins.mkdir("open", "rwxrwxrwx");
        Path inOpen = plugins.script("open/plugin", "exit 0\n");
        Path viaOpen = Files.createSymbolicLink(plugins.dir.resolve("viaopen"), inOpen);
        Path loop = Files.createSymbolicLink(plugins.dir.resolve("loop"), Path.of("loop"));
        Path data = plugins.file("data", "", "rw-r--r--");
        int before = Runs.openDescriptors();

        for (int i = 0; i < 50; i++) {
            TrustedExecutable.open(ok).close();
            TrustedExecutable.open(link).close();
            TrustedExecutable.checkDirectory(plugins.dir);
            for (Path refused : List.of(inOpen, viaOpen, loop, data, open, plugins.dir.resolve("missing/x"))) {
                assertThatThrownBy(() -> TrustedExecutable.open(refused)).isInstanceOf(UntrustedPathException.class);
            }
        }
        assertThat(Runs.openDescriptorsSettlingAt(before)).isEqualTo(before);
    }

    private static org.assertj.core.api.AbstractThrowableAssert<?, ? extends Throwable> refused(
            ThrowingCallable call, Problem problem, String component) {
        return assertThatThrownBy(call)
                .isInstanceOfSatisfying(UntrustedPathException.class, e -> {
                    assertThat(e.problem()).isEqualTo(problem);
                    assertThat(e.component()).isEqualTo(component);
                });
    }
}
