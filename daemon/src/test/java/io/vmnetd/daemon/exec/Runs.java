package io.vmnetd.daemon.exec;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/** Shortcuts for the child process tests: run a plugin, and look at processes through /proc. */
final class Runs {
    /** A timeout no healthy run here comes near, so that reaching it is a failure to notice. */
    static final Limits QUICK = Limits.of(Duration.ofSeconds(10), 8 << 20, 8 << 20);

    private Runs() {}

    static Outcome run(Path plugin, Limits limits, Map<String, String> env, byte[] stdin, String... args)
            throws Exception {
        try (TrustedExecutable exe = TrustedExecutable.open(plugin)) {
            List<String> argv = new java.util.ArrayList<>();
            argv.add(plugin.getFileName().toString());
            argv.addAll(List.of(args));
            return ChildProcess.run(exe, new Command(argv, env, stdin), limits);
        }
    }

    static Outcome.Exited exited(Outcome o) {
        if (o instanceof Outcome.Exited e) {
            return e;
        }
        throw new AssertionError("expected an exit, got: " + o);
    }

    /** A pid a script wrote to a file. */
    static int pidIn(Path file) throws IOException {
        return Integer.parseInt(Files.readString(file).strip());
    }

    /** Whether {@code pid} is a live process (a zombie is not: it runs no more). */
    static boolean alive(int pid) throws IOException {
        try {
            String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
            char state = stat.charAt(stat.lastIndexOf(')') + 2);
            return state != 'Z' && state != 'X';
        } catch (NoSuchFileException gone) {
            return false;
        }
    }

    /** Processes that were killed are reaped by init at its own pace: wait a little for them to go. */
    static boolean goneWithin(int pid, Duration d) throws Exception {
        long end = System.nanoTime() + d.toNanos();
        while (alive(pid)) {
            if (System.nanoTime() > end) {
                return false;
            }
            Thread.sleep(10);
        }
        return true;
    }

    static int openDescriptors() throws IOException {
        try (var s = Files.list(Path.of("/proc/self/fd"))) {
            return (int) s.count() - 1; // the directory stream's own
        }
    }

    /**
     * Waits (at most 2 s) for the JVM's descriptor count to be {@code expected}: other threads of the test JVM (the
     * log, the metrics, class loading) open and close descriptors of their own now and then, while a leak stays.
     * Returns the last count seen.
     */
    static int openDescriptorsSettlingAt(int expected) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + 2_000_000_000L;
        int now = openDescriptors();
        while (now != expected && System.nanoTime() < deadline) {
            Thread.sleep(20);
            now = openDescriptors();
        }
        return now;
    }

    /** The JVM's unreaped children, from every thread's /proc children list. */
    static String children() throws IOException {
        StringBuilder all = new StringBuilder();
        try (var tasks = Files.list(Path.of("/proc/self/task"))) {
            for (Path t : tasks.toList()) {
                try {
                    all.append(Files.readString(t.resolve("children")));
                } catch (NoSuchFileException threadEnded) {
                    // a thread that ended meanwhile had none
                }
            }
        }
        return all.toString().strip();
    }
}
