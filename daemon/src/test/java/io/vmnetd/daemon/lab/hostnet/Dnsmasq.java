package io.vmnetd.daemon.lab.hostnet;

import io.vmnetd.netlink.testing.TestNetns;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * dnsmasq (Debian dnsmasq-base) serving DHCP only ({@code --port=0}) on {@code eth0} of a lab namespace, in the
 * foreground, its leases in a file of its own: the DHCP server a host network's lease comes from.
 */
final class Dnsmasq implements AutoCloseable {
    private final Process process;
    private final Path dir;

    private Dnsmasq(Process process, Path dir) {
        this.process = process;
        this.dir = dir;
    }

    /** {@code extra}: further dnsmasq options, e.g. --dhcp-range=... and --dhcp-option=... */
    static Dnsmasq start(TestNetns ns, List<String> extra) throws IOException {
        Path dir = Files.createTempDirectory("dnsmasq-");
        List<String> command = new java.util.ArrayList<>(List.of("ip", "netns", "exec", ns.name(), "dnsmasq",
                "--keep-in-foreground", "--port=0", "--bind-interfaces", "--interface=eth0", "--except-interface=lo",
                "--user=root", "--conf-file=/dev/null", "--log-dhcp", "--log-facility=-",
                "--dhcp-leasefile=" + dir.resolve("leases"), "--pid-file=" + dir.resolve("pid")));
        command.addAll(extra);
        Process p = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(dir.resolve("log").toFile()).start();
        Dnsmasq d = new Dnsmasq(p, dir);
        if (!HostReader.await(10_000, () -> Files.exists(dir.resolve("pid")) || !p.isAlive()) || !p.isAlive()) {
            String log = d.log();
            d.close();
            throw new IllegalStateException("dnsmasq did not start: " + log);
        }
        return d;
    }

    /** The lease file's lines: "EXPIRY MAC IP HOSTNAME CLIENT-ID". */
    List<String> leases() {
        try {
            Path f = dir.resolve("leases");
            return Files.exists(f) ? Files.readAllLines(f) : List.of();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    String log() {
        try {
            return Files.readString(dir.resolve("log"));
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
