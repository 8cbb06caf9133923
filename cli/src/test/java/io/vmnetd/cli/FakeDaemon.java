package io.vmnetd.cli;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;

/**
 * A stand-in for vmnetd on a Unix socket: answers each request with whatever {@link #answer} says (status and body),
 * and records the request lines and bodies. A null answer means: accept, read, never answer (for timeouts).
 */
final class FakeDaemon implements AutoCloseable {
    record Request(String method, String path, String body) {}

    record Answer(int status, String body) {}

    final Path socket;
    final List<Request> requests = new CopyOnWriteArrayList<>();
    volatile Function<Request, Answer> answer = r -> new Answer(200, "{}");
    private final ServerSocketChannel server;
    private final Thread thread;

    FakeDaemon(Path dir) throws IOException {
        socket = dir.resolve("fake.sock");
        server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        server.bind(UnixDomainSocketAddress.of(socket));
        thread = new Thread(this::serve, "fake-vmnetd");
        thread.setDaemon(true);
        thread.start();
    }

    private void serve() {
        while (server.isOpen()) {
            try (SocketChannel c = server.accept()) {
                Request request = read(c);
                requests.add(request);
                Answer a = answer.apply(request);
                if (a == null) {
                    Thread.sleep(5000);
                    continue;
                }
                byte[] body = a.body().getBytes(StandardCharsets.UTF_8);
                String head = "HTTP/1.1 " + a.status() + " X\r\nContent-Type: application/json\r\nContent-Length: "
                        + body.length + "\r\nConnection: close\r\n\r\n";
                c.write(ByteBuffer.wrap(head.getBytes(StandardCharsets.ISO_8859_1)));
                c.write(ByteBuffer.wrap(body));
            } catch (IOException | InterruptedException e) {
                // closed
            }
        }
    }

    private static Request read(SocketChannel c) throws IOException {
        ByteArrayOutputStream in = new ByteArrayOutputStream();
        ByteBuffer buf = ByteBuffer.allocate(4096);
        while (true) {
            String text = in.toString(StandardCharsets.UTF_8);
            int end = text.indexOf("\r\n\r\n");
            if (end >= 0) {
                int length = 0;
                for (String line : text.substring(0, end).split("\r\n")) {
                    if (line.toLowerCase().startsWith("content-length:")) {
                        length = Integer.parseInt(line.substring(15).trim());
                    }
                }
                if (in.size() >= end + 4 + length) {
                    String[] first = text.substring(0, text.indexOf("\r\n")).split(" ");
                    return new Request(first[0], first[1], text.substring(end + 4));
                }
            }
            buf.clear();
            if (c.read(buf) < 0) {
                throw new IOException("client closed early");
            }
            in.write(buf.array(), 0, buf.position());
        }
    }

    @Override
    public void close() throws IOException {
        server.close();
        Files.deleteIfExists(socket);
    }
}
