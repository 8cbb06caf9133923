package io.vmnetd.daemon.exec;

import static io.vmnetd.daemon.exec.Runs.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import jnr.ffi.Pointer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** What a child starts with: exactly its argv and environment, and nothing else of the daemon's. */
class ChildProcessIsolationTest {
    private static final byte[] NONE = new byte[0];
    private static final Map<String, String> ENV = new LinkedHashMap<>(Map.of("A", "1", "B", "two words", "EMPTY", ""));
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
    void anElfBinaryGetsExactlyTheGivenEnvironment() throws Exception {
        Path env = plugins.copy(Path.of("/usr/bin/env"), "env");

        assertThat(lines(exited(run(env, QUICK, ENV, NONE)).stdoutText())).isEqualTo(ENV);
    }

    @Test
    void aScriptGetsExactlyTheGivenEnvironmentAndArgumentsAndStartsInSlash() throws Exception {
        Path env = plugins.script("env", "env\n");
        Path args = plugins.script("args", "printf '[%s]' \"$0\" \"$@\"\n");

        Map<String, String> expected = new TreeMap<>(ENV);
        expected.put("PWD", "/"); // dash exports its working directory, which must be /
        assertThat(lines(exited(run(env, QUICK, ENV, NONE)).stdoutText())).isEqualTo(expected);
        // A script's $0 is the path the kernel executed; the arguments are exactly ours.
        assertThat(exited(run(args, QUICK, ENV, NONE, "a b", "", "*")).stdoutText())
                .isEqualTo("[/proc/self/fd/3][a b][][*]");
    }

    @Test
    void theChildLeadsItsOwnGroupWithNoSignalBlockedOrIgnored() throws Exception {
        Path cat = plugins.copy(Path.of("/usr/bin/cat"), "cat");
        Pointer winch = signalSet(TestLibC.SIGWINCH);
        Pointer old = signalSet();
        TestLibC.LIBC.pthread_sigmask(TestLibC.SIG_BLOCK, winch, old);
        long previous = TestLibC.LIBC.signal(TestLibC.SIGWINCH, TestLibC.SIG_IGN);
        try {
            Map<String, String> mine = status(Files.readString(Path.of("/proc/thread-self/status")));
            assertThat(Long.parseLong(mine.get("SigBlk"), 16) & (1L << 27)).as("this thread blocks SIGWINCH").isNotZero();
            assertThat(Long.parseLong(mine.get("SigIgn"), 16) & (1L << 27)).as("the JVM ignores SIGWINCH").isNotZero();

            Map<String, String> child = status(exited(run(cat, QUICK, Map.of(), NONE, "/proc/self/status")).stdoutText());

            assertThat(child.get("SigBlk")).isEqualTo("0000000000000000");
            assertThat(child.get("SigIgn")).isEqualTo("0000000000000000");
            assertThat(child.get("NSpgid")).isEqualTo(child.get("Pid")).isNotEqualTo(mine.get("NSpgid"));
        } finally {
            TestLibC.LIBC.pthread_sigmask(TestLibC.SIG_SETMASK, old, null);
            TestLibC.LIBC.signal(TestLibC.SIGWINCH, previous);
        }
    }

    @Test
    void theChildHasOnlyItsPipesAndItsProgramOpenNotTheDaemonsDescriptors() throws Exception {
        Path ls = plugins.copy(Path.of("/usr/bin/ls"), "ls");
        int inheritable = TestLibC.LIBC.open("/etc/hostname", TestLibC.O_RDONLY); // no O_CLOEXEC
        assertThat(inheritable).isGreaterThan(3);
        try {
            String listing = exited(run(ls, QUICK, Map.of(), NONE, "-l", "/proc/self/fd/")).stdoutText();
            Map<Integer, String> fds = new TreeMap<>();
            listing.lines().filter(l -> l.contains(" -> ")).forEach(l -> {
                String[] link = l.substring(l.lastIndexOf(' ', l.indexOf(" -> ") - 1) + 1).split(" -> ");
                fds.put(Integer.parseInt(link[0]), link[1]);
            });
            fds.values().removeIf(target -> target.matches("/proc/\\d+/fd")); // ls reading the listing itself

            assertThat(fds.keySet()).as(listing).containsExactly(0, 1, 2, 3);
            assertThat(fds.get(0)).startsWith("pipe:");
            assertThat(fds.get(1)).startsWith("pipe:");
            assertThat(fds.get(2)).startsWith("pipe:");
            assertThat(fds.get(3)).isEqualTo(ls.toRealPath().toString());
        } finally {
            TestLibC.LIBC.close(inheritable);
        }
    }

    @Test
    void whatRunsIsTheFileThatWasCheckedEvenIfThePathIsReplacedAfterwards() throws Exception {
        Path p = plugins.script("swap", "echo original\n");
        try (TrustedExecutable exe = TrustedExecutable.open(p)) {
            Path other = plugins.script("swap.new", "echo replaced\n");
            Files.move(other, p, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);

            Outcome o = ChildProcess.run(exe, Command.of(exe, Map.of(), NONE), QUICK);
            assertThat(exited(o).stdoutText()).isEqualTo("original\n");
        }
        assertThat(exited(run(p, QUICK, Map.of(), NONE)).stdoutText()).isEqualTo("replaced\n");
    }

    @Test
    void aProgramTheKernelCannotExecuteIsASpawnExceptionAndLeavesNothing() throws Exception {
        Path noShebang = plugins.file("noshebang", "echo hi\n", "rwxr-xr-x");
        Path noInterpreter = plugins.file("nointerp", "#!/nonexistent/sh\n", "rwxr-xr-x");
        int fds = openDescriptors();

        assertThatThrownBy(() -> run(noShebang, QUICK, Map.of(), NONE)).isInstanceOf(SpawnException.class)
                .hasMessage("cannot run noshebang: Exec format error (errno 8)");
        assertThatThrownBy(() -> run(noInterpreter, QUICK, Map.of(), NONE)).isInstanceOf(SpawnException.class)
                .hasMessage("cannot run nointerp: No such file or directory (errno 2)");
        assertThat(openDescriptorsSettlingAt(fds)).isEqualTo(fds);
        assertThat(children()).isEmpty();
    }

    @Test
    void aClosedProgramCannotBeRunAndArgumentsAreChecked() throws Exception {
        TrustedExecutable exe = TrustedExecutable.open(plugins.script("closed", "exit 0\n"));
        exe.close();

        assertThatThrownBy(() -> ChildProcess.run(exe, Command.of(exe, Map.of(), NONE), QUICK))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("was closed");
        assertThatThrownBy(() -> new Command(List.of(), Map.of(), NONE)).hasMessageContaining("argv");
        assertThatThrownBy(() -> new Command(List.of("x"), Map.of("A=B", "1"), NONE)).hasMessageContaining("'='");
        assertThatThrownBy(() -> new Command(List.of("x\0"), Map.of(), NONE)).hasMessageContaining("NUL");
    }

    private static Map<String, String> lines(String out) {
        Map<String, String> m = new TreeMap<>();
        out.lines().forEach(l -> m.put(l.substring(0, l.indexOf('=')), l.substring(l.indexOf('=') + 1)));
        return m;
    }

    private static Map<String, String> status(String procStatus) {
        Map<String, String> m = new TreeMap<>();
        procStatus.lines().filter(l -> l.contains(":"))
                .forEach(l -> m.put(l.substring(0, l.indexOf(':')), l.substring(l.indexOf(':') + 1).strip()));
        return m;
    }

    private static Pointer signalSet(int... signals) {
        Pointer set = jnr.ffi.Memory.allocateDirect(jnr.ffi.Runtime.getRuntime(TestLibC.LIBC), 128, true);
        TestLibC.LIBC.sigemptyset(set);
        for (int s : signals) {
            TestLibC.LIBC.sigaddset(set, s);
        }
        return set;
    }
}
