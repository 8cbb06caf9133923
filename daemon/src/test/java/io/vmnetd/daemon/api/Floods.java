package io.vmnetd.daemon.api;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Hostile clients for flood tests and the flood bench. Each keeps {@code connections} connections open, every one
 * announcing a body of {@code bodyBytes} and pushing it as fast as the server reads; whatever the server closes is
 * opened again at once, so a cap turns into an accept-and-close storm, as a real attacker would make it.
 */
public final class Floods {

    /** A running flood; closing stops it and closes its connections. */
    public interface Flood extends AutoCloseable {
        /** Connections opened so far (accepted or not). */
        long opened();

        @Override
        void close();
    }

    private Floods() {}

    /** POST /metrics with a large body to the TCP metrics listener, from this JVM (the metrics port needs no uid). */
    public static Flood tcp(InetSocketAddress address, int connections, int bodyBytes) {
        byte[] head = ("POST /metrics HTTP/1.1\r\nHost: x\r\nContent-Length: " + bodyBytes + "\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII);
        AtomicBoolean stop = new AtomicBoolean();
        AtomicLong opened = new AtomicLong();
        Thread thread = new Thread(() -> runTcp(address, connections, head, bodyBytes, stop, opened), "tcp-flood");
        thread.setDaemon(true);
        thread.start();
        return new Flood() {
            @Override
            public long opened() {
                return opened.get();
            }

            @Override
            public void close() {
                stop.set(true);
                try {
                    thread.join(10_000);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        };
    }

    /** POST /v1/cni with a large body to the Unix socket, run as {@code uid}:{@code gid} (setpriv, python3). */
    public static Flood unixAs(int uid, int gid, Path socket, int connections, int bodyBytes) throws IOException {
        Path script = Files.createTempFile("vmnetd-unix-flood", ".py");
        Files.writeString(script, UNIX_FLOOD);
        script.toFile().setReadable(true, false);
        Process process = new ProcessBuilder("setpriv", "--reuid=" + uid, "--regid=" + gid, "--clear-groups",
                "/usr/bin/python3", script.toString(), socket.toString(), Integer.toString(connections),
                Integer.toString(bodyBytes))
                .redirectError(ProcessBuilder.Redirect.INHERIT)
                .start();
        AtomicLong opened = new AtomicLong();
        Thread reader = new Thread(() -> {
            try (var lines = new java.io.BufferedReader(new java.io.InputStreamReader(process.getInputStream(),
                    StandardCharsets.US_ASCII))) {
                String line;
                while ((line = lines.readLine()) != null) {
                    opened.set(Long.parseLong(line.trim()));
                }
            } catch (IOException | NumberFormatException e) {
                // the flood ended
            }
        }, "unix-flood-stats");
        reader.setDaemon(true);
        reader.start();
        return new Flood() {
            @Override
            public long opened() {
                return opened.get();
            }

            @Override
            public void close() {
                process.destroy();
                try {
                    if (!process.waitFor(10, TimeUnit.SECONDS)) {
                        process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                    }
                    reader.join(5_000);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                script.toFile().delete();
            }
        };
    }

    private static void runTcp(InetSocketAddress address, int connections, byte[] head, int bodyBytes,
            AtomicBoolean stop, AtomicLong opened) {
        ByteBuffer chunk = ByteBuffer.allocate(64 * 1024);
        ByteBuffer sink = ByteBuffer.allocate(64 * 1024);
        try (Selector selector = Selector.open()) {
            int open = 0;
            while (!stop.get()) {
                while (open < connections) {
                    try {
                        SocketChannel channel = SocketChannel.open();
                        channel.configureBlocking(false);
                        channel.connect(address);
                        channel.register(selector, SelectionKey.OP_CONNECT, new long[] {0});
                        open++;
                        opened.incrementAndGet();
                    } catch (IOException e) {
                        break; // out of descriptors or ports for now; try again on the next round
                    }
                }
                selector.select(20);
                for (SelectionKey key : selector.selectedKeys()) {
                    SocketChannel channel = (SocketChannel) key.channel();
                    long[] sent = (long[]) key.attachment();
                    try {
                        if (key.isConnectable()) {
                            channel.finishConnect();
                            key.interestOps(SelectionKey.OP_WRITE | SelectionKey.OP_READ);
                        } else if (key.isReadable() && channel.read(sink.clear()) < 0) {
                            throw new IOException("closed by the server");
                        } else if (key.isWritable()) {
                            long total = head.length + (long) bodyBytes;
                            if (sent[0] < head.length) {
                                sent[0] += channel.write(ByteBuffer.wrap(head, (int) sent[0], head.length - (int) sent[0]));
                            } else if (sent[0] < total) {
                                chunk.clear().limit((int) Math.min(chunk.capacity(), total - sent[0]));
                                sent[0] += channel.write(chunk);
                            } else {
                                key.interestOps(SelectionKey.OP_READ);
                            }
                        }
                    } catch (IOException e) {
                        key.cancel();
                        close(channel);
                        open--;
                    }
                }
                selector.selectedKeys().clear();
            }
            for (SelectionKey key : List.copyOf(selector.keys())) {
                close(key.channel());
            }
        } catch (IOException e) {
            throw new IllegalStateException("TCP flood failed", e);
        }
    }

    private static void close(java.nio.channels.Channel channel) {
        try {
            channel.close();
        } catch (IOException e) {
            // already gone
        }
    }

    /** The same flood in python3, so that it can run as another uid; prints its count of opened connections. */
    private static final String UNIX_FLOOD = """
            import resource, selectors, socket, sys, time
            path, n, body = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
            soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
            resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
            head = b"POST /v1/cni HTTP/1.1\\r\\nHost: x\\r\\nContent-Type: application/json\\r\\nContent-Length: %d\\r\\n\\r\\n" % body
            chunk = b"x" * 65536
            sel = selectors.DefaultSelector()
            opened, last = 0, 0.0
            sent = {}
            def drop(s):
                sel.unregister(s)
                del sent[s]
                s.close()
            while True:
                while len(sent) < n:
                    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
                    s.setblocking(False)
                    try:
                        s.connect(path)
                    except (BlockingIOError, InterruptedError):
                        s.close()
                        break
                    except OSError:
                        s.close()
                        break
                    opened += 1
                    sent[s] = 0
                    sel.register(s, selectors.EVENT_READ | selectors.EVENT_WRITE)
                for key, ev in sel.select(0.02):
                    s = key.fileobj
                    try:
                        if ev & selectors.EVENT_READ:
                            if not s.recv(65536):
                                drop(s)
                                continue
                        if ev & selectors.EVENT_WRITE:
                            k = sent[s]
                            if k < len(head):
                                sent[s] += s.send(head[k:])
                            elif k < len(head) + body:
                                sent[s] += s.send(chunk[:len(head) + body - k])
                            else:
                                sel.modify(s, selectors.EVENT_READ)
                    except OSError:
                        drop(s)
                now = time.monotonic()
                if now - last > 0.2:
                    print(opened, flush=True)
                    last = now
            """;
}
