package io.vmnetd.daemon.exec;

import static io.vmnetd.daemon.exec.Runs.*;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Many runs, every way they can end, some at once: no descriptor or child is left behind. */
class ChildProcessStressTest {
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
    void twoHundredRunsOfEveryKindLeaveNoDescriptorAndNoChild() throws Exception {
        TrustedExecutable ok = TrustedExecutable.open(plugins.copy(Path.of("/usr/bin/true"), "true"));
        TrustedExecutable hang = TrustedExecutable.open(plugins.script("hang", "sleep 1000 &\nsleep 1000\n"));
        TrustedExecutable flood = TrustedExecutable.open(plugins.script("flood", "head -c 1000000 /dev/zero\n"));
        TrustedExecutable held = TrustedExecutable.open(plugins.script("held", "(sleep 1000) &\necho held\n"));
        TrustedExecutable bad = TrustedExecutable.open(plugins.file("bad", "no shebang\n", "rwxr-xr-x"));
        // Only the hanging one meets its timeout; the others have all the time a loaded machine may need.
        Limits hangs = new Limits(Duration.ofMillis(50), 1 << 16, 1 << 16, Duration.ofMillis(20));
        Limits others = new Limits(Duration.ofSeconds(10), 1 << 16, 1 << 16, Duration.ofMillis(20));
        int before = openDescriptors();
        int[] seen = new int[5];
        try {
            for (int i = 0; i < 200; i++) {
                TrustedExecutable program = switch (i % 20) {
                    case 0 -> hang;
                    case 1 -> flood;
                    case 2 -> held;
                    case 3 -> bad;
                    default -> ok;
                };
                try {
                    Outcome o = ChildProcess.run(program, Command.of(program, Map.of(), "{}".getBytes()),
                            program == hang ? hangs : others);
                    if (o instanceof Outcome.TimedOut) {
                        seen[0]++;
                    } else if (o instanceof Outcome.OutputTooLarge) {
                        seen[1]++;
                    } else if (o instanceof Outcome.Exited e && e.outputLeftOpen()) {
                        seen[2]++;
                    } else if (o instanceof Outcome.Exited e && e.code() == 0) {
                        seen[4]++;
                    } else {
                        throw new AssertionError("run " + i + ": " + o);
                    }
                } catch (SpawnException e) {
                    seen[3]++;
                }
            }
        } finally {
            for (TrustedExecutable t : List.of(ok, hang, flood, held, bad)) {
                t.close();
            }
        }
        assertThat(seen).containsExactly(10, 10, 10, 10, 160);
        assertThat(openDescriptorsSettlingAt(before - 5)).isEqualTo(before - 5); // the five programs' descriptors are closed too
        assertThat(children()).as("unreaped children").isEmpty();
    }

    @Test
    void twentyCallsAtOnceEachGetTheirOwnAnswerInParallel() throws Exception {
        Path p = plugins.script("echoes", "read line\nsleep 0.5\necho \"$line\"\n");
        int before = openDescriptors();
        ExecutorService pool = Executors.newFixedThreadPool(20);
        try (TrustedExecutable exe = TrustedExecutable.open(p)) {
            long start = System.nanoTime();
            List<Future<Outcome>> calls = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                byte[] stdin = ("call " + i + "\n").getBytes(StandardCharsets.UTF_8);
                calls.add(pool.submit(() -> ChildProcess.run(exe, Command.of(exe, Map.of(), stdin), QUICK)));
            }
            for (int i = 0; i < 20; i++) {
                assertThat(exited(calls.get(i).get()).stdoutText()).isEqualTo("call " + i + "\n");
            }
            // One after another they would take 10 s.
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(6));
        } finally {
            pool.shutdown();
        }
        assertThat(openDescriptorsSettlingAt(before)).isEqualTo(before);
        assertThat(children()).isEmpty();
    }
}
