package io.vmnetd.netlink.bench;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.ProcessBuilder.Redirect;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * A fresh named network namespace for one benchmark iteration ({@code ip netns add vmnb-XXXXXXXX}), and the real
 * iproute2 tools run against it. Only ever touches devices inside its own namespace.
 *
 * <p>Removal must not leak work into the next iteration: deleting a namespace that still holds devices makes the
 * kernel unregister them later, asynchronously, under RTNL, which would slow whatever is timed next. So callers
 * empty the namespace synchronously first (they know what they made), and {@link #create} gives the kernel a
 * moment to finish the asynchronous cleanup of an emptied namespace before a measurement starts.
 */
final class BenchNetns implements AutoCloseable {
    /** Prefix of every namespace a benchmark makes; {@link #deleteLeftovers} removes strays by it. */
    static final String PREFIX = "vmnb-";
    private static final long SETTLE_MILLIS = 250;

    private final String name;
    private boolean closed;

    private BenchNetns(String name) {
        this.name = name;
    }

    static BenchNetns create() {
        String name = PREFIX + String.format("%08x", ThreadLocalRandom.current().nextInt());
        run(List.of("ip", "netns", "add", name));
        BenchNetns ns = new BenchNetns(name);
        ns.ip("link", "set", "lo", "up");
        settle();
        return ns;
    }

    String name() {
        return name;
    }

    Path path() {
        return Path.of("/run/netns", name);
    }

    /** {@code ip -n NAME ARGS...}; throws with ip's message on failure. */
    void ip(String... args) {
        List<String> c = new ArrayList<>(List.of("ip", "-n", name));
        c.addAll(List.of(args));
        run(c);
    }

    /** {@code ip -n NAME -batch FILE}: one ip process for every line of the file. */
    void ipBatch(Path file) {
        run(List.of("ip", "-n", name, "-batch", file.toString()));
    }

    /** {@code bridge -n NAME -batch FILE}: one bridge process for every line of the file. */
    void bridgeBatch(Path file) {
        run(List.of("bridge", "-n", name, "-batch", file.toString()));
    }

    /** Standard output of {@code tool -n NAME ARGS...}. */
    String output(String tool, String... args) {
        List<String> c = new ArrayList<>(List.of(tool, "-n", name));
        c.addAll(List.of(args));
        return run(c);
    }

    /** The number of lines {@code ip -n NAME -o link show type KIND} prints: the links of that kind. */
    int count(String kind) {
        return (int) output("ip", "-o", "link", "show", "type", kind).lines().filter(l -> !l.isBlank()).count();
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            run(List.of("ip", "netns", "delete", name));
        }
    }

    /** Deletes every namespace named {@link #PREFIX}* (left behind by a benchmark that died); returns their names. */
    static List<String> deleteLeftovers() {
        List<String> gone = new ArrayList<>();
        Path dir = Path.of("/run/netns");
        if (!Files.isDirectory(dir)) {
            return gone;
        }
        try (var entries = Files.list(dir)) {
            for (Path p : entries.toList()) {
                String n = p.getFileName().toString();
                if (n.startsWith(PREFIX)) {
                    run(List.of("ip", "netns", "delete", n));
                    gone.add(n);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return gone;
    }

    /** Writes a batch file for ip or bridge, one command a line, into a fresh temporary file. */
    static Path batchFile(String prefix, List<String> lines) {
        try {
            Path f = Files.createTempFile(prefix, ".batch");
            f.toFile().deleteOnExit();
            Files.write(f, lines, StandardCharsets.UTF_8);
            return f;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Runs a command to its end and returns its standard output; throws with its standard error when it fails.
     * Pipes, not files: the timed runs (the batch commands) print nothing unless they fail.
     */
    static String run(List<String> command) {
        try {
            Process p = new ProcessBuilder(command).redirectInput(Redirect.from(new File("/dev/null"))).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(5, TimeUnit.MINUTES)) {
                p.destroyForcibly();
                throw new IllegalStateException("timed out: " + String.join(" ", command));
            }
            if (p.exitValue() != 0) {
                throw new IllegalStateException(String.join(" ", command) + " failed (exit " + p.exitValue() + "): "
                        + err.strip());
            }
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run " + String.join(" ", command), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static void settle() {
        try {
            Thread.sleep(SETTLE_MILLIS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public String toString() {
        return name;
    }
}
