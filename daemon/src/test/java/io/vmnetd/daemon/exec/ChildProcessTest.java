package io.vmnetd.daemon.exec;

import static io.vmnetd.daemon.exec.Runs.*;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** How fake IPAM plugins' runs end: exits, errors, floods, hangs and children left behind. */
class ChildProcessTest {
    private static final byte[] NONE = new byte[0];
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
    void stdinIsWrittenWhileStdoutIsRead() throws Exception {
        // 1 MiB each way: far more than a pipe holds, so it only completes when both go on at once.
        byte[] input = new byte[1 << 20];
        new Random(1).nextBytes(input);
        Path cat = plugins.script("cat", "exec cat\n");

        assertThat(exited(run(cat, QUICK, Map.of(), input)).stdout()).isEqualTo(input);
    }

    @Test
    void theReferenceIpamPluginsRunFromTheirPackage() throws Exception {
        // Go binaries from containernetworking-plugins (a build dependency), run in place from /usr/lib/cni.
        Map<String, String> version = Map.of("CNI_COMMAND", "VERSION");
        byte[] conf = "{\"cniVersion\":\"1.0.0\"}".getBytes(StandardCharsets.UTF_8);
        for (String plugin : new String[] {"/usr/lib/cni/host-local", "/usr/lib/cni/static"}) {
            Outcome.Exited e = exited(run(Path.of(plugin), QUICK, version, conf));
            assertThat(e.code()).as(plugin).isZero();
            assertThat(e.stdoutText()).as(plugin).contains("\"supportedVersions\":[").contains("\"1.0.0\"");
        }
    }

    @Test
    void aPluginThatExitsWithoutReadingStdinIsAnsweredNormally() throws Exception {
        Path p = plugins.script("noread", "echo '{\"cniVersion\":\"1.0.0\"}'\n");

        Outcome.Exited e = exited(run(p, QUICK, Map.of(), new byte[1 << 20]));
        assertThat(e.code()).isZero();
        assertThat(e.stdoutText()).isEqualTo("{\"cniVersion\":\"1.0.0\"}\n");
    }

    @Test
    void aNonZeroExitKeepsTheCniErrorItPrinted() throws Exception {
        String error = "{\"cniVersion\":\"1.0.0\",\"code\":7,\"msg\":\"no addresses left\"}";
        Path p = plugins.script("fails", "echo '" + error + "'\necho 'a detail' >&2\nexit 7\n");

        Outcome.Exited e = exited(run(p, QUICK, Map.of(), NONE));
        assertThat(e.code()).isEqualTo(7);
        assertThat(e.stdoutText()).isEqualTo(error + "\n");
        assertThat(e.stderrText()).isEqualTo("a detail\n");
        assertThat(e.describe()).isEqualTo("exited with 7");
    }

    @Test
    void outputThatIsNotJsonIsReturnedByteForByte() throws Exception {
        Path p = plugins.script("junk", "printf '\\377\\000{not json'\n");

        assertThat(exited(run(p, QUICK, Map.of(), NONE)).stdout())
                .isEqualTo(new byte[] {(byte) 0xff, 0, '{', 'n', 'o', 't', ' ', 'j', 's', 'o', 'n'});
    }

    @Test
    void stdoutAndStderrAreReadConcurrently() throws Exception {
        // 3 MB on stderr before anything on stdout: reading stdout first would wait for ever.
        Path p = plugins.script("both", "head -c 3000000 /dev/zero >&2\nhead -c 3000001 /dev/zero\n");

        Outcome.Exited e = exited(run(p, QUICK, Map.of(), NONE));
        assertThat(e.stderr()).hasSize(3_000_000);
        assertThat(e.stdout()).hasSize(3_000_001);
    }

    @Test
    void floodingAStreamPastItsLimitStopsTheRunAndKillsTheGroup() throws Exception {
        Path pidFile = plugins.dir.resolve("flood.pid");
        Path err = plugins.script("flooderr", "sleep 1000 & echo $! > " + pidFile + "\nhead -c 8000000 /dev/zero >&2\n");
        Path out = plugins.script("floodout", "head -c 8000000 /dev/zero\n");
        Limits oneMiB = Limits.of(Duration.ofSeconds(10), 1 << 20, 1 << 20);

        long start = System.nanoTime();
        Outcome o = run(err, oneMiB, Map.of(), NONE);
        assertThat(o).isEqualTo(new Outcome.OutputTooLarge(Outcome.Stream.STDERR, 1 << 20));
        assertThat(o.describe()).isEqualTo("stderr larger than 1048576 bytes");
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(3));
        assertThat(goneWithin(pidIn(pidFile), Duration.ofSeconds(2))).as("the plugin's child is killed").isTrue();

        assertThat(run(out, oneMiB, Map.of(), NONE)).isEqualTo(new Outcome.OutputTooLarge(Outcome.Stream.STDOUT, 1 << 20));
    }

    @Test
    void anOutputExactlyAtItsLimitIsKeptOneByteMoreIsNot() throws Exception {
        Path five = plugins.script("five", "printf 12345\n");
        Path six = plugins.script("six", "printf 123456 >&2\n");
        Limits limits = Limits.of(Duration.ofSeconds(10), 5, 5);

        assertThat(exited(run(five, limits, Map.of(), NONE)).stdoutText()).isEqualTo("12345");
        assertThat(run(six, limits, Map.of(), NONE)).isEqualTo(new Outcome.OutputTooLarge(Outcome.Stream.STDERR, 5));
    }

    @Test
    void aHungPluginTimesOutAndNoProcessOfItsGroupIsLeft() throws Exception {
        Path child = plugins.dir.resolve("hang.child");
        Path leader = plugins.dir.resolve("hang.leader");
        Path p = plugins.script("hang", "sleep 1000 & echo $! > " + child + "\necho $$ > " + leader
                + "\necho partial\nsleep 1000\n");
        Limits limits = Limits.of(Duration.ofSeconds(1), 1 << 20, 1 << 20);

        long start = System.nanoTime();
        Outcome o = run(p, limits, Map.of(), NONE);
        Duration took = Duration.ofNanos(System.nanoTime() - start);

        assertThat(o).isInstanceOfSatisfying(Outcome.TimedOut.class, t -> {
            assertThat(t.after()).isEqualTo(Duration.ofSeconds(1));
            assertThat(new String(t.stdout(), StandardCharsets.UTF_8)).isEqualTo("partial\n");
        });
        assertThat(o.describe()).isEqualTo("timed out after 1 s");
        assertThat(took).isBetween(Duration.ofSeconds(1), Duration.ofSeconds(4));
        assertThat(alive(pidIn(leader))).as("the plugin, reaped").isFalse();
        assertThat(goneWithin(pidIn(child), Duration.ofSeconds(2))).as("its child, killed with its group").isTrue();
        assertThat(new Outcome.TimedOut(Duration.ofMillis(250), NONE, NONE).describe()).isEqualTo("timed out after 250 ms");
    }

    @Test
    void aChildLeftHoldingStdoutDoesNotKeepTheCallAndIsKilled() throws Exception {
        Path pidFile = plugins.dir.resolve("held.pid");
        Path p = plugins.script("held", "(sleep 1000) &\necho $! > " + pidFile + "\necho '{\"ok\":true}'\nexit 0\n");

        long start = System.nanoTime();
        Outcome.Exited e = exited(run(p, QUICK, Map.of(), NONE));
        Duration took = Duration.ofNanos(System.nanoTime() - start);

        assertThat(e.code()).isZero();
        assertThat(e.outputLeftOpen()).isTrue();
        assertThat(e.stdoutText()).isEqualTo("{\"ok\":true}\n");
        assertThat(took).isLessThan(Duration.ofSeconds(3)); // the grace is 150 ms, the timeout 10 s
        assertThat(goneWithin(pidIn(pidFile), Duration.ofSeconds(2))).isTrue();
    }

    @Test
    void aChildThatEscapedWithSetsidDoesNotKeepTheCall() throws Exception {
        Path pidFile = plugins.dir.resolve("escaped.pid");
        Path p = plugins.script("escapes", "setsid sleep 1000 &\necho $! > " + pidFile + "\necho answer\n");

        long start = System.nanoTime();
        Outcome.Exited e = exited(run(p, QUICK, Map.of(), NONE));
        Duration took = Duration.ofNanos(System.nanoTime() - start);
        int escaped = pidIn(pidFile);
        try {
            assertThat(e.outputLeftOpen()).isTrue();
            assertThat(e.stdoutText()).isEqualTo("answer\n");
            assertThat(took).isLessThan(Duration.ofSeconds(3)); // not the 10 s timeout
            // It left the process group, so killing the group cannot reach it: what the grace period is for.
            assertThat(alive(escaped)).isTrue();
        } finally {
            ProcessHandle.of(escaped).ifPresent(ProcessHandle::destroyForcibly);
        }
    }

    @Test
    void whatAPluginLeftInItsGroupIsKilledWhenItExits() throws Exception {
        Path pidFile = plugins.dir.resolve("bg.pid");
        Path p = plugins.script("bg", "sleep 1000 >/dev/null 2>&1 &\necho $! > " + pidFile + "\n");

        Outcome.Exited e = exited(run(p, QUICK, Map.of(), NONE));

        assertThat(e.outputLeftOpen()).isFalse();
        assertThat(goneWithin(pidIn(pidFile), Duration.ofSeconds(2))).isTrue();
    }

    @Test
    void aPluginKilledByASignalIsReportedAsSuch() throws Exception {
        Path p = plugins.script("segv", "echo before\nkill -SEGV $$\n");

        assertThat(run(p, QUICK, Map.of(), NONE)).isInstanceOfSatisfying(Outcome.Signaled.class, s -> {
            assertThat(s.signal()).isEqualTo(11);
            assertThat(new String(s.stdout(), StandardCharsets.UTF_8)).isEqualTo("before\n");
        });
    }
}
