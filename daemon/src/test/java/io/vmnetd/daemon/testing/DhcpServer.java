package io.vmnetd.daemon.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Debian's dnsmasq as a DHCP server (no DNS) on one interface of a named namespace, in the foreground, logging
 * every DHCP message to a file: the tests' independent DHCP peer and witness. Closing stops it (by its PID) and
 * deletes its files.
 */
public final class DhcpServer implements AutoCloseable {
    private final Process process;
    private final Path dir;

    private DhcpServer(Process process, Path dir) {
        this.process = process;
        this.dir = dir;
    }

    /**
     * Serves {@code first..last} with {@code netmask} and router {@code router} on {@code ifName} inside
     * {@code netns}; waits until dnsmasq says it serves DHCP.
     */
    public static DhcpServer start(String netns, String ifName, String first, String last, String netmask,
                                   String router) {
        try {
            Path dir = Files.createTempDirectory("dnsmasq-");
            List<String> command = new ArrayList<>(List.of("ip", "netns", "exec", netns, "dnsmasq",
                    "--keep-in-foreground", "--conf-file=/dev/null", "--user=root", "--port=0", "--bind-interfaces",
                    "--interface=" + ifName, "--except-interface=lo",
                    // Offer at once: by default dnsmasq first pings the address for up to 3 s.
                    "--no-ping",
                    "--dhcp-range=" + first + "," + last + "," + netmask + ",10m",
                    "--dhcp-option=3," + router,
                    "--dhcp-leasefile=" + dir.resolve("leases"), "--pid-file=" + dir.resolve("pid"),
                    "--log-dhcp", "--log-facility=" + dir.resolve("log")));
            Process p = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(dir.resolve("out").toFile()).start();
            DhcpServer server = new DhcpServer(p, dir);
            server.awaitLog("DHCP, IP range", Duration.ofSeconds(60));
            return server;
        } catch (IOException e) {
            throw new IllegalStateException("cannot start dnsmasq: " + e.getMessage(), e);
        }
    }

    /** Everything dnsmasq logged so far. */
    public String log() {
        try {
            Path log = dir.resolve("log");
            return Files.exists(log) ? Files.readString(log, StandardCharsets.UTF_8) : "";
        } catch (IOException e) {
            return "(cannot read the log: " + e + ")";
        }
    }

    /** The lease file: empty as long as no client completed REQUEST/ACK. */
    public String leases() {
        try {
            Path leases = dir.resolve("leases");
            return Files.exists(leases) ? Files.readString(leases, StandardCharsets.UTF_8) : "";
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Waits until the log contains {@code text}. */
    public void awaitLog(String text, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!log().contains(text)) {
            if (!process.isAlive()) {
                throw new AssertionError("dnsmasq exited " + process.exitValue() + ": " + output() + log());
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("dnsmasq did not log \"" + text + "\" in " + timeout + ": " + output() + log());
            }
            DaemonUnderTest.sleep(50);
        }
    }

    private String output() {
        try {
            return Files.readString(dir.resolve("out"), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "";
        }
    }

    @Override
    public void close() {
        // ip netns exec execs dnsmasq, so the process is dnsmasq itself.
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try (var files = Files.list(dir)) {
            for (Path f : files.toList()) {
                Files.deleteIfExists(f);
            }
            Files.deleteIfExists(dir);
        } catch (IOException ignored) {
            // a temp directory left behind
        }
    }
}
