package io.vmnetd.daemon.bench;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/** The one timed exec behind every measurement, so that both plugins (and the floors) are timed identically. */
final class PluginExec {
    /** A plugin call still running after this is killed and the bench fails: something hangs. */
    static final long CALL_TIMEOUT_SECONDS = 90;
    private static final ScheduledExecutorService WATCHDOG = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "cnibench-watchdog");
        t.setDaemon(true);
        return t;
    });

    /** One timed exec. */
    record Call(long nanos, int exit, String stdout, String stderr) {}

    private PluginExec() {
    }

    /** Runs one command with {@code extraEnv} added to this process's environment; times start..exit only. */
    static Call exec(List<String> command, Map<String, String> extraEnv, byte[] stdin) {
        ProcessBuilder pb = new ProcessBuilder(command);
        Map<String, String> env = pb.environment();
        env.keySet().removeIf(k -> k.startsWith("CNI_") || k.startsWith("VMNETD_"));
        env.putAll(extraEnv);
        try {
            long t0 = System.nanoTime();
            Process p = pb.start();
            ScheduledFuture<?> kill = WATCHDOG.schedule(() -> {
                System.err.println("CniBench: " + command + " " + extraEnv + " still running after "
                        + CALL_TIMEOUT_SECONDS + " s; killing it");
                p.destroyForcibly();
            }, CALL_TIMEOUT_SECONDS, TimeUnit.SECONDS);
            try (OutputStream in = p.getOutputStream()) {
                in.write(stdin);
            }
            byte[] out = p.getInputStream().readAllBytes();
            byte[] err = p.getErrorStream().readAllBytes();
            int exit = p.waitFor();
            long t1 = System.nanoTime();
            kill.cancel(false);
            return new Call(t1 - t0, exit, new String(out, StandardCharsets.UTF_8),
                    new String(err, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run " + command + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}
