package io.vmnetd.netlink.testing;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code ip -o monitor link} running in a namespace: an independent record of every link notification there, to
 * show that something never appeared, not even for a moment.
 */
public final class IpMonitor implements AutoCloseable {
    private final Process process;
    private final List<String> lines = new ArrayList<>();
    private final Thread reader;

    private IpMonitor(Process process) {
        this.process = process;
        this.reader = new Thread(this::read, "ip-monitor");
        this.reader.setDaemon(true);
        this.reader.start();
    }

    /** Starts the monitor and returns once it is seen to be receiving (a marker link it made was reported). */
    public static IpMonitor start(TestNetns ns) {
        Process p;
        try {
            p = new ProcessBuilder("ip", "-n", ns.name(), "-o", "monitor", "link").redirectErrorStream(true).start();
        } catch (IOException e) {
            throw new IllegalStateException("cannot run ip monitor: " + e.getMessage(), e);
        }
        IpMonitor m = new IpMonitor(p);
        Duration step = Duration.ofMillis(100);
        for (int attempt = 0; attempt < 30; attempt++) {
            ns.ip("link", "add", "ipmon-mark", "type", "bridge");
            ns.ip("link", "del", "ipmon-mark");
            if (m.awaitLine("ipmon-mark", step)) {
                return m;
            }
        }
        m.close();
        throw new IllegalStateException("ip monitor in " + ns.name() + " reported nothing");
    }

    /** Waits until a line containing {@code text} has been printed. */
    public boolean awaitLine(String text, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (lines) {
            while (lines.stream().noneMatch(l -> l.contains(text))) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                try {
                    lines.wait(Math.max(1, left / 1_000_000));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return false;
                }
            }
            return true;
        }
    }

    public List<String> lines() {
        synchronized (lines) {
            return List.copyOf(lines);
        }
    }

    private void read() {
        try (BufferedReader in = new BufferedReader(
                new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = in.readLine()) != null) {
                synchronized (lines) {
                    lines.add(line);
                    lines.notifyAll();
                }
            }
        } catch (IOException ignored) {
            // the process was stopped
        }
    }

    @Override
    public void close() {
        process.destroy();
        try {
            reader.join(2_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
