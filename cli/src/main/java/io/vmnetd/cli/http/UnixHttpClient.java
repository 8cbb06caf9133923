package io.vmnetd.cli.http;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * HTTP/1.1 over the daemon's Unix socket with the JDK's own Unix-domain {@link SocketChannel}: one request per
 * connection ({@code Connection: close}), a Content-Length or chunked reply, or one that ends at EOF. A timer thread
 * closes the channel at the deadline, which ends a blocked read (a Unix channel has no socket timeout).
 */
public final class UnixHttpClient {
    private final Path socket;
    private final Duration timeout;

    public UnixHttpClient(Path socket, Duration timeout) {
        this.socket = socket;
        this.timeout = timeout;
    }

    public Path socket() {
        return socket;
    }

    /** The connection failed before a byte was sent; {@link #getCause()} says why (ENOENT, ECONNREFUSED, EACCES). */
    public static final class ConnectFailed extends IOException {
        private static final long serialVersionUID = 1L;

        ConnectFailed(IOException cause) {
            super(cause.getMessage(), cause);
        }
    }

    /** No complete answer within the timeout. */
    public static final class TimedOut extends IOException {
        private static final long serialVersionUID = 1L;

        TimedOut(Duration timeout) {
            super("no answer within " + timeout.toSeconds() + " s");
        }
    }

    public HttpResponse get(String path) throws IOException {
        return exchange("GET", path, null, null);
    }

    public HttpResponse post(String path, String contentType, byte[] body) throws IOException {
        return exchange("POST", path, contentType, body);
    }

    private HttpResponse exchange(String method, String path, String contentType, byte[] body) throws IOException {
        SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX);
        AtomicBoolean expired = new AtomicBoolean();
        Thread timer = deadline(channel, expired);
        try (channel) {
            try {
                channel.connect(UnixDomainSocketAddress.of(socket));
            } catch (IOException e) {
                throw new ConnectFailed(e);
            }
            StringBuilder head = new StringBuilder(160)
                    .append(method).append(' ').append(path).append(" HTTP/1.1\r\n")
                    .append("Host: vmnetd\r\nUser-Agent: vmnetctl\r\nAccept: application/json\r\nConnection: close\r\n");
            if (body != null) {
                head.append("Content-Type: ").append(contentType).append("\r\nContent-Length: ").append(body.length)
                        .append("\r\n");
            }
            head.append("\r\n");
            writeFully(channel, head.toString().getBytes(StandardCharsets.ISO_8859_1));
            if (body != null) {
                writeFully(channel, body);
            }
            return parse(readAll(channel));
        } catch (IOException e) {
            if (expired.get()) {
                throw new TimedOut(timeout);
            }
            throw e;
        } finally {
            timer.interrupt();
        }
    }

    private Thread deadline(SocketChannel channel, AtomicBoolean expired) {
        Thread t = new Thread(() -> {
            try {
                Thread.sleep(timeout.toMillis());
                expired.set(true);
                channel.close();
            } catch (InterruptedException | IOException e) {
                // answered in time, or already closed
            }
        }, "vmnetctl-timeout");
        t.setDaemon(true);
        t.start();
        return t;
    }

    private static void writeFully(SocketChannel channel, byte[] bytes) throws IOException {
        ByteBuffer b = ByteBuffer.wrap(bytes);
        while (b.hasRemaining()) {
            channel.write(b);
        }
    }

    private static byte[] readAll(SocketChannel channel) throws IOException {
        ByteArrayOutputStream all = new ByteArrayOutputStream(8192);
        ByteBuffer buf = ByteBuffer.allocate(16384);
        while (channel.read(buf) >= 0) {
            all.write(buf.array(), 0, buf.position());
            buf.clear();
        }
        return all.toByteArray();
    }

    static HttpResponse parse(byte[] raw) throws IOException {
        int end = indexOf(raw, "\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1), 0);
        if (end < 0) {
            throw new IOException("the daemon closed the connection without a complete answer");
        }
        String[] lines = new String(raw, 0, end, StandardCharsets.ISO_8859_1).split("\r\n");
        String[] statusLine = lines[0].split(" ", 3);
        if (statusLine.length < 2 || !statusLine[0].startsWith("HTTP/1.")) {
            throw new IOException("not an HTTP answer: " + lines[0]);
        }
        int status;
        try {
            status = Integer.parseInt(statusLine[1]);
        } catch (NumberFormatException e) {
            throw new IOException("not an HTTP status: " + lines[0]);
        }
        Map<String, String> headers = new HashMap<>();
        for (int i = 1; i < lines.length; i++) {
            int colon = lines[i].indexOf(':');
            if (colon > 0) {
                headers.put(lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT), lines[i].substring(colon + 1).trim());
            }
        }
        int start = end + 4;
        byte[] body;
        if ("chunked".equalsIgnoreCase(headers.get("transfer-encoding"))) {
            body = dechunk(raw, start);
        } else if (headers.containsKey("content-length")) {
            int length = Integer.parseInt(headers.get("content-length"));
            if (start + length > raw.length) {
                throw new IOException("the answer ended after " + (raw.length - start) + " of " + length + " bytes");
            }
            body = java.util.Arrays.copyOfRange(raw, start, start + length);
        } else {
            body = java.util.Arrays.copyOfRange(raw, start, raw.length);
        }
        return new HttpResponse(status, headers, new String(body, StandardCharsets.UTF_8));
    }

    private static byte[] dechunk(byte[] raw, int at) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] crlf = {'\r', '\n'};
        while (true) {
            int lineEnd = indexOf(raw, crlf, at);
            if (lineEnd < 0) {
                throw new IOException("truncated chunked answer");
            }
            String size = new String(raw, at, lineEnd - at, StandardCharsets.ISO_8859_1);
            int semicolon = size.indexOf(';');
            int n = Integer.parseInt((semicolon >= 0 ? size.substring(0, semicolon) : size).trim(), 16);
            if (n == 0) {
                return out.toByteArray();
            }
            if (lineEnd + 2 + n > raw.length) {
                throw new IOException("truncated chunked answer");
            }
            out.write(raw, lineEnd + 2, n);
            at = lineEnd + 2 + n + 2;
        }
    }

    private static int indexOf(byte[] haystack, byte[] needle, int from) {
        outer:
        for (int i = from; i <= haystack.length - needle.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
