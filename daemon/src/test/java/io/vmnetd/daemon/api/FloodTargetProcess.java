package io.vmnetd.daemon.api;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * {@link FloodTarget} in a child JVM with a small heap and direct memory limit, its output kept in a file that
 * tells whether it ever threw OutOfMemoryError.
 */
public final class FloodTargetProcess implements AutoCloseable {

    /** Small enough that an unbounded server fails under the floods, as the issue found. */
    public static final List<String> JVM_LIMITS = List.of("-Xmx128m", "-XX:MaxDirectMemorySize=32m");

    private final Process process;
    private final Path output;
    private final Path socket;
    private final InetSocketAddress metrics;

    private FloodTargetProcess(Process process, Path output, Path socket, InetSocketAddress metrics) {
        this.process = process;
        this.output = output;
        this.socket = socket;
        this.metrics = metrics;
    }

    /**
     * @param dir where the socket goes (made traversable for other uids)
     * @param group the socket group (a flooding uid in it may connect)
     */
    public static FloodTargetProcess start(Path dir, String group, long cniMillis) throws IOException {
        Path socket = dir.resolve("vmnetd.sock");
        Path output = dir.resolve("flood-target.log");
        dir.toFile().setExecutable(true, false);
        dir.toFile().setReadable(true, false);
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(JVM_LIMITS);
        String extra = System.getProperty("flood.jvm.extra", "");
        if (!extra.isBlank()) {
            command.addAll(List.of(extra.trim().split("\\s+")));
        }
        command.addAll(List.of("-XX:+UseSerialGC", "-cp", classPath(), FloodTarget.class.getName(),
                socket.toString(), group, Long.toString(cniMillis)));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        BufferedReader lines = new BufferedReader(new InputStreamReader(process.getInputStream(),
                StandardCharsets.UTF_8));
        StringBuilder seen = new StringBuilder();
        String line;
        while ((line = lines.readLine()) != null) {
            seen.append(line).append('\n');
            if (line.startsWith("ready ")) {
                int port = Integer.parseInt(line.substring(6).trim());
                // The rest of its output goes to a file, read at the end.
                Thread copier = new Thread(() -> copy(lines, seen, output), "flood-target-output");
                copier.setDaemon(true);
                copier.start();
                return new FloodTargetProcess(process, output, socket, new InetSocketAddress("127.0.0.1", port));
            }
        }
        throw new IOException("FloodTarget exited before it was ready: " + seen);
    }

    public Path socket() {
        return socket;
    }

    public InetSocketAddress metrics() {
        return metrics;
    }

    public long pid() {
        return process.pid();
    }

    public boolean alive() {
        return process.isAlive();
    }

    /** Its open file descriptors now. */
    public int openFiles() throws IOException {
        return descriptors().size();
    }

    /** What its descriptors point at (socket:[inode], pipe:[inode], anon_inode:[eventpoll], file paths). */
    public List<String> descriptors() throws IOException {
        List<String> targets = new ArrayList<>();
        try (Stream<Path> fds = Files.list(Path.of("/proc", Long.toString(process.pid()), "fd"))) {
            for (Path fd : (Iterable<Path>) fds::iterator) {
                try {
                    targets.add(Files.readSymbolicLink(fd).toString());
                } catch (IOException closedMeanwhile) {
                    // gone between the listing and the read
                }
            }
        }
        return targets;
    }

    /** One row of /proc/PID/net/{tcp,tcp6,unix}: a socket as the kernel lists it. */
    private record SocketRow(String table, String state, String addresses, long receiveQueue) {
        private static final String TCP_LISTEN = "0A";

        /** For a TCP listener, the receive queue is its accept queue: connections not yet accepted. */
        long acceptQueue() {
            return !table.equals("unix") && state.equals(TCP_LISTEN) ? receiveQueue : 0;
        }

        @Override
        public String toString() {
            return table + " " + addresses + " st=" + state + (table.equals("unix") ? "" : " rx=" + receiveQueue);
        }
    }

    private Map<String, SocketRow> sockets() throws IOException {
        Map<String, SocketRow> sockets = new HashMap<>();
        Path net = Path.of("/proc", Long.toString(process.pid()), "net");
        for (String table : List.of("tcp", "tcp6", "unix")) {
            List<String> rows = Files.readAllLines(net.resolve(table));
            for (String row : rows.subList(1, rows.size())) {
                String[] f = row.trim().split("\\s+");
                if (table.equals("unix") && f.length >= 7) {
                    sockets.put(f[6], new SocketRow(table, f[5], f.length > 7 ? f[7] : "", 0));
                } else if (!table.equals("unix") && f.length >= 10) {
                    long rx = Long.parseLong(f[4].substring(f[4].indexOf(':') + 1), 16);
                    sockets.put(f[9], new SocketRow(table, f[3], f[1] + "->" + f[2], rx));
                }
            }
        }
        return sockets;
    }

    /** Connections waiting to be accepted on its TCP listeners (the kernel's accept queue, /proc/PID/net/tcp*). */
    public long acceptQueue() throws IOException {
        return sockets().values().stream().mapToLong(SocketRow::acceptQueue).sum();
    }

    /**
     * Its descriptors, each socket with what the kernel says of it (protocol, addresses, state, receive queue), for
     * a message that says which connections a count is over by.
     */
    public List<String> describedDescriptors() throws IOException {
        Map<String, SocketRow> sockets = sockets();
        List<String> described = new ArrayList<>();
        for (String target : descriptors()) {
            if (target.startsWith("socket:[")) {
                SocketRow row = sockets.get(target.substring("socket:[".length(), target.length() - 1));
                described.add(target + " " + (row == null ? "(not in tcp, tcp6 or unix)" : row));
            } else {
                described.add(target);
            }
        }
        return described;
    }

    /** Everything it printed so far. */
    public String output() throws IOException {
        return Files.exists(output) ? Files.readString(output) : "";
    }

    @Override
    public void close() throws IOException {
        try (OutputStream stdin = process.getOutputStream()) {
            stdin.flush();
        } catch (IOException e) {
            // already gone
        }
        try {
            if (!process.waitFor(15, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    private static void copy(BufferedReader lines, StringBuilder seen, Path output) {
        try (var out = Files.newBufferedWriter(output, StandardCharsets.UTF_8)) {
            out.write(seen.toString());
            String line;
            while ((line = lines.readLine()) != null) {
                out.write(line);
                out.write('\n');
                out.flush();
            }
        } catch (IOException e) {
            // the child ended
        }
    }

    /** The daemon module's test class path, from daemon/ (Maven) or from the repository root (scripts/bench). */
    private static String classPath() throws IOException {
        for (Path module : List.of(Path.of("."), Path.of("daemon"))) {
            Path written = module.resolve("target/test-classpath.txt");
            if (Files.exists(module.resolve("target/test-classes/io/vmnetd/daemon/api/FloodTarget.class"))
                    && Files.exists(written)) {
                return module.resolve("target/test-classes").toAbsolutePath() + ":"
                        + module.resolve("target/classes").toAbsolutePath() + ":" + Files.readString(written).trim();
            }
        }
        throw new IOException("no built daemon test classes under ./target or ./daemon/target");
    }
}
