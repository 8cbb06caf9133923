package io.vmnetd.daemon.testing;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * {@code tcpdump -e -nn -l -i DEV} inside a named namespace, its printed frames collected until {@link #stop()}:
 * an independent view of what crosses a link, link-layer header and 802.1Q tag included.
 */
public final class Tcpdump implements AutoCloseable {
    private final Process process;
    private final List<String> lines = new ArrayList<>();
    private final StringBuilder errors = new StringBuilder();
    private final Thread out;
    private final Thread err;

    private Tcpdump(Process process, CountDownLatch listening) {
        this.process = process;
        this.out = daemonThread(() -> collect(process.getInputStream(), lines, null));
        this.err = daemonThread(() -> collect(process.getErrorStream(), null, listening));
    }

    private static Thread daemonThread(Runnable r) {
        Thread t = new Thread(r, "tcpdump-reader");
        t.setDaemon(true);
        t.start();
        return t;
    }

    /** Starts the capture and waits until tcpdump says it is listening. */
    public static Tcpdump start(String netns, String dev) {
        ProcessBuilder pb = new ProcessBuilder("ip", "netns", "exec", netns, "tcpdump", "-e", "-nn", "-l", "-i", dev);
        CountDownLatch listening = new CountDownLatch(1);
        Tcpdump t;
        try {
            t = new Tcpdump(pb.start(), listening);
        } catch (IOException e) {
            throw new IllegalStateException("cannot run tcpdump: " + e.getMessage(), e);
        }
        try {
            if (!listening.await(60, TimeUnit.SECONDS)) {
                t.stop();
                throw new AssertionError("tcpdump did not start listening on " + dev + ": " + t.errors);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
        return t;
    }

    private void collect(java.io.InputStream in, List<String> into, CountDownLatch listening) {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            String line;
            while ((line = r.readLine()) != null) {
                synchronized (this) {
                    if (into != null) {
                        into.add(line);
                    } else {
                        errors.append(line).append('\n');
                    }
                }
                if (listening != null && line.contains("listening on")) {
                    listening.countDown();
                }
            }
        } catch (IOException ignored) {
            // the process is gone
        }
    }

    /** The frames printed so far, one line each. */
    public synchronized List<String> lines() {
        return List.copyOf(lines);
    }

    /** Stops the capture (SIGTERM) and returns every printed frame. */
    public List<String> stop() {
        process.destroy();
        try {
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
            out.join(10_000);
            err.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return lines();
    }

    @Override
    public void close() {
        if (process.isAlive()) {
            stop();
        }
    }
}
